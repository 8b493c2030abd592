/**
 * The document browser's calls: the documents list with its browser filters (keyset pages)
 * and the owners' bulk actions. Kept beside client.ts, on its `request`.
 */
import { request, type DocumentListItem } from "./client";

export interface BrowserRow extends DocumentListItem {
  model_uncertainty: number | null;
  deleted_at: string | null;
}

export interface BrowserPage {
  count: number | null;
  next: string | null;
  results: BrowserRow[];
}

export type BulkAction = "delete" | "restore" | "requeue";

export interface BulkResult {
  action: BulkAction;
  documents: number;
  annotations_discarded: number;
  undo_until: string | null;
}

export type Filters = Record<string, string>;

/** The filters as query parameters: empty ones left out (the API refuses `?x=`). */
export function given(filters: Filters): Filters {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== ""));
}

export function browse(slug: string, filters: Filters, cursor: string, pageSize = 50): Promise<BrowserPage> {
  const params = new URLSearchParams({ ...given(filters), cursor, page_size: String(pageSize) });
  return request<BrowserPage>("GET", `projects/${encodeURIComponent(slug)}/documents/?${params}`);
}

/** The cursor in a page's `next` link. */
export function cursorOf(next: string | null): string | null {
  return next ? new URL(next, "http://localhost").searchParams.get("cursor") : null;
}

export function bulk(
  slug: string,
  action: BulkAction,
  target: { ids: number[] } | { filters: Filters },
): Promise<BulkResult> {
  return request<BulkResult>("POST", `projects/${encodeURIComponent(slug)}/documents/bulk/`, { action, ...target });
}
