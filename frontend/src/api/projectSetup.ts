/** The calls behind creating, duplicating, deleting and restoring projects (issue 19). */
import { request, type Label, type Project, type RelationType } from "./client";

export interface DeletedProject {
  slug: string;
  name: string;
  deleted_at: string;
  undo_until: string;
}

export interface ProjectTemplate {
  key: string;
  name: string;
  description: string;
  labels: Label[];
  relation_types: RelationType[];
  guidelines: string;
  annotators_per_document: number;
  retrain_every: number;
}

const enc = encodeURIComponent;

export const projectSetup = {
  create: (body: Record<string, unknown>) => request<Project>("POST", "projects/", body),
  duplicate: (slug: string, body: { slug: string; name?: string }) => request<Project>("POST", `projects/${enc(slug)}/duplicate/`, body),
  remove: (slug: string) => request<{ deleted: string; undo_until: string }>("DELETE", `projects/${enc(slug)}/`),
  restore: (slug: string) => request<{ restored: string }>("POST", `projects/${enc(slug)}/restore/`),
  deleted: () => request<DeletedProject[]>("GET", "deleted-projects/"),
  templates: () => request<ProjectTemplate[]>("GET", "project-templates/"),
};
