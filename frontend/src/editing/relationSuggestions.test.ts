import { describe, expect, it } from "vitest";
import { withSpan, type Span } from "../domain/spans";
import { addLink, keyOf, linksToApi, type Link, type RelationType } from "./relations";
import {
  acceptAllPlan,
  endsToAccept,
  indexAfterRemoval,
  linkOf,
  nearCursor,
  openRelationSuggestions,
  spansBySuggestion,
  type EndSuggestion,
  type RelationSuggestion,
} from "./relationSuggestions";

// "Regime forces killed 12 civilians in Aleppo; rebels shelled Idlib."
const actor: EndSuggestion = { id: 1, unitStart: 0, unitEnd: 13, label: "PERPETRATOR" };
const count: EndSuggestion = { id: 2, unitStart: 21, unitEnd: 33, label: "CASUALTY_COUNT" };
const aleppo: EndSuggestion = { id: 3, unitStart: 37, unitEnd: 43, label: "LOCATION" };
const idlib: EndSuggestion = { id: 4, unitStart: 60, unitEnd: 65, label: "LOCATION" };
const ENDS = new Map([actor, count, aleppo, idlib].map((s) => [s.id, s]));
const by: RelationSuggestion = { id: 10, from_suggestion: 2, to_suggestion: 1, type: "BY", score: 0.9 };
const at: RelationSuggestion = { id: 11, from_suggestion: 2, to_suggestion: 3, type: "AT", score: 0.8 };
const atIdlib: RelationSuggestion = { id: 12, from_suggestion: 2, to_suggestion: 4, type: "AT", score: 0.55 };
const SUGGESTED = [atIdlib, at, by];
const none = new Set<number>();

/** The span an annotator's accept makes of a span suggestion (as the span editor does). */
const taken = (s: EndSuggestion, label = s.label): Span => ({ start: s.unitStart, end: s.unitEnd, label, origin: "suggestion_accepted", suggestion: s.id });
const ids = (rows: { suggestion: RelationSuggestion }[]) => rows.map((r) => r.suggestion.id);

describe("open suggested relations", () => {
  it("are all of them at first, by their source then their target in the text", () => {
    expect(ids(openRelationSuggestions(SUGGESTED, ENDS, [], [], none, none))).toEqual([10, 11, 12]);
  });
  it("leave out a rejected one", () => {
    expect(ids(openRelationSuggestions(SUGGESTED, ENDS, [], [], new Set([11]), none))).toEqual([10, 12]);
  });
  it("leave out those one of whose end suggestions was rejected", () => {
    expect(ids(openRelationSuggestions(SUGGESTED, ENDS, [], [], none, new Set([3])))).toEqual([10, 12]);
    expect(ids(openRelationSuggestions(SUGGESTED, ENDS, [], [], none, new Set([2])))).toEqual([]);
  });
  it("leave out an accepted one: the spans that took its ends linked with its type", () => {
    const spans = [taken(actor), taken(count)];
    const links: Link[] = [{ from: keyOf(spans[1]), to: keyOf(spans[0]), type: "BY" }];
    expect(ids(openRelationSuggestions(SUGGESTED, ENDS, spans, links, none, none))).toEqual([11, 12]);
  });
  it("keep one whose ends were taken but not linked, or linked with another type", () => {
    const spans = [taken(actor), taken(count)];
    const links: Link[] = [{ from: keyOf(spans[1]), to: keyOf(spans[0]), type: "AT" }];
    const rows = openRelationSuggestions(SUGGESTED, ENDS, spans, links, none, none);
    expect(ids(rows)).toEqual([10, 11, 12]);
    expect(rows[0].fromSpan).toBe(spans[1]);
    expect(rows[0].toSpan).toBe(spans[0]);
    expect(rows[1].toSpan).toBeUndefined();
  });
  it("follow an end span whose boundary moved (it still names its suggestion)", () => {
    const wider: Span = { ...taken(count), start: 14, origin: "suggestion_edited" };
    const [row] = openRelationSuggestions([at], ENDS, [wider], [], none, none);
    expect(row.fromSpan).toBe(wider);
  });
  it("leave out one whose end span was relabelled away from the suggested label", () => {
    expect(ids(openRelationSuggestions(SUGGESTED, ENDS, [taken(aleppo, "PERPETRATOR")], [], none, none))).toEqual([10, 12]);
  });
  it("leave out one whose end suggestion the document did not come with", () => {
    const stray: RelationSuggestion = { ...by, id: 13, to_suggestion: 99 };
    expect(ids(openRelationSuggestions([stray], ENDS, [], [], none, none))).toEqual([]);
  });
});

describe("accepting a suggested relation", () => {
  it("accepts the end suggestions not yet taken", () => {
    const [row] = openRelationSuggestions([by], ENDS, [], [], none, none);
    expect(endsToAccept(row)).toEqual([count, actor]);
    const [half] = openRelationSuggestions([by], ENDS, [taken(count)], [], none, none);
    expect(endsToAccept(half)).toEqual([actor]);
  });
  it("links nothing while an end is not taken", () => {
    expect(linkOf(by, spansBySuggestion([taken(count)]))).toBeNull();
  });
  it("adds the link between the spans naming its ends, which the server gets by index, and it is no longer open", () => {
    // A span drawn by hand over Aleppo gives way to the accepted suggestion, as for span suggestions.
    let spans: Span[] = [{ start: 37, end: 43, label: "LOCATION", origin: "manual", suggestion: null }];
    const [row] = openRelationSuggestions([at], ENDS, spans, [], none, none);
    for (const end of endsToAccept(row)) spans = withSpan(spans, taken(end));
    const link = linkOf(at, spansBySuggestion(spans));
    expect(link).toEqual({ from: "21:33:CASUALTY_COUNT", to: "37:43:LOCATION", type: "AT" });
    expect(spans.map((s) => s.suggestion)).toEqual([2, 3]);
    expect(linksToApi([link!], spans)).toEqual([{ from: 0, to: 1, type: "AT" }]);
    expect(openRelationSuggestions([at], ENDS, spans, [link!], none, none)).toEqual([]);
  });
});

describe("the list in the panel", () => {
  const rows = Array.from({ length: 100 }, (_, i) => i * 10);
  it("is all of it when short", () => {
    expect(nearCursor([1, 2], 50, 40, (r) => r)).toEqual([1, 2]);
  });
  it("is the rows nearest the cursor when long, never past either end", () => {
    expect(nearCursor(rows, 500, 40, (r) => r)).toEqual(rows.slice(30, 70));
    expect(nearCursor(rows, 0, 40, (r) => r)).toEqual(rows.slice(0, 40));
    expect(nearCursor(rows, 5000, 40, (r) => r)).toEqual(rows.slice(60, 100));
  });
  it("moves the keyboard's focus to the row that took the place of one accepted or rejected", () => {
    expect(indexAfterRemoval(1, 3)).toBe(1);
    expect(indexAfterRemoval(3, 3)).toBe(2);
    expect(indexAfterRemoval(0, 0)).toBe(-1);
  });
});

describe("accept all", () => {
  const TYPES: RelationType[] = [
    { name: "BY", source: "CASUALTY_COUNT", target: "PERPETRATOR", hotkey: "b" },
    { name: "AT", source: "CASUALTY_COUNT", target: "LOCATION", hotkey: "t" },
  ];
  const OPEN = [actor, count, aleppo, idlib];
  const rowsOf = (suggested: RelationSuggestion[], spans: Span[] = [], ends = ENDS) => openRelationSuggestions(suggested, ends, spans, [], none, none);
  /** What the page ends with: the plan's suggestions accepted as spans, its relations linked. */
  const apply = (plan: ReturnType<typeof acceptAllPlan<EndSuggestion, Span>>, spans: Span[] = []) => {
    for (const s of plan.accept) spans = withSpan(spans, taken(s));
    let links: Link[] = [];
    for (const r of plan.link) links = addLink(links, linkOf(r, spansBySuggestion(spans))!);
    return { spans, links };
  };

  it("accepts every open span suggestion and links every suggested relation, a count having several of each type", () => {
    const plan = acceptAllPlan(OPEN, rowsOf(SUGGESTED), TYPES);
    expect(plan.accept.map((s) => s.id).sort()).toEqual([1, 2, 3, 4]);
    expect(plan.link.map((r) => r.id)).toEqual([10, 11, 12]);
    const { spans, links } = apply(plan);
    expect(spans.map((s) => s.suggestion)).toEqual([1, 2, 3, 4]);
    expect(links).toEqual([
      { from: "21:33:CASUALTY_COUNT", to: "0:13:PERPETRATOR", type: "BY" },
      { from: "21:33:CASUALTY_COUNT", to: "37:43:LOCATION", type: "AT" },
      { from: "21:33:CASUALTY_COUNT", to: "60:65:LOCATION", type: "AT" },
    ]);
    // Nothing is left open.
    expect(openRelationSuggestions(SUGGESTED, ENDS, spans, links, none, none)).toEqual([]);
  });

  it("links the spans already taken, accepting only the ends not yet taken", () => {
    const own = [taken(count)];
    const plan = acceptAllPlan([actor, aleppo, idlib], rowsOf([by], own), TYPES);
    expect(plan.accept.map((s) => s.id).sort()).toEqual([1, 3, 4]);
    expect(apply(plan, own).links).toEqual([{ from: "21:33:CASUALTY_COUNT", to: "0:13:PERPETRATOR", type: "BY" }]);
  });

  it("takes the higher score where the ends of two cannot both stand (two LOCATION suggestions over the same words)", () => {
    // "Aleppo" and "in Aleppo" suggested as LOCATION, each the end of an AT from the count.
    const inAleppo: EndSuggestion = { id: 5, unitStart: 34, unitEnd: 43, label: "LOCATION" };
    const ends = new Map([...ENDS, [5, inAleppo]]);
    const atWide: RelationSuggestion = { id: 14, from_suggestion: 2, to_suggestion: 5, type: "AT", score: 0.7 };
    const plan = acceptAllPlan([count, aleppo, inAleppo], rowsOf([atWide, at], [], ends), TYPES);
    expect(plan.link.map((r) => r.id)).toEqual([11]);
    expect(plan.accept.map((s) => s.id).sort()).toEqual([2, 3]);
    const lower: RelationSuggestion = { ...at, score: 0.6 };
    const other = acceptAllPlan([count, aleppo, inAleppo], rowsOf([atWide, lower], [], ends), TYPES);
    expect(other.link.map((r) => r.id)).toEqual([14]);
    expect(other.accept.map((s) => s.id).sort()).toEqual([2, 5]);
  });

  it("leaves out a span suggestion that would replace a linked span of its label", () => {
    const own: Span = { start: 37, end: 43, label: "LOCATION", origin: "suggestion_accepted", suggestion: 3 };
    const over: EndSuggestion = { id: 6, unitStart: 34, unitEnd: 43, label: "LOCATION" };
    const plan = acceptAllPlan([count, over], rowsOf([at], [own]), TYPES);
    expect(plan.accept.map((s) => s.id)).toEqual([2]);
    expect(apply(plan, [own]).links).toEqual([{ from: "21:33:CASUALTY_COUNT", to: "37:43:LOCATION", type: "AT" }]);
  });

  it("links nothing a type of the project does not allow (its labels the wrong way round, or an unknown type)", () => {
    const backwards: RelationSuggestion = { id: 15, from_suggestion: 1, to_suggestion: 2, type: "BY", score: 0.9 };
    const unknown: RelationSuggestion = { id: 16, from_suggestion: 2, to_suggestion: 1, type: "WITH", score: 0.9 };
    const plan = acceptAllPlan(OPEN, rowsOf([backwards, unknown]), TYPES);
    expect(plan.link).toEqual([]);
    expect(plan.accept.map((s) => s.id).sort()).toEqual([1, 2, 3, 4]);
  });

  it("links a pair once when two suggested relations name it", () => {
    const again: RelationSuggestion = { ...by, id: 17, score: 0.4 };
    const { links } = apply(acceptAllPlan(OPEN, rowsOf([by, again]), TYPES));
    expect(links).toEqual([{ from: "21:33:CASUALTY_COUNT", to: "0:13:PERPETRATOR", type: "BY" }]);
  });
});
