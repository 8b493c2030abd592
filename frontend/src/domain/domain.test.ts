import { describe, expect, it } from "vitest";
import cases from "./span_cases.json";
import { spanProblems, segments, withSpan, paragraphs, type Span, type Schema } from "./spans";
import { clusterAt, snapToTokens, tokenize } from "./tokens";
import { guessCasualty, casualtyAttrs } from "./casualty";
import { compareAnnotations, majorityVote, settle, unionOf } from "./review";
import { History } from "./history";
import { ActiveTimer } from "./activeTime";
import { offsetMap, spanToCodePoints, spanToUnits } from "./offsets";

const LABELS = cases.labels as Record<string, Schema>;
const asSpans = (rows: unknown[][]) =>
  rows.map(([start, end, label, attrs]) => ({ start, end, label, attrs: attrs ?? {} }));

describe("span rules shared with tests/annotator/test_spans.py", () => {
  for (const c of cases.cases) {
    it(c.name, () => {
      const text = "text" in c && typeof c.text === "string" ? c.text : cases.text;
      const found = spanProblems(text, asSpans(c.spans), LABELS).map((p) => p.reason);
      expect(found.length).toBe(c.reasons.length);
      c.reasons.forEach((reason, i) => expect(found[i]).toContain(reason));
    });
  }
  it("keeps combining marks with their word", () => {
    const text = "Cafe\u0301 bombed";
    expect(spanProblems(text, [{ start: 0, end: 4, label: "LOCATION" }], LABELS).map((p) => p.reason)).toEqual([
      "end 4 is inside the word 'Cafe\u0301'",
    ]);
    expect(spanProblems(text, [{ start: 0, end: 5, label: "LOCATION" }], LABELS)).toEqual([]);
  });
});

describe("the tokenizer matches annotator/tokenize.py", () => {
  for (const c of cases.tokenize) {
    it(JSON.stringify(c.text), () => {
      // The cases count code points, as the server does; the browser's tokens are UTF-16 units.
      const map = offsetMap(c.text);
      expect(tokenize(c.text).map((t) => [map.toCodePoints(t.start), map.toCodePoints(t.end)])).toEqual(c.tokens);
    });
  }
});

describe("selections snap to whole tokens", () => {
  const text = cases.text;
  const tokens = tokenize(text);
  it("grows a selection that starts and ends inside words", () => {
    expect(snapToTokens(tokens, 51, 55)).toEqual([48, 59]); // "ast Al" -> "east Aleppo"
  });
  it("accepts a backwards selection", () => {
    expect(snapToTokens(tokens, 55, 51)).toEqual([48, 59]);
  });
  it("gives the word under a click", () => {
    expect(snapToTokens(tokens, 2, 2)).toEqual([0, 6]);
  });
  it("ignores a selection of whitespace only", () => {
    expect(snapToTokens(tokens, 6, 7)).toBeNull();
  });
  it("never gives a span the server rejects", () => {
    for (let a = 0; a < text.length; a += 3) {
      for (let b = a + 1; b <= text.length; b += 5) {
        const snapped = snapToTokens(tokens, a, b);
        if (snapped) expect(spanProblems(text, [{ start: snapped[0], end: snapped[1], label: "LOCATION" }], LABELS)).toEqual([]);
      }
    }
  });
});

const MIXED = "Les secours à Alep \u{1F691} ont compté 20 Menschen في حلب \u{1F1F8}\u{1F1FE} \u{1F468}\u200D\u{1F469}\u200D\u{1F467} ont fui.";

describe("offsets past emoji, flags and ZWJ families", () => {
  const map = offsetMap(MIXED);
  const tokens = tokenize(MIXED);
  const text = (t: { start: number; end: number }) => MIXED.slice(t.start, t.end);
  it("a flag and a family are one token each", () => {
    expect(tokens.map(text).slice(10, 13)).toEqual(["حلب", "\u{1F1F8}\u{1F1FE}", "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}"]);
  });
  it("converts a span both ways and the rules read code points", () => {
    const units = { start: MIXED.indexOf("20 Menschen"), end: MIXED.indexOf("20 Menschen") + 11, label: "CASUALTY_COUNT" };
    const api = spanToCodePoints(map, units);
    expect([api.start, api.end]).toEqual([32, 43]); // what Python's str indices say
    expect(spanToUnits(map, api)).toEqual(units);
    expect(spanProblems(MIXED, [api], LABELS)).toEqual([]);
    expect(map.length).toBe([...MIXED].length);
  });
  it("finds the cluster a boundary would split", () => {
    const flag = MIXED.indexOf("\u{1F1F8}");
    expect(clusterAt(MIXED, flag + 2)).toEqual([flag, flag + 4]);
    expect(clusterAt(MIXED, flag)).toBeNull();
    expect(clusterAt(MIXED, flag + 4)).toBeNull();
  });
  it("every selection snaps to a span the server accepts", () => {
    for (let a = 0; a < MIXED.length; a += 1) {
      for (let b = a; b <= MIXED.length; b += 3) {
        const snapped = snapToTokens(tokens, a, b);
        if (snapped) {
          const api = spanToCodePoints(map, { start: snapped[0], end: snapped[1], label: "LOCATION" });
          expect(spanProblems(MIXED, [api], LABELS)).toEqual([]);
        }
      }
    }
  });
});

describe("drawing spans", () => {
  it("a new span replaces same-label spans it overlaps and keeps other labels", () => {
    const spans: Span[] = [
      { start: 48, end: 59, label: "LOCATION" },
      { start: 53, end: 59, label: "PERPETRATOR" },
    ];
    const after = withSpan(spans, { start: 53, end: 60, label: "LOCATION" });
    expect(after.map((s) => [s.start, s.end, s.label])).toEqual([
      [53, 59, "PERPETRATOR"],
      [53, 60, "LOCATION"],
    ]);
  });
  it("cuts a paragraph into segments that each know every span over them", () => {
    const spans = [
      { start: 0, end: 10 },
      { start: 5, end: 15 },
    ];
    expect(segments(spans, 0, 20)).toEqual([
      { start: 0, end: 5, spans: [0] },
      { start: 5, end: 10, spans: [0, 1] },
      { start: 10, end: 15, spans: [1] },
      { start: 15, end: 20, spans: [] },
    ]);
  });
  it("splits paragraphs after line breaks", () => {
    expect(paragraphs("ab\ncd\n")).toEqual([
      [0, 3],
      [3, 6],
    ]);
  });
  it("maps code points to UTF-16 units after an emoji", () => {
    const map = offsetMap("a\u{1F600}b");
    expect(map.toUnits(2)).toBe(3);
    expect(map.toCodePoints(3)).toBe(2);
    expect(offsetMap("plain").toUnits(3)).toBe(3);
  });
});

describe("casualty counts are pre-filled from their words", () => {
  for (const c of cases.casualty) {
    it(c.phrase, () => {
      const guess = guessCasualty(c.phrase);
      expect([guess.value, guess.qualifier, guess.victims]).toEqual([c.value, c.qualifier, c.victims]);
    });
  }
  it("reads the status from the verb around the span", () => {
    expect(guessCasualty("more than 300 people", "Syrian warplanes have killed").status).toBe("killed");
    expect(guessCasualty("50 others", "and wounded").status).toBe("wounded");
  });
  it("keeps only what the label's schema allows", () => {
    const schema = { value: { type: "integer" }, qualifier: { type: "choice", choices: ["exact"] } };
    expect(casualtyAttrs("more than 300 people", "", schema)).toEqual({ value: 300 });
  });
});

describe("review", () => {
  const a: Span[] = [
    { start: 0, end: 16, label: "PERPETRATOR" },
    { start: 24, end: 44, label: "CASUALTY_COUNT" },
    { start: 48, end: 59, label: "LOCATION" },
  ];
  const b: Span[] = [
    { start: 0, end: 16, label: "PERPETRATOR" },
    { start: 34, end: 44, label: "CASUALTY_COUNT" },
    { start: 48, end: 59, label: "PERPETRATOR" },
    { start: 61, end: 69, label: "PERPETRATOR" },
  ];
  const { agreed, groups } = compareAnnotations({ alice: a, bob: b });
  it("sorts differences into agree, boundary, label and only-one", () => {
    expect(agreed.map((s) => s.label)).toEqual(["PERPETRATOR"]);
    expect(groups.map((g) => g.kind)).toEqual(["boundary", "label", "only_one"]);
  });
  it("pre-fills gold by majority and settles a group with one choice", () => {
    expect(majorityVote({ alice: a, bob: b }).length).toBe(1);
    let gold = majorityVote({ alice: a, bob: b });
    gold = settle(gold, groups[0], groups[0].byAnnotator.bob);
    gold = settle(gold, groups[1], unionOf([...groups[1].byAnnotator.alice, ...groups[1].byAnnotator.bob]));
    expect(gold.map((s) => [s.start, s.end, s.label])).toEqual([
      [0, 16, "PERPETRATOR"],
      [34, 44, "CASUALTY_COUNT"],
      [48, 59, "LOCATION"],
      [48, 59, "PERPETRATOR"],
    ]);
  });
  it("a span both drew with different attributes is an attributes disagreement, not an agreement", () => {
    const alice: Span[] = [{ start: 24, end: 44, label: "CASUALTY_COUNT", attrs: { value: 45, status: "killed" } }];
    const bob: Span[] = [{ start: 24, end: 44, label: "CASUALTY_COUNT", attrs: { value: 45, status: "wounded" } }];
    const result = compareAnnotations({ alice, bob });
    expect(result.agreed).toEqual([]);
    expect(result.groups.map((g) => g.kind)).toEqual(["attributes"]);
    const gold = settle(majorityVote({ alice, bob }), result.groups[0], result.groups[0].byAnnotator.bob);
    expect(gold.map((s) => s.attrs)).toEqual([{ value: 45, status: "wounded" }]);
    // A blank attribute is the same as a missing one.
    const same = compareAnnotations({ alice: [{ ...alice[0], attrs: { value: 45, status: "killed", victims: null } }], bob: alice });
    expect(same.groups).toEqual([]);
  });
  it("the union of boundary variants is the span covering both", () => {
    expect(unionOf([{ start: 24, end: 44, label: "C" }, { start: 34, end: 50, label: "C" }])).toEqual([
      { start: 24, end: 50, label: "C", attrs: {} },
    ]);
  });
});

describe("undo, redo and active time", () => {
  it("undoes and redoes snapshots", () => {
    const h = new History<number[]>();
    h.record([]);
    expect(h.undo([1])).toEqual([]);
    expect(h.redo([])).toEqual([1]);
    expect(h.canRedo).toBe(false);
  });
  it("leaves idle pauses out of the active time", () => {
    let now = 0;
    const timer = new ActiveTimer(() => now, 60_000);
    timer.touch();
    now = 10_000;
    timer.touch();
    now = 400_000; // a long break
    timer.touch();
    now = 405_000;
    timer.touch();
    expect(timer.seconds).toBe(15);
  });
});
