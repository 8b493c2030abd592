/**
 * One annotator's session on a document: loading it (or the next one), the autosave with
 * versions (one save at a time; a stale version reloads what the server has), submitting,
 * skipping and withdrawing. Editing a submitted document keeps it submitted: the autosave
 * leaves the status out, and only `withdraw` turns it back into a draft.
 */
import { ref, shallowRef, watch, type Ref } from "vue";
import type { Router } from "vue-router";
import { api, ApiError, type Annotation, type ApiSpan, type Doc, type Label, type ModelRef, type Project, type Status, type Suggestion, type SuggestionsState } from "../api/client";
import type { RelationSuggestion } from "../api/client";
import { ActiveTimer } from "../domain/activeTime";
import { spanToUnits } from "../domain/offsets";
import { perf } from "../perf";
import { useRelationEditor } from "./relationEditor";
import { useRelationSuggestions } from "./relationSuggestionEditor";
import { carryLinks, linksFromApi, linksToApi, type ApiRelation, type Link, type RelationType } from "./relations";
import { useSpanEditor } from "./spanEditor";

export function useAnnotationSession(props: { slug: string; docId?: string }, router: Router) {
  const project = ref<Project | null>(null);
  const labels = ref<Label[]>([]) as Ref<Label[]>;
  const doc = shallowRef<Doc | null>(null);
  const modelVersion = ref<ModelRef | null>(null);
  const modelNumber = ref<number | null>(null);
  // A newer model is being trained, or waits for the task queue: the suggestions shown may be old.
  const suggestionsStale = ref(false);
  // Why the document shows the suggestions it shows, or none, and how many came with it.
  const suggestionsState = ref<{ state: SuggestionsState | null; count: number }>({ state: null, count: 0 });
  const version = ref(1);
  const status = ref<Status>("draft");
  const remaining = ref<number | null>(null);
  const REMAINING_KEY = `annotator:remaining:${props.slug}`;
  watch(remaining, (n) => n !== null && sessionStorage.setItem(REMAINING_KEY, String(n)));
  const loading = ref(true);
  const finished = ref(false);
  const error = ref("");
  const notice = ref("");
  /** What the last submit or skip did, shown on the next document. */
  const lastDone = ref("");
  const saveState = ref<"saved" | "dirty" | "saving" | "error">("saved");
  let timer = new ActiveTimer();
  const activeSeconds = ref(0);

  // Links between spans (#21) live beside the spans: undone with them, saved with them.
  const relationTypes = ref<RelationType[]>([]);
  const links = shallowRef<Link[]>([]);
  // The model's suggested relations, and the ids of those rejected (undone with the links).
  const relationSuggestions = shallowRef<RelationSuggestion[]>([]);
  const rejectedRelations = shallowRef<Set<number>>(new Set());
  type Extra = { links: Link[]; rejectedRelations: Set<number> };
  const editor = useSpanEditor({
    labels,
    onChange: () => scheduleSave(),
    modelVersion: modelNumber,
    extra: {
      get: (): Extra => ({ links: links.value, rejectedRelations: rejectedRelations.value }),
      set: (value) => {
        links.value = (value as Extra).links;
        rejectedRelations.value = (value as Extra).rejectedRelations;
      },
    },
    follow: (before, after) => (links.value = carryLinks(links.value, before, after)),
    // "Accept all" accepts the suggested relations too (their ends with them), in the same edit.
    acceptAll: (open) => suggestedRelations.planAll(open),
  });
  const relations = useRelationEditor(editor, relationTypes, links);
  const suggestedRelations = useRelationSuggestions(editor, links, relationSuggestions, rejectedRelations, relationTypes);
  const setLinks = (spans: readonly ApiSpan[], given: readonly ApiRelation[] = []) =>
    (links.value = linksFromApi(spans.map((s) => spanToUnits(editor.map.value, s)), given));
  const apiRelations = () => linksToApi(links.value, editor.spans.value);

  function setAnnotation(annotation: Annotation | null) {
    editor.setSpans(annotation?.spans ?? [], annotation?.rejected_suggestions ?? []);
    setLinks(annotation?.spans ?? [], annotation?.relations);
    rejectedRelations.value = new Set(annotation?.rejected_relation_suggestions ?? []);
    relations.cancel();
    suggestedRelations.stop();
    version.value = annotation?.version ?? 1;
    status.value = annotation?.status ?? "draft";
    timer = new ActiveTimer(undefined, undefined, annotation?.time_spent ?? 0);
    activeSeconds.value = timer.seconds;
    saveState.value = "saved";
  }

  function setDocument(d: Doc, annotation: Annotation | null, sugg: Suggestion[], model: ModelRef | null, suggestedLinks: RelationSuggestion[] = []) {
    const t0 = performance.now();
    doc.value = d;
    relationSuggestions.value = suggestedLinks;
    modelVersion.value = model;
    modelNumber.value = model?.version ?? null;
    editor.load(d.text, [], [], sugg);
    setAnnotation(annotation);
    restorePending(d.id);
    perf.afterPaint("open", t0);
  }

  // An edit the server refused because the session had expired is kept here (per document)
  // and saved again once the annotator is back, instead of being lost.
  const pendingKey = (id: number) => `annotator:pending-edit:${id}`;
  function keepPending(id: number) {
    const pending = {
      version: version.value,
      spans: editor.apiSpans(),
      rejected: [...editor.rejected.value],
      relations: apiRelations(),
      rejectedRelations: [...rejectedRelations.value],
    };
    localStorage.setItem(pendingKey(id), JSON.stringify(pending));
  }
  function restorePending(id: number) {
    const raw = localStorage.getItem(pendingKey(id));
    if (!raw) return;
    localStorage.removeItem(pendingKey(id));
    try {
      const pending = JSON.parse(raw);
      if (pending.version !== version.value) return; // saved from elsewhere since: the server's is newer
      editor.setSpans(pending.spans, pending.rejected);
      setLinks(pending.spans, pending.relations);
      rejectedRelations.value = new Set(pending.rejectedRelations ?? []);
      notice.value = "Your last change, made after your session had expired, is being saved now.";
      scheduleSave();
    } catch {
      // A damaged entry: nothing to restore.
    }
  }

  async function load() {
    loading.value = true;
    error.value = "";
    finished.value = false;
    try {
      if (!project.value || project.value.slug !== props.slug) {
        project.value = await api.project(props.slug);
        labels.value = project.value.labels;
        relationTypes.value = project.value.relation_types ?? [];
      }
      if (props.docId) {
        const id = Number(props.docId);
        const known = sessionStorage.getItem(REMAINING_KEY);
        if (remaining.value === null && known !== null) remaining.value = Number(known);
        const [d, mine] = await Promise.all([api.document(id), api.mine(id)]);
        setDocument(d, mine, d.suggestions ?? [], d.model_version ?? null, d.relation_suggestions ?? []);
        suggestionsStale.value = d.suggestions_stale ?? false;
        suggestionsState.value = { state: d.suggestions_state ?? null, count: d.suggestions?.length ?? 0 };
      } else {
        const next = await api.next(props.slug);
        remaining.value = next.remaining;
        if (!next.document) {
          doc.value = null;
          finished.value = true;
          return;
        }
        setDocument(next.document, next.annotation, next.suggestions, next.model_version, next.relation_suggestions ?? []);
        suggestionsStale.value = next.suggestions_stale;
        suggestionsState.value = { state: next.suggestions_state ?? null, count: next.suggestions.length };
        router.replace(`/projects/${props.slug}/annotate/${next.document.id}`);
      }
    } catch (e) {
      error.value = e instanceof ApiError ? e.message : String(e);
    } finally {
      loading.value = false;
    }
  }

  let saveTimer: number | undefined;
  let saving: Promise<void> | null = null;
  let again = false;

  function scheduleSave() {
    saveState.value = "dirty";
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(() => void save(null), 1200);
  }

  /**
   * One save at a time; a change made while saving is saved right after. `nextStatus` null
   * keeps the stored status (an autosave; a skipped document being edited becomes a draft).
   */
  async function save(nextStatus: Status | null): Promise<boolean> {
    window.clearTimeout(saveTimer);
    if (saving) {
      again = true;
      await saving;
      if (nextStatus === null) return saveState.value === "saved";
    }
    if (!doc.value) return false;
    const id = doc.value.id;
    const sent = nextStatus ?? (status.value === "skipped" ? "draft" : undefined);
    let ok = false;
    saving = (async () => {
      saveState.value = "saving";
      try {
        const saved = await api.saveMine(id, {
          spans: editor.apiSpans(),
          relations: apiRelations(),
          ...(sent ? { status: sent } : {}),
          version: version.value,
          time_spent: timer.seconds,
          rejected_suggestions: [...editor.rejected.value],
          rejected_relation_suggestions: [...rejectedRelations.value],
        });
        version.value = saved.version;
        status.value = saved.status;
        activeSeconds.value = timer.seconds;
        saveState.value = "saved";
        notice.value = "";
        ok = true;
      } catch (e) {
        saveState.value = "error";
        if (e instanceof ApiError && e.status === 409) {
          notice.value =
            "This document was saved from somewhere else (another tab or window) after you opened it. " +
            "Your last change was not saved; the latest saved version is loaded below.";
          const fresh = await api.mine(id).catch(() => null);
          if (fresh) setAnnotation(fresh);
        } else if (e instanceof ApiError && (e.status === 401 || (e.status === 403 && /credentials|authenticat/i.test(e.message)))) {
          keepPending(id);
        } else {
          notice.value = `Not saved: ${e instanceof ApiError ? e.message : String(e)}`;
        }
      }
    })();
    await saving;
    saving = null;
    if (again) {
      again = false;
      if (saveState.value !== "error") return save(null);
    }
    return ok;
  }

  async function finish(how: "submitted" | "skipped") {
    const problems = editor.problems.value;
    if (how === "submitted" && problems.length) {
      notice.value = `Cannot submit: span ${problems[0].index + 1}: ${problems[0].reason}`;
      return;
    }
    const name = doc.value?.external_id ?? "";
    if (await save(how)) {
      lastDone.value = how === "submitted" ? `Submitted ${name} (version ${version.value}).` : `Skipped ${name}.`;
      window.setTimeout(() => (lastDone.value = ""), 8000);
      if (remaining.value !== null) remaining.value = Math.max(0, remaining.value - 1);
      router.push(`/projects/${props.slug}/annotate`);
    }
  }

  /** Take a submission back on purpose: the document becomes a draft again. */
  async function withdraw() {
    if (await save("draft")) notice.value = "";
  }

  return {
    project,
    labels,
    doc,
    modelVersion,
    suggestionsStale,
    suggestionsState,
    version,
    status,
    remaining,
    loading,
    finished,
    error,
    notice,
    lastDone,
    saveState,
    activeSeconds,
    editor,
    relations,
    suggestedRelations,
    timer: () => timer,
    load,
    save,
    finish,
    withdraw,
  };
}
