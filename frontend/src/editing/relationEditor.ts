/**
 * Linking spans on the annotate page (#21), over a span editor: the links (by span key, see
 * relations.ts), the link being made by keyboard (its candidates nearest first, one of them
 * highlighted), links made with the mouse, and the marks that show a candidate or the two
 * ends of a hovered link. Every change goes through the span editor's history, so undo,
 * redo and the autosave treat links as they treat spans.
 *
 * Drawing costs a handful of extra marks (a candidate, a hovered link's ends), never work per
 * link or per character: the document's paragraphs not touched are not redrawn.
 */
import { computed, nextTick, shallowRef, type Ref, type ShallowRef } from "vue";
import type { Mark } from "../components/docview";
import type { Span } from "../domain/spans";
import { addLink, candidates, keyOf, removeLink, typeBetween, typesFrom, type Link, type RelationType } from "./relations";
import type { SpanEditor } from "./spanEditor";
import { listKey } from "./keymap";

const HIGHLIGHT = "#e8590c";
/** The links listed in the panel: those nearest the cursor, as the span list does (hundreds of
 * rows would cost more to draw on each keystroke than the text). */
const LISTED = 40;

export interface Linking {
  source: Span;
  types: RelationType[];
  candidates: Span[];
  index: number;
}

export interface LinkRow {
  link: Link;
  from: Span;
  to: Span;
  fromText: string;
  toText: string;
}

export function useRelationEditor(editor: SpanEditor, types: Ref<RelationType[]>, links: ShallowRef<Link[]>) {
  const linking = shallowRef<Linking | null>(null);
  const hovered = shallowRef<Link | null>(null);

  const byKey = computed(() => new Map(editor.spans.value.map((s) => [keyOf(s), s])));
  /** The links whose two spans are there, in text order of their source. */
  const rows = computed<LinkRow[]>(() => {
    const spans = byKey.value;
    const text = editor.text.value;
    const out: LinkRow[] = [];
    for (const link of links.value) {
      const from = spans.get(link.from);
      const to = spans.get(link.to);
      if (from && to) out.push({ link, from, to, fromText: text.slice(from.start, from.end), toText: text.slice(to.start, to.end) });
    }
    return out.sort((a, b) => a.from.start - b.from.start || a.to.start - b.to.start);
  });

  const listed = computed(() => {
    const all = rows.value;
    if (all.length <= LISTED) return all;
    const here = editor.cursorRange.value?.[0] ?? 0;
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid].from.start < here) lo = mid + 1;
      else hi = mid;
    }
    const first = Math.max(0, Math.min(all.length - LISTED, lo - LISTED / 2));
    return all.slice(first, first + LISTED);
  });

  /** The types a link from the selected span may have (none: it is no relation's source). */
  const sourceTypes = computed(() => (editor.activeSpan.value ? typesFrom(types.value, editor.activeSpan.value.label) : []));
  const candidate = computed(() => (linking.value ? linking.value.candidates[linking.value.index] : null));

  const marks = computed<Mark[]>(() => {
    const out: Mark[] = [];
    const c = candidate.value;
    const l = linking.value;
    if (c && l) {
      const kind = typeBetween(l.types, l.source, c);
      out.push({
        key: `link-candidate:${keyOf(c)}`,
        start: c.start,
        end: c.end,
        label: `${kind?.name ?? ""}?`,
        colour: HIGHLIGHT,
        kind: "other",
        title: `candidate target of ${kind?.name ?? "the link"}: Enter links, Tab the next one, Esc cancels`,
      });
    }
    const h = hovered.value;
    const from = h && byKey.value.get(h.from);
    const to = h && byKey.value.get(h.to);
    if (h && from && to) {
      out.push({ key: `link-from:${h.from}`, start: from.start, end: from.end, label: `${h.type}→`, colour: HIGHLIGHT, kind: "other", title: `linked: ${h.type} from here` });
      out.push({ key: `link-to:${h.to}`, start: to.start, end: to.end, label: `→${h.type}`, colour: HIGHLIGHT, kind: "other", title: `linked: ${h.type} to here` });
    }
    return out;
  });

  function reveal(span: Span) {
    nextTick(() => document.querySelector(`.seg[data-s="${span.start}"]`)?.scrollIntoView({ block: "nearest" }));
  }

  /** Start a link from the selected span: of `only` that type, else of any type it may have. */
  function start(only?: RelationType) {
    const source = editor.activeSpan.value;
    if (!source) {
      editor.hint.value = "select a span to link from first";
      return;
    }
    const kinds = only ? [only] : typesFrom(types.value, source.label);
    if (!kinds.length) {
      editor.hint.value = `no relation starts from ${source.label}`;
      return;
    }
    const found = candidates(source, editor.spans.value, kinds, links.value);
    if (!found.length) {
      editor.hint.value = `no ${[...new Set(kinds.map((k) => k.target))].join(" or ")} span left to link to`;
      return;
    }
    editor.hint.value = "";
    linking.value = { source, types: kinds, candidates: found, index: 0 };
    reveal(found[0]);
  }

  function cycle(by: 1 | -1) {
    const l = linking.value;
    if (!l) return;
    const index = (l.index + by + l.candidates.length) % l.candidates.length;
    linking.value = { ...l, index };
    reveal(l.candidates[index]);
  }

  function cancel() {
    linking.value = null;
  }

  /** Link `from` to `to` (the type the labels call for, among `kinds`), as one undoable edit. */
  function link(from: Span, to: Span, kinds: readonly RelationType[] = types.value): boolean {
    const kind = typeBetween(kinds, from, to);
    if (!kind) {
      editor.hint.value = `no relation goes from ${from.label} to ${to.label}`;
      return false;
    }
    const made: Link = { from: keyOf(from), to: keyOf(to), type: kind.name };
    if (links.value.some((l) => l.from === made.from && l.to === made.to && l.type === made.type)) {
      editor.hint.value = `already linked by ${kind.name}`;
      return false;
    }
    editor.edit(() => (links.value = addLink(links.value, made)));
    return true;
  }

  function confirm() {
    const l = linking.value;
    const c = candidate.value;
    linking.value = null;
    if (l && c) link(l.source, c, l.types);
  }

  function remove(row: Link) {
    if (hovered.value === row) hovered.value = null;
    editor.edit(() => (links.value = removeLink(links.value, row)));
  }

  /** The innermost span at `offset` that `test` accepts. */
  function spanAt(offset: number, test: (s: Span) => boolean): Span | undefined {
    const covering = editor.spans.value.filter((s) => s.start <= offset && s.end > offset && test(s));
    return covering.sort((a, b) => a.end - a.start - (b.end - b.start))[0];
  }

  /**
   * A click in the text. While a link is being made, a click on a candidate links it (true);
   * elsewhere it cancels the link and is an ordinary click (false). With Alt held, a click on
   * a span links the selected span to it (true).
   */
  function clickAt(offset: number, alt: boolean): boolean {
    const l = linking.value;
    if (l) {
      linking.value = null;
      const target = spanAt(offset, (s) => l.candidates.includes(s));
      if (target) link(l.source, target, l.types);
      return !!target;
    }
    const source = editor.activeSpan.value;
    if (!alt || !source || !typesFrom(types.value, source.label).length) return false;
    const target = spanAt(offset, (s) => s !== source && !!typeBetween(types.value, source, s));
    if (target) link(source, target);
    else editor.hint.value = `Alt+click a span a relation from ${source.label} may point to`;
    return true;
  }

  /**
   * The link keys, tried before the editor's own: with a span a relation starts from
   * selected, `r` starts a link of any of its types, a type's hotkey one of that type. While
   * linking, Tab and the arrows cycle the candidates, Enter links, Esc cancels, and any other
   * key cancels and goes on to the editor. True when the key was taken.
   */
  function handleKey(event: KeyboardEvent): boolean {
    const { modifierOnly, plain, move } = listKey(event);
    const take = () => {
      event.preventDefault();
      return true;
    };
    // A modifier pressed on its own (the Shift of Shift+Tab) is no key yet.
    if (modifierOnly) return false;
    if (linking.value) {
      if (move) {
        cycle(move);
        return take();
      }
      if (plain && event.key === "Enter") {
        confirm();
        return take();
      }
      if (event.key === "Escape") {
        cancel();
        return take();
      }
      cancel();
    }
    if (!plain || event.key.length !== 1 || !sourceTypes.value.length) return false;
    const key = event.key.toLowerCase();
    const kind = sourceTypes.value.find((t) => t.hotkey && t.hotkey.toLowerCase() === key);
    if (kind) {
      start(kind);
      return take();
    }
    if (key === "r") {
      start();
      return take();
    }
    return false;
  }

  return { links, linking, hovered, rows, listed, sourceTypes, candidate, marks, start, cycle, cancel, confirm, link, remove, clickAt, handleKey };
}

export type RelationEditor = ReturnType<typeof useRelationEditor>;
