/**
 * Spans in the browser: the same validity rules as annotator/spans.py (checked before a
 * save so the annotator sees the reason at once; the server checks again), same-label
 * overlap handling when a new span is drawn, and the segment layout that draws
 * overlapping spans without one DOM node per character.
 */
import { offsetMap } from "./offsets";
import { boundaryInsideWord, charAt, charBefore, clusterAt, isWordChar } from "./tokens";

export type Attrs = Record<string, unknown>;
export type Origin = "manual" | "suggestion_accepted" | "suggestion_edited";

export interface Span {
  start: number;
  end: number;
  label: string;
  attrs?: Attrs;
  origin?: Origin;
  suggestion?: number | null;
}

export interface AttributeRule {
  type?: "integer" | "choice" | "text" | "boolean";
  min?: number;
  max?: number;
  choices?: string[];
}
export type Schema = Record<string, AttributeRule>;

export interface SpanProblem {
  index: number;
  reason: string;
}

function attrProblem(name: string, value: unknown, rule: AttributeRule): string | null {
  if (value === null || value === undefined) return null;
  const kind = rule.type ?? "text";
  if (kind === "integer") {
    if (typeof value !== "number" || !Number.isInteger(value)) return `attribute '${name}' must be a whole number, not ${JSON.stringify(value)}`;
    if (rule.min !== undefined && value < rule.min) return `attribute '${name}' must be at least ${rule.min}, not ${value}`;
    if (rule.max !== undefined && value > rule.max) return `attribute '${name}' must be at most ${rule.max}, not ${value}`;
  } else if (kind === "choice") {
    if (!(rule.choices ?? []).includes(value as string))
      return `attribute '${name}' must be one of ${(rule.choices ?? []).join(", ")}, not ${JSON.stringify(value)}`;
  } else if (kind === "boolean") {
    if (typeof value !== "boolean") return `attribute '${name}' must be true or false, not ${JSON.stringify(value)}`;
  } else if (typeof value !== "string") {
    return `attribute '${name}' must be text, not ${JSON.stringify(value)}`;
  }
  return null;
}

/** The word around UTF-16 index `offset`. */
function wordAt(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && isWordChar(charBefore(text, start))) start -= charBefore(text, start).length;
  let end = offset;
  while (end < text.length && isWordChar(charAt(text, end))) end += charAt(text, end).length;
  return text.slice(start, end);
}

/**
 * Every rule `spans` break, with the same reasons as annotator.spans.span_problems.
 * Offsets are the server's code points (convert spans held in UTF-16 units with
 * `spanToCodePoints` first); `labels` maps label names to attribute schemas; a label without
 * a schema takes any attributes.
 */
export function spanProblems(text: string, spans: readonly unknown[], labels: Record<string, Schema>): SpanProblem[] {
  const problems: SpanProblem[] = [];
  const names = Object.keys(labels);
  const wellFormed: [number, number, number, string][] = [];
  const map = offsetMap(text);
  spans.forEach((raw, index) => {
    const bad = (reason: string) => problems.push({ index, reason });
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return bad("a span must be an object with start, end and label");
    const span = raw as Record<string, unknown>;
    const { start, end, label } = span;
    if (!(Number.isInteger(start) && Number.isInteger(end))) return bad("start and end must be whole numbers");
    const s = start as number;
    const e = end as number;
    if (typeof label !== "string" || !names.includes(label))
      return bad(`unknown label '${String(label)}' (the project's labels: ${[...names].sort().join(", ")})`);
    if (s < 0 || e > map.length) return bad(`offsets outside the text (its length is ${map.length})`);
    if (s >= e) return bad("start must be before end");
    const [us, ue] = [map.toUnits(s), map.toUnits(e)];
    if (boundaryInsideWord(text, us)) return bad(`start ${s} is inside the word '${wordAt(text, us)}'`);
    if (boundaryInsideWord(text, ue)) return bad(`end ${e} is inside the word '${wordAt(text, ue)}'`);
    const inStart = clusterAt(text, us);
    const inEnd = inStart ? null : clusterAt(text, ue);
    if (inStart) return bad(`start ${s} is inside the character '${text.slice(...inStart)}'`);
    if (inEnd) return bad(`end ${e} is inside the character '${text.slice(...inEnd)}'`);
    const attrs = span.attrs ?? {};
    if (typeof attrs !== "object" || attrs === null || Array.isArray(attrs)) return bad("attrs must be an object");
    const schema = labels[label];
    if (schema && Object.keys(schema).length) {
      for (const [name, value] of Object.entries(attrs as Attrs)) {
        if (!(name in schema)) return bad(`label ${label} has no attribute '${name}'`);
        const issue = attrProblem(name, value, schema[name]);
        if (issue) return bad(issue);
      }
    }
    wellFormed.push([s, e, index, label]);
  });
  wellFormed.sort((a, b) => (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : a[0] - b[0] || a[1] - b[1]));
  const furthest = new Map<string, [number, number]>();
  for (const [start, end, index, label] of wellFormed) {
    const previous = furthest.get(label);
    if (previous && start < previous[0]) problems.push({ index, reason: `overlaps span ${previous[1]} of the same label ${label}` });
    if (!previous || end > previous[0]) furthest.set(label, [end, index]);
  }
  return problems.sort((a, b) => a.index - b.index);
}

export function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

export function compareSpans(a: Span, b: Span): number {
  return a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

/**
 * `spans` with `added` in: spans of the same label that it overlaps give way (the newer
 * decision wins, as two same-label spans may never overlap); spans of other labels stay.
 */
export function withSpan(spans: readonly Span[], added: Span): Span[] {
  const kept = spans.filter((s) => s.label !== added.label || !overlaps(s, added));
  kept.push(added);
  return kept.sort(compareSpans);
}

/** A stretch of text under one unchanging set of spans. */
export interface Segment {
  start: number;
  end: number;
  /** Indices into the span list given to `segments`, outermost (longest) first. */
  spans: number[];
}

/**
 * Cut [from, to) at every span boundary inside it. Rendering one element per segment (not per
 * character) keeps a 50,000-character document with 500 spans to a few thousand nodes, and
 * each segment knows every span over it, so overlapping spans draw as stacked underlines.
 */
export function segments(spans: readonly { start: number; end: number }[], from: number, to: number): Segment[] {
  const cuts = new Set<number>([from, to]);
  const inside: number[] = [];
  spans.forEach((s, i) => {
    if (s.start < to && s.end > from) {
      inside.push(i);
      if (s.start > from) cuts.add(s.start);
      if (s.end < to) cuts.add(s.end);
    }
  });
  const points = [...cuts].sort((a, b) => a - b);
  inside.sort((a, b) => spans[b].end - spans[b].start - (spans[a].end - spans[a].start) || a - b);
  const result: Segment[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const start = points[k];
    const end = points[k + 1];
    result.push({ start, end, spans: inside.filter((i) => spans[i].start < end && spans[i].end > start) });
  }
  return result;
}

/** Paragraph ranges: the text split after each line break (the break stays with its line). */
export function paragraphs(text: string): [number, number][] {
  const result: [number, number][] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl + 1;
    result.push([start, end]);
    start = end;
  }
  if (!result.length) result.push([0, 0]);
  return result;
}
