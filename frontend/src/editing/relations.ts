/**
 * Relations between spans (#21) in the browser, as plain functions over plain data.
 *
 * The server speaks of a relation by the indices of its two spans in the list the same body
 * carries (`{from, to, type}`); an index changes whenever a span is added or the list is
 * sorted again. In the editor a link names its ends by their span keys (start:end:label, in
 * UTF-16 units), which do not move when other spans come and go, and is turned into indices
 * only when it leaves for the server (`linksToApi`). A span edit that replaces a span (a
 * boundary moved) carries its links over to the new one (`carryLinks`); a deleted or
 * relabelled span takes its links with it.
 */

import type { ApiRelation, RelationType } from "../api/client";

export type { ApiRelation, RelationType };

export interface Ranged {
  start: number;
  end: number;
  label: string;
}

/** A link between two spans, each named by its key. */
export interface Link {
  from: string;
  to: string;
  type: string;
}

export const keyOf = (s: Ranged): string => `${s.start}:${s.end}:${s.label}`;
const same = (a: Link, b: Link) => a.from === b.from && a.to === b.to && a.type === b.type;

/** Relations by index into `spans` (the list they came with) as links by span key. Relations
 * pointing outside the list are passed over (the server never sends them). */
export function linksFromApi(spans: readonly Ranged[], relations: readonly ApiRelation[]): Link[] {
  const out: Link[] = [];
  for (const r of relations) {
    const from = spans[r.from];
    const to = spans[r.to];
    if (from && to) out.push({ from: keyOf(from), to: keyOf(to), type: r.type });
  }
  return out;
}

/** Links as relations by index into `spans`, the list sent with them; a link whose span is
 * not in the list is left out. */
export function linksToApi(links: readonly Link[], spans: readonly Ranged[]): ApiRelation[] {
  const place = new Map(spans.map((s, i) => [keyOf(s), i]));
  const out: ApiRelation[] = [];
  for (const l of links) {
    const from = place.get(l.from);
    const to = place.get(l.to);
    if (from !== undefined && to !== undefined) out.push({ from, to, type: l.type });
  }
  return out;
}

/** Relations by index into `before` as relations by index into `after` (the same spans added
 * to, sorted or thinned): a relation one of whose spans is gone is dropped. */
export function remapRelations(relations: readonly ApiRelation[], before: readonly Ranged[], after: readonly Ranged[]): ApiRelation[] {
  return linksToApi(linksFromApi(before, relations), after);
}

/** Characters between two spans (0 when they touch or overlap). */
export function gap(a: Ranged, b: Ranged): number {
  if (b.start >= a.end) return b.start - a.end;
  if (a.start >= b.end) return a.start - b.end;
  return 0;
}

/** The relation types a link from a span of `label` may have. */
export function typesFrom(types: readonly RelationType[], label: string): RelationType[] {
  return types.filter((t) => t.source === label);
}

/** The type of a link from `source` to `target` among `types` (the first that fits). */
export function typeBetween(types: readonly RelationType[], source: Ranged, target: Ranged): RelationType | undefined {
  return types.find((t) => t.source === source.label && t.target === target.label);
}

/**
 * The spans a link from `source` may point to, nearest first by characters between them
 * (ties: the earlier one first): spans of a target label of one of `types` (those starting
 * from the source's label), except those it already links to by that type.
 */
export function candidates<S extends Ranged>(source: Ranged, spans: readonly S[], types: readonly RelationType[], links: readonly Link[] = []): S[] {
  const from = keyOf(source);
  const fitting = typesFrom(types, source.label);
  const linked = new Set(links.filter((l) => l.from === from).map((l) => `${l.to}|${l.type}`));
  const out = spans.filter((s) => {
    if (keyOf(s) === from) return false;
    const kind = fitting.find((t) => t.target === s.label);
    return !!kind && !linked.has(`${keyOf(s)}|${kind.name}`);
  });
  return out.sort((a, b) => gap(source, a) - gap(source, b) || a.start - b.start || a.end - b.end);
}

/** `links` with `link` in (once). */
export function addLink(links: readonly Link[], link: Link): Link[] {
  return links.some((l) => same(l, link)) ? [...links] : [...links, link];
}

/** `links` without `link`. */
export function removeLink(links: readonly Link[], link: Link): Link[] {
  return links.filter((l) => !same(l, link));
}

/**
 * The links after a span edit turned `before` into `after`. A link whose ends are both still
 * there stays. An end that is gone moves to the one new span of the same label overlapping it
 * (a boundary moved, or the span redrawn wider); with no such span (deleted, relabelled) or
 * more than one, the link goes.
 */
export function carryLinks(links: readonly Link[], before: readonly Ranged[], after: readonly Ranged[]): Link[] {
  if (!links.length || before === after) return [...links];
  const now = new Set(after.map(keyOf));
  const old = new Map(before.map((s) => [keyOf(s), s]));
  const added = after.filter((s) => !old.has(keyOf(s)));
  const follow = (key: string): string | null => {
    if (now.has(key)) return key;
    const was = old.get(key);
    if (!was) return null;
    const heirs = added.filter((s) => s.label === was.label && s.start < was.end && was.start < s.end);
    return heirs.length === 1 ? keyOf(heirs[0]) : null;
  };
  let out: Link[] = [];
  for (const l of links) {
    const from = follow(l.from);
    const to = follow(l.to);
    if (from && to && from !== to) out = addLink(out, { from, to, type: l.type });
  }
  return out;
}
