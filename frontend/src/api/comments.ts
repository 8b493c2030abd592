/** The comment threads of a document (documents/{id}/comments/); offsets are code points. */
import { request } from "./client";

export interface Reply {
  id: number;
  author: string;
  body: string;
  created_at: string;
}

export interface Thread {
  id: number;
  author: string;
  annotator: string | null;
  body: string;
  start: number | null;
  end: number | null;
  quote: string | null;
  resolved: boolean;
  resolved_by: string | null;
  resolved_at: string | null;
  created_at: string;
  replies: Reply[];
}

export interface NewComment {
  body: string;
  reply_to?: number;
  start?: number;
  end?: number;
  annotator?: string;
}

export const comments = {
  list: (doc: number) =>
    request<{ document: number; unresolved: number; threads: Thread[] }>("GET", `documents/${doc}/comments/`),
  add: (doc: number, body: NewComment) => request<Thread>("POST", `documents/${doc}/comments/`, body),
  resolve: (doc: number, thread: number, resolved: boolean) =>
    request<Thread>("PATCH", `documents/${doc}/comments/${thread}/`, { resolved }),
};
