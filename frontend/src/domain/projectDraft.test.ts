import { describe, expect, it } from "vitest";
import type { Label } from "../api/client";
import { draftFrom, draftProblem, emptyDraft, labelIndexOf, labelsForApi, newRelationType, projectForApi, slugProblem, suggestSlug } from "./projectDraft";

describe("project drafts", () => {
  it("round-trips relation types through the form rows and sends them with the project", () => {
    const labels: Label[] = [
      { name: "BLESSÉS", colour: "#d62728", hotkey: "b", attributes: {} },
      { name: "AUTEUR", colour: "#1f77b4", hotkey: "a", attributes: {} },
    ];
    const relation_types = [{ name: "PAR_É", source: "BLESSÉS", target: "AUTEUR", hotkey: "p" }];
    const draft = draftFrom({ name: "x", slug: "x", guidelines: "", annotators_per_document: 1, retrain_every: 1, labels, relation_types });
    expect(draft.relation_types).toEqual(relation_types);
    draft.relation_types.push({ name: " À ", source: "AUTEUR", target: "BLESSÉS", hotkey: "" });
    expect(projectForApi(draft).relation_types).toEqual([...relation_types, { name: "À", source: "AUTEUR", target: "BLESSÉS", hotkey: "" }]);
  });

  it("starts a new relation type from the first label to the second, and a project read without them has none", () => {
    const draft = emptyDraft();
    draft.labels = [{ name: " ZOÉ ", colour: "#000000", hotkey: "", attributes: [] }, { name: "", colour: "#000000", hotkey: "", attributes: [] }, { name: "LIEU", colour: "#000000", hotkey: "", attributes: [] }];
    expect(newRelationType(draft.labels)).toEqual({ name: "", source: "ZOÉ", target: "LIEU", hotkey: "" });
    expect(projectForApi(emptyDraft()).relation_types).toEqual([]);
    const read = draftFrom({ name: "x", slug: "x", guidelines: "", annotators_per_document: 1, retrain_every: 1, labels: [] });
    expect(read.relation_types).toEqual([]);
  });

  it("round-trips a label set through the form rows", () => {
    const labels: Label[] = [
      {
        name: "CASUALTY_COUNT",
        colour: "#d62728",
        hotkey: "c",
        attributes: {
          value: { type: "integer", min: 0, max: 500 },
          status: { type: "choice", choices: ["killed", "blessés", "في"] },
          note: { type: "text" },
        },
      },
      { name: "موقع", colour: "#2ca02c", hotkey: "", attributes: {} },
    ];
    const draft = draftFrom({ name: "x", slug: "x", guidelines: "", annotators_per_document: 1, retrain_every: 1, labels });
    expect(draft.labels[0].attributes[1].choices).toBe("killed\nblessés\nفي");
    expect(labelsForApi(draft.labels)).toEqual(labels);
  });

  it("sends a bound that is not a whole number as typed, for the server to name", () => {
    const [label] = labelsForApi([{ name: "A", colour: "#000000", hotkey: "", attributes: [{ name: "n", type: "integer", choices: "", min: "1.5", max: "" }] }]);
    expect(label.attributes.n).toEqual({ type: "integer", min: "1.5" });
  });

  it("suggests a slug from any name", () => {
    expect(suggestSlug("Les secours à Alep 🚑 2016")).toBe("les-secours-a-alep-2016");
    expect(suggestSlug("في حلب")).toBe("");
    expect(slugProblem("les-secours")).toBe("");
    expect(slugProblem("Alep")).not.toBe("");
    expect(slugProblem("new")).not.toBe("");
  });

  it("says when an attribute name is given twice, which JSON could not carry", () => {
    const draft = draftFrom({ name: "x", slug: "x", guidelines: "", annotators_per_document: 1, retrain_every: 1, labels: [] });
    const attr = { name: "n", type: "text" as const, choices: "", min: "", max: "" };
    draft.labels = [{ name: "A", colour: "#000000", hotkey: "", attributes: [attr, { ...attr }] }];
    expect(draftProblem(draft)).toBe("label A: attribute 'n' is given twice");
    draft.labels[0].attributes[1].name = "m";
    expect(draftProblem(draft)).toBe("");
  });

  it("finds the label an error points at", () => {
    expect(labelIndexOf({ path: "labels[2].attributes.n.max" })).toBe(2);
    expect(labelIndexOf({ field: "slug" })).toBe(-1);
  });
});
