/**
 * Editing one text's spans, shared by the annotate page and the review page's gold column:
 * the spans (in UTF-16 units, see domain/offsets.ts), the model's suggestions, the token
 * cursor, undo and redo, and every edit the keys and the mouse make. Saving is the page's
 * business: `onChange` is called after every edit.
 */
import { computed, nextTick, ref, shallowRef, type Ref } from "vue";
import type { ApiSpan, Label, Suggestion } from "../api/client";
import type { Mark } from "../components/docview";
import { casualtyAttrs } from "../domain/casualty";
import { History } from "../domain/history";
import { offsetMap, spanToCodePoints, spanToUnits, type OffsetMap } from "../domain/offsets";
import { compareSpans, overlaps, spanProblems, withSpan, type Span } from "../domain/spans";
import { snapToTokens, tokenIndexAt, tokenize, type Token } from "../domain/tokens";
import { perf } from "../perf";

export type OpenSuggestion = Suggestion & { unitStart: number; unitEnd: number };
export const spanKey = (s: { start: number; end: number; label: string }) => `${s.start}:${s.end}:${s.label}`;

export function attrText(attrs?: Record<string, unknown>): string {
  const parts = Object.entries(attrs ?? {})
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  return parts.length ? ` [${parts.join(", ")}]` : "";
}

/** The spans listed in a side panel: those nearest the cursor (a list of 500 would cost
 * more to draw on every keystroke than the text itself). */
const LISTED = 40;

export interface EditorOptions {
  labels: Ref<Label[]>;
  onChange?: () => void;
  modelVersion?: Ref<number | null>;
  /** Page state that undo and redo should restore with the spans (the review's decisions). */
  extra?: { get: () => unknown; set: (value: unknown) => void };
  /** Told of every span edit, after `extra` was remembered for undo (links follow their spans). */
  follow?: (before: Span[], after: Span[]) => void;
  /** What "Accept all" takes beyond the open span suggestions (the page's suggested relations):
   * given those, the suggestions to accept and the change to make to `extra` once they are
   * spans; null when there is nothing to accept (no empty edit to undo). */
  acceptAll?: (open: readonly OpenSuggestion[]) => { accept: readonly OpenSuggestion[]; then: (spans: Span[]) => void } | null;
}

type Snapshot = { spans: Span[]; rejected: Set<number>; extra?: unknown };

export function useSpanEditor(options: EditorOptions) {
  const text = ref("");
  const map = shallowRef<OffsetMap>(offsetMap(""));
  const tokens = shallowRef<Token[]>([]);
  const spans = shallowRef<Span[]>([]);
  const suggestions = shallowRef<OpenSuggestion[]>([]);
  const rejected = shallowRef<Set<number>>(new Set());
  const anchor = ref(0);
  const head = ref(0);
  const activeKey = ref<string | null>(null);
  /** A short message about the last key (a boundary that cannot move, say). */
  const hint = ref("");
  const history = new History<Snapshot>();
  const snapshot = (): Snapshot => ({ spans: spans.value, rejected: rejected.value, extra: options.extra?.get() });
  // The history object is plain (not reactive); these mirror what the buttons need.
  const canUndo = ref(false);
  const canRedo = ref(false);
  const syncHistory = () => {
    canUndo.value = history.canUndo;
    canRedo.value = history.canRedo;
  };

  const labels = options.labels;
  const labelByName = computed(() => new Map(labels.value.map((l) => [l.name, l])));
  const labelByKey = computed(() => new Map(labels.value.filter((l) => l.hotkey).map((l) => [l.hotkey.toLowerCase(), l])));
  const schemas = computed(() => Object.fromEntries(labels.value.map((l) => [l.name, l.attributes ?? {}])));
  const colour = (label: string) => labelByName.value.get(label)?.colour ?? "#888888";

  // --- Loading and leaving ------------------------------------------------------------------

  /** A new text with its spans and suggestions, all in the server's code points. */
  function load(newText: string, apiSpans: readonly ApiSpan[], newRejected: readonly number[] = [], sugg: readonly Suggestion[] = []) {
    text.value = newText;
    map.value = offsetMap(newText);
    tokens.value = tokenize(newText);
    const m = map.value;
    suggestions.value = sugg.map((s) => {
      const units = spanToUnits(m, s);
      return { ...s, unitStart: units.start, unitEnd: units.end };
    });
    setSpans(apiSpans, newRejected);
    anchor.value = head.value = 0;
    activeKey.value = null;
  }

  /** Replace the spans (a fresh copy from the server), forgetting the undo history. */
  function setSpans(apiSpans: readonly ApiSpan[], newRejected: readonly number[] = []) {
    const m = map.value;
    spans.value = apiSpans.map((s) => ({ ...spanToUnits(m, s), attrs: s.attrs ?? {} }) as Span).sort(compareSpans);
    rejected.value = new Set(newRejected);
    history.clear();
    syncHistory();
  }

  /** The spans as the server wants them: code points. */
  function apiSpans(): ApiSpan[] {
    return spans.value.map((s) =>
      spanToCodePoints(map.value, {
        start: s.start,
        end: s.end,
        label: s.label,
        attrs: s.attrs ?? {},
        origin: s.origin ?? "manual",
        suggestion: s.suggestion ?? null,
      }),
    );
  }

  const problems = computed(() => (text.value ? spanProblems(text.value, apiSpans(), schemas.value) : []));

  // --- What is drawn ------------------------------------------------------------------------

  const openSuggestions = computed(() => {
    const taken = new Set(spans.value.map((s) => s.suggestion).filter((id) => id));
    const own = new Set(spans.value.map(spanKey));
    return suggestions.value.filter(
      (s) => !rejected.value.has(s.id) && !taken.has(s.id) && !own.has(`${s.unitStart}:${s.unitEnd}:${s.label}`),
    );
  });

  const marks = computed<Mark[]>(() => {
    const out: Mark[] = spans.value.map((s) => ({
      key: spanKey(s),
      start: s.start,
      end: s.end,
      label: s.label,
      colour: colour(s.label),
      kind: "own",
      title: `${s.label}${s.origin && s.origin !== "manual" ? " (" + s.origin.replace("_", " ") + ")" : ""}${attrText(s.attrs)}`,
    }));
    for (const s of openSuggestions.value) {
      out.push({
        key: `s${s.id}`,
        start: s.unitStart,
        end: s.unitEnd,
        label: s.label,
        colour: colour(s.label),
        kind: "suggestion",
        title: `suggestion ${s.label}: model v${options.modelVersion?.value ?? "?"}, score ${s.score.toFixed(2)} — click selects it, Enter or ${labelByName.value.get(s.label)?.hotkey ?? "its key"} accepts, Delete rejects`,
      });
    }
    return out;
  });

  const cursorRange = computed<[number, number] | null>(() => {
    const t = tokens.value;
    if (!t.length) return null;
    const a = Math.min(anchor.value, head.value, t.length - 1);
    const b = Math.min(Math.max(anchor.value, head.value), t.length - 1);
    return [t[a].start, t[b].end];
  });

  const listedSpans = computed(() => {
    const all = spans.value;
    if (all.length <= LISTED) return all;
    const here = cursorRange.value?.[0] ?? 0;
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid].start < here) lo = mid + 1;
      else hi = mid;
    }
    const first = Math.max(0, Math.min(all.length - LISTED, lo - LISTED / 2));
    return all.slice(first, first + LISTED);
  });
  const activeSpan = computed(() => spans.value.find((s) => spanKey(s) === activeKey.value) ?? null);

  // --- Edits ----------------------------------------------------------------------------------

  function change(nextSpans: Span[], nextRejected = rejected.value, then?: (spans: Span[]) => void) {
    history.record(snapshot());
    const before = spans.value;
    spans.value = nextSpans;
    options.follow?.(before, nextSpans);
    then?.(nextSpans);
    rejected.value = nextRejected;
    hint.value = "";
    syncHistory();
    options.onChange?.();
  }

  /** An edit of the page's `extra` state only (a link added), undone like a span edit. */
  function edit(apply: () => void) {
    history.record(snapshot());
    apply();
    hint.value = "";
    syncHistory();
    options.onChange?.();
  }

  /** Replace every span at once (a review decision), as one undoable edit. */
  function replace(next: Span[]) {
    change([...next].sort(compareSpans));
  }

  function prefill(label: string, start: number, end: number): Record<string, unknown> {
    const schema = schemas.value[label] ?? {};
    if (!("value" in schema || "qualifier" in schema)) return {};
    const t = text.value;
    const context = t.slice(Math.max(0, start - 60), start) + " " + t.slice(end, end + 40);
    return casualtyAttrs(t.slice(start, end), context, schema);
  }

  function applyLabel(label: Label, t0 = performance.now()) {
    if (activeSpan.value) {
      relabel(activeSpan.value, label.name);
    } else if (cursorRange.value) {
      const [start, end] = cursorRange.value;
      const same = openSuggestions.value.find((s) => s.unitStart === start && s.unitEnd === end && s.label === label.name);
      if (same) accept(same);
      else if (spans.value.some((s) => s.start === start && s.end === end && s.label === label.name)) {
        // Already marked so: keep it (and its attributes) as it is.
      } else {
        // Drawn over a span of the same label: the new extent replaces it, its attributes stay.
        const replaced = spans.value.find((s) => s.label === label.name && overlaps(s, { start, end }));
        const attrs = replaced && Object.keys(replaced.attrs ?? {}).length ? { ...replaced.attrs } : prefill(label.name, start, end);
        const added: Span = { start, end, label: label.name, attrs, origin: "manual", suggestion: null };
        if (replaced?.suggestion) Object.assign(added, { origin: "suggestion_edited", suggestion: replaced.suggestion });
        change(withSpan(spans.value, added));
        if (replaced) hint.value = `resized the ${label.name} span; its attributes were kept`;
      }
      anchor.value = head.value;
    }
    perf.afterPaint("label", t0);
  }

  function relabel(span: Span, label: string) {
    if (span.label === label) return;
    const edited: Span = {
      ...span,
      label,
      attrs: prefill(label, span.start, span.end),
      origin: span.suggestion ? "suggestion_edited" : span.origin,
    };
    change(withSpan(spans.value.filter((s) => s !== span), edited));
    activeKey.value = spanKey(edited);
  }

  function editAttrs(span: Span, attrs: Record<string, unknown>) {
    const edited: Span = { ...span, attrs, origin: span.suggestion ? "suggestion_edited" : span.origin };
    change(spans.value.map((s) => (s === span ? edited : s)));
  }

  function removeSpan(span: Span) {
    change(spans.value.filter((s) => s !== span));
    if (activeKey.value === spanKey(span)) activeKey.value = null;
  }

  function accepted(s: OpenSuggestion): Span {
    const attrs = Object.keys(s.attrs ?? {}).length ? { ...s.attrs } : prefill(s.label, s.unitStart, s.unitEnd);
    return { start: s.unitStart, end: s.unitEnd, label: s.label, attrs, origin: "suggestion_accepted", suggestion: s.id };
  }

  function accept(s: OpenSuggestion) {
    change(withSpan(spans.value, accepted(s)));
  }

  function acceptAll() {
    const t0 = performance.now();
    if (options.acceptAll) {
      const plan = options.acceptAll(openSuggestions.value);
      if (!plan) return;
      acceptThen(plan.accept, plan.then);
    } else {
      let next = spans.value;
      for (const s of openSuggestions.value) next = withSpan(next, accepted(s));
      change(next);
    }
    perf.afterPaint("acceptAll", t0);
  }

  /** Accept `list`, then let the page change its `extra` state given the new spans (a link
   * between them), all as one undoable edit. */
  function acceptThen(list: readonly OpenSuggestion[], then: (spans: Span[]) => void) {
    let next = spans.value;
    for (const s of list) next = withSpan(next, accepted(s));
    change(next, rejected.value, then);
  }

  function reject(s: Suggestion) {
    change(spans.value, new Set([...rejected.value, s.id]));
  }

  function restore(back: Snapshot | undefined) {
    if (!back) return;
    spans.value = back.spans;
    rejected.value = back.rejected;
    if (options.extra) options.extra.set(back.extra);
    if (activeKey.value && !spans.value.some((s) => spanKey(s) === activeKey.value)) activeKey.value = null;
    syncHistory();
    options.onChange?.();
  }
  const undo = () => restore(history.undo(snapshot()));
  const redo = () => restore(history.redo(snapshot()));

  /**
   * Move one boundary of the span being edited (the selected one, else the one under the
   * cursor) by one token: `edge` start or end, `by` -1 (left) or +1 (right). The span keeps
   * its label and attributes; it never grows over a span of its own label.
   */
  function resize(edge: "start" | "end", by: -1 | 1) {
    const span = activeSpan.value ?? underCursor().span;
    if (!span) {
      hint.value = "no span under the cursor to resize";
      return;
    }
    const t = tokens.value;
    const first = tokenIndexAt(t, span.start);
    const last = Math.min(tokenIndexAt(t, span.end - 1), t.length - 1);
    let [a, b] = [first, last];
    if (edge === "start") a += by;
    else b += by;
    if (a < 0 || b >= t.length || a > b) return;
    const next = { ...span, start: t[a].start, end: t[b].end, origin: span.suggestion ? ("suggestion_edited" as const) : span.origin };
    if (spans.value.some((s) => s !== span && s.label === span.label && overlaps(s, next))) {
      hint.value = `another ${span.label} span is in the way`;
      return;
    }
    change(spans.value.map((s) => (s === span ? next : s)).sort(compareSpans));
    activeKey.value = spanKey(next);
    anchor.value = a;
    head.value = b;
    scrollCursorIntoView();
  }

  /** A handle dragged to `offset`: that end of the selected span moves to the nearest token
   * boundary (whole tokens, never past the other end), attributes kept. */
  function resizeTo(edge: "start" | "end", offset: number) {
    const span = activeSpan.value;
    const t = tokens.value;
    if (!span || !t.length) return;
    const i = Math.min(tokenIndexAt(t, offset), t.length - 1);
    let next: Span;
    if (edge === "start") {
      if (t[i].start >= span.end) return;
      next = { ...span, start: t[i].start };
    } else {
      const j = t[i].start < offset ? i : i - 1;
      if (j < 0 || t[j].end <= span.start) return;
      next = { ...span, end: t[j].end };
    }
    if (next.start === span.start && next.end === span.end) return;
    if (span.suggestion) next.origin = "suggestion_edited";
    if (spans.value.some((s) => s !== span && s.label === span.label && overlaps(s, next))) {
      hint.value = `another ${span.label} span is in the way`;
      return;
    }
    change(spans.value.map((s) => (s === span ? next : s)).sort(compareSpans));
    activeKey.value = spanKey(next);
    moveTo(next.start, next.end);
  }

  // --- The cursor -----------------------------------------------------------------------------

  /** The suggestion and own span under the keyboard cursor, if any. */
  function underCursor(): { suggestion?: OpenSuggestion; span?: Span } {
    const range = cursorRange.value;
    if (!range) return {};
    const r = { start: range[0], end: range[1] };
    const suggestion =
      openSuggestions.value.find((s) => s.unitStart === r.start && s.unitEnd === r.end) ??
      openSuggestions.value.find((s) => s.unitStart <= r.start && s.unitEnd >= r.end);
    const covering = spans.value.filter((s) => s.start <= r.start && s.end >= r.end);
    covering.sort((a, b) => a.end - a.start - (b.end - b.start));
    return { suggestion, span: covering[0] ?? spans.value.find((s) => overlaps(s, r)) };
  }

  function moveTo(start: number, end: number) {
    const t = tokens.value;
    anchor.value = Math.min(tokenIndexAt(t, start), t.length - 1);
    head.value = Math.max(anchor.value, Math.min(tokenIndexAt(t, end - 1), t.length - 1));
    scrollCursorIntoView();
  }

  function step(by: number, extend: boolean) {
    const t = tokens.value;
    head.value = Math.max(0, Math.min(t.length - 1, head.value + by));
    if (!extend) anchor.value = head.value;
    activeKey.value = null;
    scrollCursorIntoView();
  }

  function toEdge(end: boolean, extend: boolean) {
    head.value = end ? tokens.value.length - 1 : 0;
    if (!extend) anchor.value = head.value;
    activeKey.value = null;
    scrollCursorIntoView();
  }

  function jump(direction: 1 | -1) {
    const items = marks.value.map((m) => [m.start, m.end] as [number, number]).sort((a, b) => a[0] - b[0]);
    const here = cursorRange.value?.[0] ?? 0;
    const target = direction === 1 ? items.find(([s]) => s > here) : [...items].reverse().find(([s]) => s < here);
    if (target) moveTo(target[0], target[1]);
    activeKey.value = null;
  }

  /** Enter: accept the suggestion under the cursor, else select the span there. */
  function enter() {
    const { suggestion, span } = underCursor();
    if (suggestion) accept(suggestion);
    else if (span) activeKey.value = spanKey(span);
  }

  /** Delete: the selected span, else reject the suggestion or delete the span under the cursor. */
  function remove() {
    if (activeSpan.value) return removeSpan(activeSpan.value);
    const { suggestion, span } = underCursor();
    if (suggestion) reject(suggestion);
    else if (span) removeSpan(span);
  }

  function escape() {
    activeKey.value = null;
    anchor.value = head.value;
    hint.value = "";
  }

  /** Focus the first attribute field of the selected span (or the one under the cursor). */
  function editAttributes() {
    if (!activeSpan.value) {
      const { span } = underCursor();
      if (!span) {
        hint.value = "no span under the cursor";
        return;
      }
      activeKey.value = spanKey(span);
    }
    const span = activeSpan.value;
    if (!span || !Object.keys(schemas.value[span.label] ?? {}).length) {
      hint.value = span ? `${span.label} has no attributes` : "";
      return;
    }
    nextTick(() => (document.querySelector("[data-test=span-editor] [data-attr]") as HTMLElement | null)?.focus());
  }

  function scrollCursorIntoView() {
    nextTick(() => document.querySelector(".seg.cur, .seg.sel, .seg.active")?.scrollIntoView({ block: "nearest" }));
  }

  // --- The mouse ------------------------------------------------------------------------------

  function onSelect(start: number, end: number) {
    const snapped = snapToTokens(tokens.value, start, end);
    if (!snapped) return;
    activeKey.value = null;
    moveTo(snapped[0], snapped[1]);
  }

  /** A click: on a span, select it; on a suggestion, put the cursor over all of it (Enter or
   * its label's key accepts it); elsewhere, move the cursor to the word. */
  function onClickAt(offset: number) {
    const t = tokens.value;
    const i = Math.min(tokenIndexAt(t, offset), t.length - 1);
    if (i >= 0 && t.length) anchor.value = head.value = i;
    const covering = spans.value.filter((s) => s.start <= offset && s.end > offset);
    covering.sort((a, b) => a.end - a.start - (b.end - b.start));
    activeKey.value = covering.length ? spanKey(covering[0]) : null;
    if (covering.length) return moveTo(covering[0].start, covering[0].end);
    const suggestion = openSuggestions.value.find((s) => s.unitStart <= offset && s.unitEnd > offset);
    if (suggestion) moveTo(suggestion.unitStart, suggestion.unitEnd);
  }

  /** Select a span from a list: the cursor goes to it and the text scrolls there. */
  function focusSpan(span: Span) {
    activeKey.value = spanKey(span);
    moveTo(span.start, span.end);
  }

  return {
    text,
    map,
    tokens,
    spans,
    rejected,
    suggestions,
    anchor,
    head,
    activeKey,
    hint,
    canUndo,
    canRedo,
    labels,
    labelByKey,
    schemas,
    colour,
    problems,
    openSuggestions,
    marks,
    cursorRange,
    listedSpans,
    activeSpan,
    load,
    setSpans,
    replace,
    edit,
    apiSpans,
    applyLabel,
    relabel,
    editAttrs,
    removeSpan,
    accept,
    acceptAll,
    acceptThen,
    reject,
    undo,
    redo,
    resize,
    resizeTo,
    underCursor,
    moveTo,
    step,
    toEdge,
    jump,
    enter,
    remove,
    escape,
    editAttributes,
    onSelect,
    onClickAt,
    focusSpan,
  };
}

export type SpanEditor = ReturnType<typeof useSpanEditor>;
