/**
 * Comparing annotators' spans for review. Spans every annotator drew identically, with the
 * same attributes, agree; a span everyone drew but with different attributes is a
 * disagreement of its own ("attributes", as annotator.agreement.compare calls it); the rest
 * are grouped into disagreements (spans that overlap, across annotators), each sorted into
 * one kind, so the reviewer settles a disagreement with one key.
 */
import { compareSpans, overlaps, type Span } from "./spans";

export type Kind = "agree" | "boundary" | "label" | "only_one" | "attributes";

export const KIND_NAMES: Record<Kind, string> = {
  agree: "agree",
  boundary: "boundary differs",
  label: "label differs",
  only_one: "only one annotator",
  attributes: "attributes differ",
};

export interface Disagreement {
  id: number;
  kind: Kind;
  start: number;
  end: number;
  /** Each annotator's spans in this group (empty list: that annotator marked nothing here). */
  byAnnotator: Record<string, Span[]>;
}

export const key = (s: Span) => `${s.start}:${s.end}:${s.label}`;

/** The attributes as one comparable string (a blank attribute is the same as a missing one). */
export function attrsKey(attrs: Span["attrs"]): string {
  const set = Object.entries(attrs ?? {}).filter(([, v]) => v !== null && v !== undefined && v !== "");
  return JSON.stringify(set.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function kindOf(group: Record<string, Span[]>, annotators: string[]): Kind {
  const having = annotators.filter((a) => group[a].length > 0);
  if (having.length <= 1) return "only_one";
  const all = having.flatMap((a) => group[a]);
  if (new Set(all.map((s) => s.label)).size === 1) return "boundary";
  return "label";
}

/** The groups of `annotations` (annotator -> spans): agreements first-class, so the page can count them too. */
export function compareAnnotations(annotations: Record<string, readonly Span[]>): { agreed: Span[]; groups: Disagreement[] } {
  const annotators = Object.keys(annotations);
  const counts = new Map<string, number>();
  for (const a of annotators) for (const k of new Set(annotations[a].map(key))) counts.set(k, (counts.get(k) ?? 0) + 1);
  const agreedKeys = new Set([...counts].filter(([, n]) => n === annotators.length).map(([k]) => k));
  // A span everyone drew is agreed only if everyone gave it the same attributes.
  const attrVariants = new Map<string, Set<string>>();
  for (const a of annotators)
    for (const s of annotations[a]) if (agreedKeys.has(key(s))) attrVariants.set(key(s), (attrVariants.get(key(s)) ?? new Set()).add(attrsKey(s.attrs)));
  const attrGroups: Disagreement[] = [];
  for (const [k, variants] of attrVariants) {
    if (variants.size < 2) continue;
    agreedKeys.delete(k);
    const byAnnotator: Record<string, Span[]> = {};
    for (const a of annotators) byAnnotator[a] = annotations[a].filter((s) => key(s) === k);
    const first = byAnnotator[annotators[0]][0];
    attrGroups.push({ id: 0, kind: "attributes", start: first.start, end: first.end, byAnnotator });
  }
  const agreed = (annotations[annotators[0]] ?? []).filter((s) => agreedKeys.has(key(s)));
  const rest: { who: string; span: Span }[] = [];
  for (const who of annotators) for (const span of annotations[who]) if (!agreedKeys.has(key(span))) rest.push({ who, span });
  rest.sort((x, y) => compareSpans(x.span, y.span));
  // Sweep in start order: a span joins the open group while it overlaps the group's extent.
  const groups: Disagreement[] = [];
  let current: Disagreement | null = null;
  for (const { who, span } of rest.filter(({ span }) => !attrVariants.has(key(span)))) {
    if (!current || !overlaps(current, span)) {
      current = { id: groups.length, kind: "only_one", start: span.start, end: span.end, byAnnotator: {} };
      for (const a of annotators) current.byAnnotator[a] = [];
      groups.push(current);
    }
    current.byAnnotator[who].push(span);
    current.end = Math.max(current.end, span.end);
  }
  for (const group of groups) group.kind = kindOf(group.byAnnotator, annotators);
  const all = [...groups, ...attrGroups].sort((x, y) => x.start - y.start || x.end - y.end);
  all.forEach((g, i) => (g.id = i));
  return { agreed: [...agreed].sort(compareSpans), groups: all };
}

/** Spans more than half of the annotators drew identically (attributes from the first holder). */
export function majorityVote(annotations: Record<string, readonly Span[]>): Span[] {
  const annotators = Object.keys(annotations);
  const seen = new Map<string, { span: Span; votes: number }>();
  for (const a of annotators) {
    for (const span of annotations[a]) {
      const entry = seen.get(key(span));
      if (entry) entry.votes += 1;
      else seen.set(key(span), { span: { start: span.start, end: span.end, label: span.label, attrs: { ...(span.attrs ?? {}) } }, votes: 1 });
    }
  }
  return [...seen.values()].filter((e) => e.votes * 2 > annotators.length).map((e) => e.span).sort(compareSpans);
}

/** Same-label spans that overlap merged into the smallest span covering them (the union choice). */
export function unionOf(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort(compareSpans);
  const out: Span[] = [];
  for (const span of sorted) {
    const prev = [...out].reverse().find((s) => s.label === span.label && overlaps(s, span));
    if (prev) prev.end = Math.max(prev.end, span.end);
    else if (!out.some((s) => s.label === span.label && s.start === span.start && s.end === span.end))
      out.push({ start: span.start, end: span.end, label: span.label, attrs: { ...(span.attrs ?? {}) } });
  }
  return out.sort(compareSpans);
}

/** The gold draft with one group settled: its spans replaced by `chosen`. */
export function settle(gold: readonly Span[], group: Disagreement, chosen: readonly Span[]): Span[] {
  const involved = new Set(Object.values(group.byAnnotator).flat().map(key));
  const kept = gold.filter((s) => !involved.has(key(s)) && !(overlaps(s, group) && chosen.some((c) => c.label === s.label && overlaps(c, s))));
  return [...kept, ...chosen.map((s) => ({ start: s.start, end: s.end, label: s.label, attrs: { ...(s.attrs ?? {}) } }))].sort(compareSpans);
}
