import { describe, expect, it } from "vitest";
import { addLink, candidates, carryLinks, keyOf, linksFromApi, linksToApi, remapRelations, removeLink, type RelationType } from "./relations";

const TYPES: RelationType[] = [
  { name: "BY", source: "CASUALTY_COUNT", target: "PERPETRATOR", hotkey: "b" },
  { name: "AT", source: "CASUALTY_COUNT", target: "LOCATION", hotkey: "t" },
];
// "Regime forces killed 12 civilians in Aleppo; rebels shelled Idlib."
const actor = { start: 0, end: 13, label: "PERPETRATOR" };
const count = { start: 21, end: 33, label: "CASUALTY_COUNT" };
const aleppo = { start: 37, end: 43, label: "LOCATION" };
const rebels = { start: 45, end: 51, label: "PERPETRATOR" };
const idlib = { start: 60, end: 65, label: "LOCATION" };
const SPANS = [actor, count, aleppo, rebels, idlib];

describe("candidate targets", () => {
  it("are the spans of the types' target labels, nearest first by characters between", () => {
    // Aleppo is 4 characters away, rebels 12, the regime forces 8 (before the count), Idlib 27.
    expect(candidates(count, SPANS, TYPES)).toEqual([aleppo, actor, rebels, idlib]);
  });
  it("are those of one type when only that type is asked for", () => {
    expect(candidates(count, SPANS, TYPES.slice(0, 1))).toEqual([actor, rebels]);
  });
  it("leave out what the span already links to by that type", () => {
    const links = [{ from: keyOf(count), to: keyOf(actor), type: "BY" }];
    expect(candidates(count, SPANS, TYPES, links)).toEqual([aleppo, rebels, idlib]);
  });
  it("are none from a span no type starts from", () => {
    expect(candidates(aleppo, SPANS, TYPES)).toEqual([]);
  });
  it("put an overlapping span first, and the earlier of two at the same distance", () => {
    const inside = { start: 24, end: 33, label: "PERPETRATOR" };
    const before = { start: 15, end: 18, label: "PERPETRATOR" }; // 3 before the count
    const after = { start: 36, end: 39, label: "PERPETRATOR" }; // 3 after it
    expect(candidates(count, [after, before, inside, count], TYPES)).toEqual([inside, before, after]);
  });
});

describe("links and the server's indices", () => {
  it("go out as indices into the list sent and come back as the same links", () => {
    const links = [
      { from: keyOf(count), to: keyOf(actor), type: "BY" },
      { from: keyOf(count), to: keyOf(aleppo), type: "AT" },
    ];
    const api = linksToApi(links, SPANS);
    expect(api).toEqual([
      { from: 1, to: 0, type: "BY" },
      { from: 1, to: 2, type: "AT" },
    ]);
    expect(linksFromApi(SPANS, api)).toEqual(links);
  });
  it("are remapped when spans are added and the list is sorted again", () => {
    const before = [count, actor];
    const after = [actor, { start: 14, end: 20, label: "LOCATION" }, count];
    expect(remapRelations([{ from: 0, to: 1, type: "BY" }], before, after)).toEqual([{ from: 2, to: 0, type: "BY" }]);
  });
  it("drop a relation whose span is gone", () => {
    expect(remapRelations([{ from: 1, to: 0, type: "BY" }, { from: 1, to: 2, type: "AT" }], SPANS, [count, aleppo])).toEqual([
      { from: 0, to: 1, type: "AT" },
    ]);
  });
  it("are added once and removed", () => {
    const link = { from: keyOf(count), to: keyOf(actor), type: "BY" };
    const twice = addLink(addLink([], link), { ...link });
    expect(twice).toEqual([link]);
    expect(removeLink(twice, link)).toEqual([]);
  });
});

describe("links across span edits", () => {
  const by = { from: keyOf(count), to: keyOf(actor), type: "BY" };
  const at = { from: keyOf(count), to: keyOf(aleppo), type: "AT" };
  it("go with a deleted span", () => {
    expect(carryLinks([by, at], SPANS, SPANS.filter((s) => s !== actor))).toEqual([at]);
  });
  it("go with a span relabelled", () => {
    const relabelled = { ...aleppo, label: "PERPETRATOR" };
    expect(carryLinks([by, at], SPANS, SPANS.map((s) => (s === aleppo ? relabelled : s)))).toEqual([by]);
  });
  it("follow a span whose boundary moved", () => {
    const wider = { ...count, start: 14 };
    const carried = carryLinks([by, at], SPANS, SPANS.map((s) => (s === count ? wider : s)));
    expect(carried).toEqual([
      { ...by, from: keyOf(wider) },
      { ...at, from: keyOf(wider) },
    ]);
  });
  it("stay when other spans are added", () => {
    expect(carryLinks([by], SPANS, [...SPANS, { start: 70, end: 75, label: "LOCATION" }])).toEqual([by]);
  });
});
