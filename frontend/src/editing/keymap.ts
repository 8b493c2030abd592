/**
 * The editor's keys, in one table: the key handler runs it and the help sheet prints it,
 * so the two cannot disagree. A binding tied to a page action (submit, skip, save...) is
 * live, and listed, only on a page that offers that action.
 */
import type { SpanEditor } from "./spanEditor";

export type PageAction = "submit" | "skip" | "save" | "help" | "leave";

export interface KeyContext {
  editor: SpanEditor;
  page: Partial<Record<PageAction, () => void>>;
}

export interface Binding {
  /** Key caps to show, one list per alternative: [["Ctrl", "Z"]]. */
  keys: string[][];
  help: string;
  /** The page must offer this action for the binding to exist. */
  needs?: PageAction;
  match: (e: KeyboardEvent) => boolean;
  run: (ctx: KeyContext, e: KeyboardEvent) => void;
}

const ctrl = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;
const plain = (e: KeyboardEvent) => !ctrl(e) && !e.altKey;
const key = (name: string) => (e: KeyboardEvent) => plain(e) && e.key === name;

/** How a list mode (linking, going through suggested relations) reads a key: a modifier on its
 * own is no key yet; Tab and the arrows move back (-1) or on (1); a plain key is one with no
 * Ctrl, Meta or Alt. */
export function listKey(e: KeyboardEvent): { modifierOnly: boolean; plain: boolean; move: -1 | 1 | 0 } {
  const modifierOnly = ["Shift", "Control", "Alt", "Meta"].includes(e.key);
  const isPlain = plain(e);
  const moves = isPlain && (e.key === "Tab" || e.key.startsWith("Arrow"));
  const back = e.shiftKey || e.key === "ArrowLeft" || e.key === "ArrowUp";
  return { modifierOnly, plain: isPlain, move: moves ? (back ? -1 : 1) : 0 };
}

export const KEYMAP: Binding[] = [
  { keys: [["Ctrl", "Z"]], help: "undo", match: (e) => ctrl(e) && !e.shiftKey && e.key.toLowerCase() === "z", run: ({ editor }) => editor.undo() },
  {
    keys: [["Ctrl", "Shift", "Z"], ["Ctrl", "Y"]],
    help: "redo",
    match: (e) => ctrl(e) && ((e.shiftKey && e.key.toLowerCase() === "z") || e.key.toLowerCase() === "y"),
    run: ({ editor }) => editor.redo(),
  },
  { keys: [["Ctrl", "Enter"]], help: "submit and go to the next document", needs: "submit", match: (e) => ctrl(e) && !e.shiftKey && e.key === "Enter", run: ({ page }) => page.submit?.() },
  { keys: [["Ctrl", "Shift", "S"]], help: "skip this document", needs: "skip", match: (e) => ctrl(e) && e.shiftKey && e.key.toLowerCase() === "s", run: ({ page }) => page.skip?.() },
  { keys: [["Ctrl", "S"]], help: "save", needs: "save", match: (e) => ctrl(e) && !e.shiftKey && e.key.toLowerCase() === "s", run: ({ page }) => page.save?.() },
  { keys: [["←"], ["→"]], help: "move the cursor one token", match: (e) => plain(e) && !e.shiftKey && (e.key === "ArrowLeft" || e.key === "ArrowRight"), run: ({ editor }, e) => editor.step(e.key === "ArrowLeft" ? -1 : 1, false) },
  { keys: [["↑"], ["↓"]], help: "move the cursor ten tokens", match: (e) => plain(e) && !e.shiftKey && (e.key === "ArrowUp" || e.key === "ArrowDown"), run: ({ editor }, e) => editor.step(e.key === "ArrowUp" ? -10 : 10, false) },
  {
    keys: [["Shift", "←"], ["Shift", "→"]],
    help: "extend the selection token by token (with ↑ ↓: ten)",
    match: (e) => plain(e) && e.shiftKey && e.key.startsWith("Arrow"),
    run: ({ editor }, e) => editor.step({ ArrowLeft: -1, ArrowRight: 1, ArrowUp: -10, ArrowDown: 10 }[e.key] ?? 0, true),
  },
  { keys: [["Home"], ["End"]], help: "first / last token (with Shift: select to there)", match: (e) => plain(e) && (e.key === "Home" || e.key === "End"), run: ({ editor }, e) => editor.toEdge(e.key === "End", e.shiftKey) },
  { keys: [["Tab"], ["Shift", "Tab"]], help: "next / previous span or suggestion", match: (e) => plain(e) && e.key === "Tab", run: ({ editor }, e) => editor.jump(e.shiftKey ? -1 : 1) },
  { keys: [["Enter"]], help: "accept the suggestion under the cursor (or clicked), or select the span there", match: (e) => plain(e) && !e.shiftKey && e.key === "Enter", run: ({ editor }) => editor.enter() },
  { keys: [["Shift", "Enter"]], help: "accept all suggestions (on the annotate page, the suggested relations too)", match: (e) => plain(e) && e.shiftKey && e.key === "Enter", run: ({ editor }) => editor.acceptAll() },
  { keys: [["Delete"], ["Backspace"]], help: "delete the selected span, or reject the suggestion / delete the span under the cursor", match: (e) => plain(e) && (e.key === "Delete" || e.key === "Backspace"), run: ({ editor }) => editor.remove() },
  { keys: [["["]], help: "span under the cursor: start one token earlier", match: key("["), run: ({ editor }) => editor.resize("start", -1) },
  { keys: [["{"]], help: "span under the cursor: start one token later", match: key("{"), run: ({ editor }) => editor.resize("start", 1) },
  { keys: [["]"]], help: "span under the cursor: end one token later", match: key("]"), run: ({ editor }) => editor.resize("end", 1) },
  { keys: [["}"]], help: "span under the cursor: end one token earlier", match: key("}"), run: ({ editor }) => editor.resize("end", -1) },
  { keys: [["F2"]], help: "edit the attributes of the span under the cursor (Tab between fields, Esc back to the text)", match: key("F2"), run: ({ editor }) => editor.editAttributes() },
  { keys: [["Esc"]], help: "clear the selection (with nothing selected: leave the gold editor, on the review page)", match: key("Escape"), run: ({ editor, page }) => (editor.activeKey.value || editor.anchor.value !== editor.head.value ? editor.escape() : page.leave ? page.leave() : editor.escape()) },
  { keys: [["?"]], help: "this sheet", needs: "help", match: key("?"), run: ({ page }) => page.help?.() },
];

/** The label keys, after the table (a label's hotkey never shadows a binding above). */
export const LABEL_HELP = "label the selection (or relabel the selected span); on a clicked suggestion, accept it";

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
}

/** The bindings a page has (those whose action it offers). */
export function bindingsFor(page: KeyContext["page"]): Binding[] {
  return KEYMAP.filter((b) => !b.needs || page[b.needs]);
}

/**
 * Run the binding for `event`, if any; true when one ran. In a form field only Escape is
 * taken (back to the text, the field's change kept), so Tab moves between the fields.
 */
export function handleKey(event: KeyboardEvent, ctx: KeyContext): boolean {
  if (isTyping(event.target)) {
    if (event.key === "Escape") {
      (event.target as HTMLElement).blur();
      event.preventDefault();
      return true;
    }
    return false;
  }
  const binding = bindingsFor(ctx.page).find((b) => b.match(event));
  if (binding) {
    event.preventDefault();
    binding.run(ctx, event);
    return true;
  }
  if (!plain(event) || event.key.length !== 1) return false;
  const label = ctx.editor.labelByKey.value.get(event.key.toLowerCase());
  if (!label) return false;
  event.preventDefault();
  // The event's own time stamp: the measured latency includes any wait before the handler ran.
  ctx.editor.applyLabel(label, event.timeStamp);
  return true;
}
