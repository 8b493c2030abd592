/**
 * A project's settings as the create and settings forms edit them: attributes as rows with
 * a type, choices and bounds instead of a JSON schema. The rules themselves (names, hotkeys,
 * bounds) are the server's (annotator/services/projects.py `label_rows` and
 * `relation_type_rows`): these functions
 * only convert, suggest a slug and say early what the slug's form must be.
 */
import type { AttributeRule, Label, Project, RelationType } from "../api/client";

export type AttrType = "integer" | "choice" | "text" | "boolean";

export interface AttrDraft {
  name: string;
  type: AttrType;
  /** One choice a line (choice attributes). */
  choices: string;
  /** Whole numbers as typed, "" for no bound (integer attributes). */
  min: string;
  max: string;
}

export interface LabelDraft {
  name: string;
  colour: string;
  hotkey: string;
  attributes: AttrDraft[];
}

/** A relation type as a form row: its ends are label names picked from the draft's labels. */
export interface RelationTypeDraft {
  name: string;
  source: string;
  target: string;
  hotkey: string;
}

export interface ProjectDraft {
  name: string;
  slug: string;
  guidelines: string;
  annotators_per_document: number;
  retrain_every: number;
  labels: LabelDraft[];
  relation_types: RelationTypeDraft[];
}

export const PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e"];

export function emptyDraft(): ProjectDraft {
  return { name: "", slug: "", guidelines: "", annotators_per_document: 1, retrain_every: 10, labels: [newLabel(0)], relation_types: [] };
}

/** A new relation type row, from the first label to the second where there are two. */
export function newRelationType(labels: LabelDraft[]): RelationTypeDraft {
  const names = labelNames(labels);
  return { name: "", source: names[0] ?? "", target: names[1] ?? names[0] ?? "", hotkey: "" };
}

/** The draft's label names a relation type may link (named ones, as they will be sent). */
export function labelNames(labels: LabelDraft[]): string[] {
  return labels.map((l) => l.name.trim()).filter((n) => n);
}

export function relationTypeDrafts(kinds: RelationType[] | undefined): RelationTypeDraft[] {
  return (kinds ?? []).map((k) => ({ name: k.name, source: k.source, target: k.target, hotkey: k.hotkey ?? "" }));
}

/** The relation types as the API takes them (the server checks names, ends and hotkeys). */
export function relationTypesForApi(kinds: RelationTypeDraft[]): RelationType[] {
  return kinds.map((k) => ({ name: k.name.trim(), source: k.source, target: k.target, hotkey: k.hotkey.trim() }));
}

export function newLabel(index: number): LabelDraft {
  return { name: "", colour: PALETTE[index % PALETTE.length], hotkey: "", attributes: [] };
}

export function newAttribute(): AttrDraft {
  return { name: "", type: "text", choices: "", min: "", max: "" };
}

function attrDraft(name: string, rule: AttributeRule): AttrDraft {
  return {
    name,
    type: rule.type ?? "text",
    choices: (rule.choices ?? []).join("\n"),
    min: rule.min === undefined ? "" : String(rule.min),
    max: rule.max === undefined ? "" : String(rule.max),
  };
}

export function labelDrafts(labels: Label[]): LabelDraft[] {
  return labels.map((l) => ({
    name: l.name,
    colour: l.colour,
    hotkey: l.hotkey ?? "",
    attributes: Object.entries(l.attributes ?? {}).map(([name, rule]) => attrDraft(name, rule)),
  }));
}

export function draftFrom(
  p: Pick<Project, "name" | "slug" | "guidelines" | "annotators_per_document" | "retrain_every" | "labels" | "relation_types">,
): ProjectDraft {
  return {
    name: p.name,
    slug: p.slug,
    guidelines: p.guidelines,
    annotators_per_document: p.annotators_per_document,
    retrain_every: p.retrain_every,
    labels: labelDrafts(p.labels),
    relation_types: relationTypeDrafts(p.relation_types),
  };
}

/** A bound as the API takes it: a whole number, or the text as typed so the server names it. */
function bound(raw: string): number | string {
  const n = Number(raw.trim());
  return raw.trim() !== "" && Number.isInteger(n) ? n : raw;
}

export function ruleOf(a: AttrDraft): AttributeRule {
  const rule: AttributeRule = { type: a.type };
  if (a.type === "choice") {
    // Blank lines are dropped; a choice is otherwise kept as typed (spans store it so).
    rule.choices = a.choices.split("\n").filter((c) => c.trim());
  }
  if (a.type === "integer") {
    if (a.min.trim() !== "") rule.min = bound(a.min) as number;
    if (a.max.trim() !== "") rule.max = bound(a.max) as number;
  }
  return rule;
}

/**
 * What the server cannot be told: an attribute name given twice in one label (a JSON object
 * keeps only one). "" when there is nothing.
 */
export function draftProblem(d: ProjectDraft): string {
  for (const l of d.labels) {
    const names = l.attributes.map((a) => a.name.trim());
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) return `label ${l.name}: attribute '${twice}' is given twice`;
  }
  return "";
}

/** The label set as the API takes it (check `draftProblem` first). */
export function labelsForApi(labels: LabelDraft[]): Label[] {
  return labels.map((l) => ({
    name: l.name.trim(),
    colour: l.colour,
    hotkey: l.hotkey,
    attributes: Object.fromEntries(l.attributes.map((a) => [a.name.trim(), ruleOf(a)])),
  }));
}

export function projectForApi(d: ProjectDraft) {
  return {
    name: d.name,
    guidelines: d.guidelines,
    annotators_per_document: d.annotators_per_document,
    retrain_every: d.retrain_every,
    labels: labelsForApi(d.labels),
    relation_types: relationTypesForApi(d.relation_types),
  };
}

/** A slug suggested from a project's name: accents dropped, other signs turned into "-". */
export function suggestSlug(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
  return slug;
}

const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** What is wrong with a slug's form, said before the server is asked ("" when nothing). */
export function slugProblem(slug: string): string {
  if (!slug) return "a project needs a slug";
  if (!SLUG.test(slug)) return "lower-case letters, digits, - and _ only, starting with a letter or digit, at most 64";
  if (slug === "new") return "“new” is the create page's own address; choose another";
  return "";
}

/** The label row an API error points at (`path` like labels[2].hotkey), or -1. */
export function labelIndexOf(details: Record<string, unknown> | undefined): number {
  const path = typeof details?.path === "string" ? details.path : "";
  const found = /^labels\[(\d+)\]/.exec(path);
  return found ? Number(found[1]) : -1;
}
