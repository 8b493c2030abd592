/**
 * The model's relation suggestions on the annotate page (#21), as plain functions over plain
 * data. The server names a suggested relation's two ends by the ids of its span suggestions;
 * an end is either still a suggestion or an annotator's span that took it (a span naming it in
 * its `suggestion`, accepted or accepted then edited).
 *
 * A suggested relation is open (listed, with Accept and Reject) unless it was rejected, one of
 * its end suggestions was rejected, an end's span was relabelled away from the suggested label
 * (no link of that type could join it), or it was accepted: the two spans naming its ends are
 * linked with its type. Accepting one takes the end suggestions not yet taken and links the two
 * spans; model_help on the server counts exactly that.
 */

import type { RelationSuggestion, RelationType } from "../api/client";
import { keyOf, type Link, type Ranged } from "./relations";

export type { RelationSuggestion };

/** A span suggestion, at its offsets in the editor (UTF-16 units). */
export interface EndSuggestion {
  id: number;
  unitStart: number;
  unitEnd: number;
  label: string;
}

/** An annotator's span, naming the suggestion it came from (if any). */
export interface OwnSpan extends Ranged {
  suggestion?: number | null;
}

export interface OpenRelationSuggestion<E extends EndSuggestion = EndSuggestion, S extends OwnSpan = OwnSpan> {
  suggestion: RelationSuggestion;
  from: E;
  to: E;
  /** The annotator's span that took the end suggestion, if one did. */
  fromSpan?: S;
  toSpan?: S;
}

/** The annotator's spans by the suggestion each took (the first, if two name the same). */
export function spansBySuggestion<S extends OwnSpan>(spans: readonly S[]): Map<number, S> {
  const out = new Map<number, S>();
  for (const s of spans) if (s.suggestion && !out.has(s.suggestion)) out.set(s.suggestion, s);
  return out;
}

/** The link a suggested relation stands for, between the spans that took its ends; null while
 * an end is not taken. */
export function linkOf(suggestion: RelationSuggestion, taken: ReadonlyMap<number, OwnSpan>): Link | null {
  const from = taken.get(suggestion.from_suggestion);
  const to = taken.get(suggestion.to_suggestion);
  return from && to ? { from: keyOf(from), to: keyOf(to), type: suggestion.type } : null;
}

/**
 * The open suggested relations, in text order of their source then target. `ends` are the
 * span suggestions by id (all the document came with), `rejected` the rejected relation
 * suggestions' ids, `rejectedEnds` the rejected span suggestions' ids.
 */
export function openRelationSuggestions<E extends EndSuggestion, S extends OwnSpan>(
  suggested: readonly RelationSuggestion[],
  ends: ReadonlyMap<number, E>,
  spans: readonly S[],
  links: readonly Link[],
  rejected: ReadonlySet<number>,
  rejectedEnds: ReadonlySet<number>,
): OpenRelationSuggestion<E, S>[] {
  if (!suggested.length) return [];
  const taken = spansBySuggestion(spans);
  const linked = new Set(links.map((l) => `${l.from}|${l.to}|${l.type}`));
  const out: OpenRelationSuggestion<E, S>[] = [];
  for (const r of suggested) {
    if (rejected.has(r.id) || rejectedEnds.has(r.from_suggestion) || rejectedEnds.has(r.to_suggestion)) continue;
    const from = ends.get(r.from_suggestion);
    const to = ends.get(r.to_suggestion);
    if (!from || !to) continue;
    const fromSpan = taken.get(from.id);
    const toSpan = taken.get(to.id);
    if ((fromSpan && fromSpan.label !== from.label) || (toSpan && toSpan.label !== to.label)) continue;
    if (fromSpan && toSpan && linked.has(`${keyOf(fromSpan)}|${keyOf(toSpan)}|${r.type}`)) continue;
    out.push({ suggestion: r, from, to, fromSpan, toSpan });
  }
  const startOf = (end: E, span?: S) => span?.start ?? end.unitStart;
  return out.sort(
    (a, b) =>
      startOf(a.from, a.fromSpan) - startOf(b.from, b.fromSpan) ||
      startOf(a.to, a.toSpan) - startOf(b.to, b.toSpan) ||
      a.suggestion.id - b.suggestion.id,
  );
}

/** The end suggestions accepting `row` must accept first (those no span took yet). */
export function endsToAccept<E extends EndSuggestion>(row: OpenRelationSuggestion<E>): E[] {
  const out: E[] = [];
  if (!row.fromSpan) out.push(row.from);
  if (!row.toSpan && row.to.id !== row.from.id) out.push(row.to);
  return out;
}

/** What "Accept all" does: the span suggestions to accept, and the suggested relations to link
 * between the spans that then name their ends. */
export interface AcceptAllPlan<E extends EndSuggestion = EndSuggestion> {
  accept: E[];
  link: RelationSuggestion[];
}

/**
 * "Accept all" over the open span suggestions (`open`, as the editor lists them) and the open
 * suggested relations (`rows`): every suggested relation whose type is one of the project's
 * (`types`, from its source label to its target label) and whose ends can both stand, with its
 * end suggestions, and every other open span suggestion. Two spans of one label never overlap,
 * so where the ends of two suggested relations would (two end suggestions of one label over the
 * same words, or an end suggestion over a span another one links), the higher score wins and
 * the other is left open; a span suggestion that would replace a linked end is left open too.
 */
export function acceptAllPlan<E extends EndSuggestion, S extends OwnSpan>(
  open: readonly E[],
  rows: readonly OpenRelationSuggestion<E, S>[],
  types: readonly RelationType[],
): AcceptAllPlan<E> {
  // The spans the kept relations link, by label: an end suggestion (by its id) or an own span.
  type End = { start: number; end: number; label: string; id: string };
  const reserved = new Map<string, End[]>();
  const clashes = (e: End) => (reserved.get(e.label) ?? []).some((r) => r.id !== e.id && r.start < e.end && e.start < r.end);
  const endOf = (s: E, span?: S): End =>
    span ? { start: span.start, end: span.end, label: span.label, id: `k${keyOf(span)}` } : { start: s.unitStart, end: s.unitEnd, label: s.label, id: `s${s.id}` };
  const fits = (row: OpenRelationSuggestion<E, S>) =>
    row.from.id !== row.to.id && types.some((t) => t.name === row.suggestion.type && t.source === row.from.label && t.target === row.to.label);

  const ends = new Map<number, E>();
  const link: RelationSuggestion[] = [];
  const byScore = [...rows].sort((a, b) => b.suggestion.score - a.suggestion.score || a.suggestion.id - b.suggestion.id);
  for (const row of byScore) {
    if (!fits(row)) continue;
    const a = endOf(row.from, row.fromSpan);
    const b = endOf(row.to, row.toSpan);
    const together = a.label !== b.label || a.id === b.id || a.end <= b.start || b.end <= a.start;
    if (!together || clashes(a) || clashes(b)) continue;
    for (const e of [a, b]) {
      const list = reserved.get(e.label) ?? [];
      if (!list.some((r) => r.id === e.id)) reserved.set(e.label, [...list, e]);
    }
    for (const e of endsToAccept(row)) ends.set(e.id, e);
    link.push(row.suggestion);
  }
  const accept = open.filter((s) => !ends.has(s.id) && !clashes(endOf(s)));
  // An end may be missing from `open` (a span drawn by hand at its very offsets hides it there).
  return { accept: [...accept, ...ends.values()], link };
}

/** Where a row's end is in the text: its span's, else its suggestion's offsets. */
export function endRange(end: EndSuggestion, span?: OwnSpan): { start: number; end: number } {
  return span ? { start: span.start, end: span.end } : { start: end.unitStart, end: end.unitEnd };
}

/** At most `size` of `rows` (sorted by `startOf`), those nearest `here`, as the panels list
 * spans and links near the cursor. */
export function nearCursor<T>(rows: readonly T[], here: number, size: number, startOf: (row: T) => number): readonly T[] {
  if (rows.length <= size) return rows;
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (startOf(rows[mid]) < here) lo = mid + 1;
    else hi = mid;
  }
  const first = Math.max(0, Math.min(rows.length - size, lo - Math.floor(size / 2)));
  return rows.slice(first, first + size);
}

/** The row to focus after the one at `index` left a list now `length` long (the next one
 * slides into its place; past the end, the last); -1 when none is left. */
export function indexAfterRemoval(index: number, length: number): number {
  return length ? Math.min(index, length - 1) : -1;
}
