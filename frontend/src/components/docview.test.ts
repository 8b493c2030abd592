import { describe, expect, it } from "vitest";
import { DocLayout, levels, type Mark } from "./docview";

const mark = (key: string, start: number, end: number, kind: Mark["kind"] = "own"): Mark => ({
  key,
  start,
  end,
  label: key,
  colour: "#123456",
  kind,
});

describe("the document layout", () => {
  const text = "Syrian warplanes hit Aleppo.\nMonitors said 300 died.\nNothing here.\n";
  it("gives overlapping marks different levels so both underlines show", () => {
    const found = levels([mark("a", 0, 16), mark("b", 7, 16), mark("c", 21, 27)]);
    expect([found.get("a"), found.get("b"), found.get("c")]).toEqual([0, 1, 0]);
  });
  it("re-renders only the paragraph a change touches (the others keep their very arrays)", () => {
    const layout = new DocLayout(text);
    const first = layout.views([mark("a", 0, 16)], null, null, false);
    const second = layout.views([mark("a", 0, 16), mark("b", 43, 46)], null, null, false);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[2]).toBe(first[2]);
  });
  it("keeps text as text: segments carry plain strings that join back to the paragraph", () => {
    const layout = new DocLayout("<b>x</b> & y");
    const [view] = layout.views([mark("a", 3, 4)], [0, 3], null, true);
    expect(view.segs.map((s) => s.text).join("")).toBe("<b>x</b> & y");
    expect(view.segs.find((s) => s.start === 3)?.tag).toBe("a");
    expect(view.segs[0].cls).toContain("sel");
  });
  it("draws suggestions dashed and the annotator's spans solid", () => {
    const layout = new DocLayout("Aleppo burns");
    const [view] = layout.views([mark("s1", 0, 6, "suggestion")], null, null, false);
    expect(view.segs[0].style?.backgroundImage).toContain("repeating-linear-gradient");
    expect(view.segs[0].tag).toBe("s1?");
  });
});
