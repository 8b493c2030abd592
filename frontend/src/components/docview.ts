/**
 * From marks (spans and suggestions, in UTF-16 offsets) to what each paragraph draws. Kept
 * apart from the component so the memoisation is plain code: a paragraph whose marks and
 * cursor did not change gets back the very same array, and Vue skips it.
 */
import { paragraphs, segments } from "../domain/spans";

export interface Mark {
  key: string;
  start: number;
  end: number;
  label: string;
  colour: string;
  kind: "own" | "suggestion" | "other";
  title?: string;
}

export interface SegView {
  start: number;
  end: number;
  text: string;
  cls: string;
  style: Record<string, string> | undefined;
  tag: string | undefined;
  title: string | undefined;
}

/** Stacking levels: overlapping marks get different levels, so both underlines show. */
export function levels(marks: readonly Mark[]): Map<string, number> {
  const order = [...marks].sort((a, b) => a.start - b.start || b.end - a.end);
  const ends: number[] = [];
  const result = new Map<string, number>();
  for (const m of order) {
    let level = ends.findIndex((end) => end <= m.start);
    if (level === -1) level = ends.length;
    ends[level] = m.end;
    result.set(m.key, level);
  }
  return result;
}

function bar(mark: Mark, level: number): [string, string, string] {
  const c = mark.colour;
  const image =
    mark.kind === "suggestion"
      ? `repeating-linear-gradient(90deg, ${c} 0 5px, transparent 5px 8px)`
      : `linear-gradient(${c}, ${c})`;
  return [image, `100% ${mark.kind === "own" ? 3 : 2}px`, `0 calc(100% - ${level * 4}px)`];
}

export function segView(
  text: string,
  start: number,
  end: number,
  marks: readonly Mark[],
  level: Map<string, number>,
  cursor: [number, number] | null,
  activeKey: string | null,
  cursorIsRange: boolean,
): SegView {
  const classes = ["seg"];
  let style: Record<string, string> | undefined;
  let tag: string | undefined;
  let title: string | undefined;
  if (marks.length) {
    classes.push("has");
    const bars = marks.map((m) => bar(m, level.get(m.key) ?? 0));
    const maxLevel = Math.max(...marks.map((m) => level.get(m.key) ?? 0));
    const own = marks.filter((m) => m.kind !== "suggestion");
    const inner = own[own.length - 1];
    style = {
      backgroundImage: bars.map((b) => b[0]).join(","),
      backgroundSize: bars.map((b) => b[1]).join(","),
      backgroundPosition: bars.map((b) => b[2]).join(","),
      paddingBottom: `${3 + maxLevel * 4}px`,
    };
    if (inner) style.backgroundColor = inner.colour + "26";
    const starting = marks.filter((m) => m.start === start);
    if (starting.length) {
      tag = starting.map((m) => (m.kind === "suggestion" ? m.label + "?" : m.label)).join(" ");
      style["--tagc"] = starting[0].colour;
    }
    title = marks.map((m) => m.title ?? m.label).join("\n");
    const active = activeKey ? marks.find((m) => m.key === activeKey) : undefined;
    if (active) {
      classes.push("active");
      // The selected span's ends carry drag handles.
      if (active.start === start) classes.push("hs");
      if (active.end === end) classes.push("he");
    }
  }
  if (cursor && start >= cursor[0] && end <= cursor[1]) classes.push(cursorIsRange ? "sel" : "cur");
  return { start, end, text: text.slice(start, end), cls: classes.join(" "), style, tag, title };
}

export interface ParagraphView {
  start: number;
  segs: SegView[];
}

/** A memo of paragraph views across renders of one document. */
export class DocLayout {
  readonly paras: [number, number][];
  private cache = new Map<number, { sig: string; view: ParagraphView }>();

  constructor(readonly text: string) {
    this.paras = paragraphs(text);
  }

  /** Paragraph index holding `offset` (binary search). */
  paragraphAt(offset: number): number {
    let lo = 0;
    let hi = this.paras.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.paras[mid][0] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  views(marks: readonly Mark[], cursor: [number, number] | null, activeKey: string | null, cursorIsRange: boolean): ParagraphView[] {
    const buckets: Mark[][] = this.paras.map(() => []);
    for (const m of marks) {
      const first = this.paragraphAt(m.start);
      const last = this.paragraphAt(Math.max(m.start, m.end - 1));
      for (let p = first; p <= last; p++) buckets[p].push(m);
    }
    const level = levels(marks);
    return this.paras.map(([ps, pe], index) => {
      const inside = buckets[index];
      const cur = cursor && cursor[0] < pe && cursor[1] > ps ? cursor : null;
      const sig =
        inside.map((m) => `${m.key}|${m.colour}|${m.kind}|${level.get(m.key)}|${m.title ?? ""}`).join(";") +
        `#${cur ? cur.join(",") + (cursorIsRange ? "r" : "c") : ""}#${activeKey && inside.some((m) => m.key === activeKey) ? activeKey : ""}`;
      const hit = this.cache.get(index);
      if (hit && hit.sig === sig) return hit.view;
      const cutters: { start: number; end: number }[] = inside.map((m) => ({ start: m.start, end: m.end }));
      if (cur) cutters.push({ start: cur[0], end: cur[1] });
      const segs = segments(cutters, ps, pe).map((seg) =>
        segView(
          this.text,
          seg.start,
          seg.end,
          seg.spans.filter((i) => i < inside.length).map((i) => inside[i]),
          level,
          cur,
          activeKey,
          cursorIsRange,
        ),
      );
      const view = { start: ps, segs };
      this.cache.set(index, { sig, view });
      return view;
    });
  }
}
