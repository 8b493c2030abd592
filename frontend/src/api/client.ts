/**
 * Every HTTP call the app makes, in one typed module: session auth (cookie) plus the CSRF
 * header Django wants on writes, taken from the csrftoken cookie. Errors come back in the
 * API's one shape {"error": {"code", "message", ...}} and are thrown as ApiError.
 * Offsets in these shapes are the server's (code points); pages convert with domain/offsets.
 */

/** A link between two spans of one list, by their indices in it (#21). */
export interface ApiRelation {
  from: number;
  to: number;
  type: string;
}

/** A project's relation type: links of it go from a `source` span to a `target` span. */
export interface RelationType {
  name: string;
  source: string;
  target: string;
  hotkey: string;
}

export interface ApiSpan {
  id?: number;
  start: number;
  end: number;
  label: string;
  attrs?: Record<string, unknown>;
  origin?: "manual" | "suggestion_accepted" | "suggestion_edited";
  suggestion?: number | null;
}

export interface AttributeRule {
  type?: "integer" | "choice" | "text" | "boolean";
  min?: number;
  max?: number;
  choices?: string[];
}

export interface Label {
  name: string;
  colour: string;
  hotkey: string;
  attributes: Record<string, AttributeRule>;
}

export interface AnnotatorProgress {
  username: string;
  submitted: number;
  drafts: number;
  skipped: number;
  time_spent: number;
  [extra: string]: unknown;
}

export interface Progress {
  documents: number;
  done: number;
  by_status: Record<string, number>;
  annotators: AnnotatorProgress[];
}

export type Role = "owner" | "reviewer" | "annotator";

export interface Project {
  slug: string;
  name: string;
  guidelines: string;
  annotators_per_document: number;
  retrain_every: number;
  labels: Label[];
  /** Relation types (#21): which label a link starts from and points to. */
  relation_types?: RelationType[];
  role: Role;
  progress: Progress;
  created_at: string;
  /** For owners: what they should know about the install (e.g. a project too large for SQLite). */
  notices?: { code: string; message: string }[];
}

export interface Me {
  username: string;
  is_superuser: boolean;
  is_staff: boolean;
  /** Whether this user may create projects (setting PROJECT_CREATORS). */
  may_create_projects?: boolean;
  projects: { slug: string; name: string; role: Role }[];
}

export interface Member {
  username: string;
  role: Role;
}

/** The answer to adding a member: a member's role changed, or an invitation now waits. */
export interface MemberAdded extends Member {
  status: "member" | "invited";
}

export interface PendingInvitation extends Member {
  invited_by: string | null;
  created_at: string;
}

export interface Invitation {
  id: number;
  project: string;
  project_name: string;
  role: Role;
  invited_by: string | null;
  created_at: string;
}

export interface Suggestion {
  id: number;
  start: number;
  end: number;
  label: string;
  attrs: Record<string, unknown>;
  score: number;
}

/** A relation the model suggests between two of its span suggestions (by their ids). */
export interface RelationSuggestion {
  id: number;
  from_suggestion: number;
  to_suggestion: number;
  type: string;
  score: number;
}

export interface ModelRef {
  id: number;
  version: number;
}

export interface Doc {
  id: number;
  external_id: string;
  project: string;
  text: string;
  meta: Record<string, unknown>;
  created_at: string;
  model_version?: ModelRef | null;
  suggestions_stale?: boolean;
  suggestions_state?: SuggestionsState | null;
  suggestions?: Suggestion[];
  relation_suggestions?: RelationSuggestion[];
}

/** Why a document shows the suggestions it shows, or none (the API's suggestions_state). */
export type SuggestionsState = "ready" | "pending" | "no_model" | "excluded_trained_on_it" | "control";

export type Status = "draft" | "submitted" | "skipped";

export interface Annotation {
  document: number;
  status: Status;
  version: number;
  time_spent: number;
  rejected_suggestions: number[];
  rejected_relation_suggestions?: number[];
  spans: ApiSpan[];
  /** Links between spans, by index into `spans`. */
  relations?: ApiRelation[];
  submitted_at: string | null;
  updated_at: string;
  annotator?: string;
}

export interface Next {
  document: Doc | null;
  annotation: Annotation | null;
  model_version: ModelRef | null;
  suggestions: Suggestion[];
  relation_suggestions?: RelationSuggestion[];
  suggestions_stale: boolean;
  suggestions_state?: SuggestionsState | null;
  remaining: number;
}

export interface DocumentListItem {
  id: number;
  external_id: string;
  status: string;
  my_status: Status | null;
  assignees: { username: string; status: Status }[] | null;
  preview: string;
  length: number;
  created_at: string;
  unresolved_comments?: number;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface Job {
  id: number;
  kind: string;
  status: "queued" | "running" | "succeeded" | "failed";
  project: string | null;
  progress: { done: number; total: number; fraction: number };
  message: string;
  error: string;
  result: Record<string, unknown> | null;
  params: Record<string, unknown>;
  download_url: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface StaleSource {
  id: number;
  annotator: string;
  cited_version: number;
  current_version: number;
}

export interface Gold {
  document: number;
  version: number;
  spans: ApiSpan[];
  adjudicator?: string | null;
  stale?: boolean;
  stale_sources?: StaleSource[];
  [extra: string]: unknown;
}

export interface ModelVersion {
  id: number;
  version: number;
  status: string;
  metrics: Record<string, unknown>;
  training_documents: number;
  duration_seconds?: number | null;
  created_at?: string;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function cookie(name: string): string {
  const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

/** A person-readable message from any error body the API may send. */
function errorFrom(status: number, body: unknown): ApiError {
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    if (b.error && typeof b.error === "object") {
      const e = b.error as Record<string, unknown>;
      return new ApiError(status, String(e.code ?? status), String(e.message ?? "request failed"), e);
    }
    if (typeof b.detail === "string") return new ApiError(status, String(status), b.detail, b);
    const first = Object.entries(b)[0];
    if (first) return new ApiError(status, "invalid", `${first[0]}: ${JSON.stringify(first[1])}`, b);
  }
  return new ApiError(status, String(status), `the server answered ${status}`);
}

/** Hook the app sets to send the user to the login page on 401/403-not-logged-in. */
export const onUnauthenticated: { handler: (() => void) | null } = { handler: null };

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = cookie("csrftoken");
  const response = await fetch(path.startsWith("/") ? path : `/api/${path}`, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = errorFrom(response.status, parsed);
    if (response.status === 401 || (response.status === 403 && /credentials|authenticat/i.test(error.message))) {
      onUnauthenticated.handler?.();
    }
    throw error;
  }
  return parsed as T;
}

const q = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") s.set(k, String(v));
  const str = s.toString();
  return str ? `?${str}` : "";
};
const enc = encodeURIComponent;

export const api = {
  // --- auth
  me: () => request<Me>("GET", "auth/me/"),
  login: (username: string, password: string) => request<Me>("POST", "auth/login/", { username, password }),
  logout: () => request<void>("POST", "auth/logout/"),

  // --- projects and members
  projects: () => request<Page<Project> | Project[]>("GET", "projects/").then(list),
  project: (slug: string) => request<Project>("GET", `projects/${enc(slug)}/`),
  createProject: (body: Partial<Project>) => request<Project>("POST", "projects/", body),
  updateProject: (slug: string, body: Partial<Project>) => request<Project>("PATCH", `projects/${enc(slug)}/`, body),
  members: (slug: string) => request<Page<Member> | Member[]>("GET", `projects/${enc(slug)}/members/`).then(list),
  addMember: (slug: string, member: Member) => request<MemberAdded>("POST", `projects/${enc(slug)}/members/`, member),
  setRole: (slug: string, username: string, role: Role) =>
    request<Member>("PATCH", `projects/${enc(slug)}/members/${enc(username)}/`, { role }),
  removeMember: (slug: string, username: string) =>
    request<void>("DELETE", `projects/${enc(slug)}/members/${enc(username)}/`),
  projectInvitations: (slug: string) => request<PendingInvitation[]>("GET", `projects/${enc(slug)}/invitations/`),
  withdrawInvitation: (slug: string, username: string) =>
    request<void>("DELETE", `projects/${enc(slug)}/invitations/${enc(username)}/`),
  invitations: () => request<Invitation[]>("GET", "invitations/"),
  acceptInvitation: (id: number) => request<unknown>("POST", `invitations/${id}/accept/`),
  declineInvitation: (id: number) => request<void>("POST", `invitations/${id}/decline/`),

  // --- documents and the queue
  documents: (slug: string, params: Record<string, string | number | undefined> = {}) =>
    request<Page<DocumentListItem>>("GET", `projects/${enc(slug)}/documents/${q(params)}`),
  document: (id: number) => request<Doc>("GET", `documents/${id}/`),
  next: (slug: string) => request<Next>("GET", `projects/${enc(slug)}/next/`),

  // --- annotations
  mine: (id: number) => request<Annotation>("GET", `documents/${id}/annotations/mine/`),
  saveMine: (
    id: number,
    body: { spans: ApiSpan[]; relations?: ApiRelation[]; status?: Status; version: number; time_spent: number; rejected_suggestions: number[]; rejected_relation_suggestions?: number[] },
  ) => request<Annotation>("PUT", `documents/${id}/annotations/mine/`, body),
  annotations: (id: number) =>
    request<Page<Annotation> | Annotation[] | { annotations: Annotation[] }>("GET", `documents/${id}/annotations/`).then(
      (r) => ("annotations" in (r as object) ? (r as { annotations: Annotation[] }).annotations : list(r as Page<Annotation>)),
    ),
  gold: (id: number) => request<Gold>("GET", `documents/${id}/gold/`),
  saveGold: (
    id: number,
    body: {
      spans: ApiSpan[];
      version: number | null;
      source_annotation_ids: number[];
      source_versions?: Record<string, number>;
      relations?: { from: number; to: number; type: string }[];
    },
  ) =>
    request<Gold>("PUT", `documents/${id}/gold/`, body),

  // --- models, agreement, jobs
  models: (slug: string) =>
    request<Page<ModelVersion> | ModelVersion[]>("GET", `projects/${enc(slug)}/models/`).then(list),
  modelHelp: (slug: string, version: number) =>
    request<Record<string, unknown>>("GET", `projects/${enc(slug)}/models/${version}/help/`),
  modelEffort: (slug: string) => request<Record<string, unknown>>("GET", `projects/${enc(slug)}/models/effort/`),
  agreementDocuments: (slug: string) =>
    request<Record<string, unknown>[] | Page<Record<string, unknown>>>("GET", `projects/${enc(slug)}/agreement/documents/`).then(list),
  train: (slug: string) => request<Job>("POST", `projects/${enc(slug)}/models/train/`, {}),
  trainingJob: (slug: string) => request<{ job: Job | null }>("GET", `projects/${enc(slug)}/models/training/`),
  promote: (slug: string, version: number) =>
    request<{ promotion: { kind: string; from_version: number | null; to_version: number }; refresh_job: number | null }>("POST", `projects/${enc(slug)}/models/${version}/promote/`, {}),
  agreement: (slug: string) => request<Record<string, unknown>>("GET", `projects/${enc(slug)}/agreement/`),
  job: (id: number) => request<Job>("GET", `jobs/${id}/`),
  /** An export as a job (202 with the job; its download_url serves the file when done). */
  exportJob: (slug: string, format: string, source: string) =>
    request<Job>("GET", `projects/${enc(slug)}/export/${q({ format, source, async: 1 })}`),
  exportUrl: (slug: string, format: string, source: string) => `/api/projects/${enc(slug)}/export/${q({ format, source })}`,

  /** Upload with progress (fetch cannot report upload progress; XMLHttpRequest can). */
  upload(
    slug: string,
    file: File,
    options: { format?: string; as_annotator?: string; as_gold?: boolean },
    onProgress: (fraction: number) => void,
  ): Promise<Job> {
    return new Promise((resolve, reject) => {
      const form = new FormData();
      form.append("file", file);
      if (options.format) form.append("format", options.format);
      if (options.as_annotator) form.append("as_annotator", options.as_annotator);
      if (options.as_gold) form.append("as_gold", "true");
      const xhr = new XMLHttpRequest();
      xhr.open("POST", `/api/projects/${enc(slug)}/imports/`);
      xhr.setRequestHeader("X-CSRFToken", cookie("csrftoken"));
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => {
        let body: unknown = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = null;
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(body as Job);
        else reject(errorFrom(xhr.status, body));
      };
      xhr.onerror = () => reject(new ApiError(0, "network", "the upload failed (network)"));
      xhr.send(form);
    });
  },
};

function list<T>(r: Page<T> | T[]): T[] {
  return Array.isArray(r) ? r : r.results;
}

/** Every page of a paginated list. */
export async function all<T>(first: Page<T>): Promise<T[]> {
  const items = [...first.results];
  let next = first.next;
  while (next) {
    const url = new URL(next, location.origin);
    const page = await request<Page<T>>("GET", url.pathname + url.search);
    items.push(...page.results);
    next = page.next;
  }
  return items;
}
