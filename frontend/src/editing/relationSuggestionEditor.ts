/**
 * The model's suggested relations on the annotate page (#21), over a span editor and the page's
 * links: the open ones (see relationSuggestions.ts), the one in focus (its two ends marked in
 * the text), and accepting or rejecting one, by its buttons or by keyboard as span suggestions
 * are (Enter accepts, Delete rejects): `.` goes through them, Tab and the arrows move to the
 * next or previous one, Esc stops. Accepting takes the end suggestions not yet taken and adds
 * the link in one undoable edit; rejecting records the id, undoable too (the session keeps
 * `rejected` in the editor's history beside the links).
 *
 * Drawing costs two marks (the focused suggestion's ends), never work per suggestion in the text.
 */
import { computed, nextTick, shallowRef, type Ref, type ShallowRef } from "vue";
import type { Mark } from "../components/docview";
import { addLink, type Link, type RelationType } from "./relations";
import { listKey } from "./keymap";
import {
  acceptAllPlan,
  endRange,
  endsToAccept,
  indexAfterRemoval,
  linkOf,
  nearCursor,
  openRelationSuggestions,
  spansBySuggestion,
  type OpenRelationSuggestion,
  type RelationSuggestion,
} from "./relationSuggestions";
import type { OpenSuggestion, SpanEditor } from "./spanEditor";
import type { Span } from "../domain/spans";

const COLOUR = "#e8590c";
/** Listed in the panel at a time: those nearest the cursor (as the span and link lists). */
const LISTED = 40;
export const REVIEW_KEY = ".";

export type SuggestedRow = OpenRelationSuggestion<OpenSuggestion, Span> & { fromText: string; toText: string };

export function useRelationSuggestions(
  editor: SpanEditor,
  links: ShallowRef<Link[]>,
  suggested: ShallowRef<RelationSuggestion[]>,
  rejected: ShallowRef<Set<number>>,
  types: Ref<RelationType[]> = shallowRef([]),
) {
  /** The suggestion in focus (by id): by keyboard while `reviewing`, or a hovered row. */
  const focused = shallowRef<number | null>(null);
  const reviewing = shallowRef(false);

  const ends = computed(() => new Map(editor.suggestions.value.map((s) => [s.id, s])));
  const rows = computed<SuggestedRow[]>(() => {
    const text = editor.text.value;
    return openRelationSuggestions(suggested.value, ends.value, editor.spans.value, links.value, rejected.value, editor.rejected.value).map(
      (row) => {
        const a = endRange(row.from, row.fromSpan);
        const b = endRange(row.to, row.toSpan);
        return { ...row, fromText: text.slice(a.start, a.end), toText: text.slice(b.start, b.end) };
      },
    );
  });
  const listed = computed(() => nearCursor(rows.value, editor.cursorRange.value?.[0] ?? 0, LISTED, (r) => endRange(r.from, r.fromSpan).start));
  const current = computed(() => rows.value.find((r) => r.suggestion.id === focused.value) ?? null);

  const marks = computed<Mark[]>(() => {
    const row = current.value;
    if (!row) return [];
    const { type, score } = row.suggestion;
    const a = endRange(row.from, row.fromSpan);
    const b = endRange(row.to, row.toSpan);
    const title = `suggested relation ${type} (score ${score.toFixed(2)}): Enter accepts, Delete rejects`;
    return [
      { key: `rs-from:${row.suggestion.id}`, ...a, label: type, colour: COLOUR, kind: "suggestion", title: `${title}, from here` },
      { key: `rs-to:${row.suggestion.id}`, ...b, label: `→${type}`, colour: COLOUR, kind: "suggestion", title: `${title}, to here` },
    ];
  });

  function reveal(row: SuggestedRow) {
    const at = endRange(row.from, row.fromSpan).start;
    nextTick(() => document.querySelector(`.seg[data-s="${at}"]`)?.scrollIntoView({ block: "nearest" }));
  }

  function focusAt(index: number) {
    const all = rows.value;
    if (index < 0 || !all.length) return stop();
    const row = all[Math.min(index, all.length - 1)];
    focused.value = row.suggestion.id;
    reveal(row);
  }

  /** Start going through the suggested relations: from the first at or after the cursor. */
  function start() {
    const all = rows.value;
    if (!all.length) {
      editor.hint.value = "no suggested relation left";
      return;
    }
    const here = editor.cursorRange.value?.[0] ?? 0;
    const index = all.findIndex((r) => endRange(r.from, r.fromSpan).start >= here);
    reviewing.value = true;
    editor.hint.value = "";
    focusAt(index === -1 ? 0 : index);
  }

  function stop() {
    reviewing.value = false;
    focused.value = null;
  }

  function cycle(by: 1 | -1) {
    const all = rows.value;
    const index = all.findIndex((r) => r.suggestion.id === focused.value);
    focusAt((index + by + all.length) % all.length);
  }

  /** After `row` left the list, the keyboard's focus goes to the one that took its place. */
  function moveOn(index: number) {
    if (!reviewing.value) {
      if (focused.value !== null && !current.value) focused.value = null;
      return;
    }
    focusAt(indexAfterRemoval(index, rows.value.length));
  }

  const indexOf = (row: SuggestedRow) => rows.value.findIndex((r) => r.suggestion.id === row.suggestion.id);

  /** Accept `row`: its end suggestions not yet taken, and the link, as one undoable edit. */
  function accept(row: SuggestedRow) {
    const index = indexOf(row);
    editor.acceptThen(endsToAccept(row), (spans) => {
      const link = linkOf(row.suggestion, spansBySuggestion(spans));
      if (link) links.value = addLink(links.value, link);
    });
    moveOn(index);
  }

  /**
   * "Accept all" (the label bar's button, Shift+Enter), given the open span suggestions: those
   * to accept, and the links to add once they are spans, as the span editor's `acceptThen`
   * takes them (one undoable edit), or null when there is nothing to accept. See
   * `acceptAllPlan` for which suggested relations go in.
   */
  function planAll(open: readonly OpenSuggestion[]) {
    const plan = acceptAllPlan(open, rows.value, types.value);
    if (!plan.accept.length && !plan.link.length) return null;
    const then = (spans: Span[]) => {
      const taken = spansBySuggestion(spans);
      let next = links.value;
      for (const r of plan.link) {
        const link = linkOf(r, taken);
        if (link) next = addLink(next, link);
      }
      links.value = next;
    };
    stop();
    return { accept: plan.accept, then };
  }

  function reject(row: SuggestedRow) {
    const index = indexOf(row);
    editor.edit(() => (rejected.value = new Set([...rejected.value, row.suggestion.id])));
    moveOn(index);
  }

  /** Hovering a row marks its ends (the keyboard's focus, while reviewing, stays). */
  function hover(row: SuggestedRow | null) {
    if (!reviewing.value) focused.value = row ? row.suggestion.id : null;
  }

  /**
   * The keys, tried before the link keys and the editor's: `.` starts; while going through
   * them, Tab / arrows move, Enter accepts, Delete or Backspace rejects, Esc stops, and any other
   * key stops and goes on to the editor. True when the key was taken.
   */
  function handleKey(event: KeyboardEvent): boolean {
    const { modifierOnly, plain, move } = listKey(event);
    const take = () => {
      event.preventDefault();
      return true;
    };
    if (modifierOnly) return false;
    if (reviewing.value) {
      const row = current.value;
      if (!row) stop();
      else if (move) {
        cycle(move);
        return take();
      } else if (plain && !event.shiftKey && event.key === "Enter") {
        accept(row);
        return take();
      } else if (plain && (event.key === "Delete" || event.key === "Backspace")) {
        reject(row);
        return take();
      } else if (event.key === "Escape") {
        stop();
        return take();
      } else stop();
    }
    if (plain && event.key === REVIEW_KEY && suggested.value.length) {
      start();
      return take();
    }
    return false;
  }

  return { rows, listed, focused, reviewing, current, marks, start, stop, cycle, accept, planAll, reject, hover, handleKey };
}

export type RelationSuggestionEditor = ReturnType<typeof useRelationSuggestions>;
