"""The agreement report, from plain data: documents with each annotator's submitted spans.

Conventions (the defaults of the contract; docs/agreement.md explains them, and the report
carries them in its "conventions" object):

- Missing data: an annotator absent from a document's `annotations` never submitted it
  (unassigned, draft or skipped) and is missing data for that document. A submitted
  annotation with no spans is an empty annotation: every token "O".
- Span F1 (exact and overlap, see `span_f1`) and Cohen's kappa are pairwise: each pair of
  annotators on the documents both submitted. With more than two annotators the reported
  value is the unweighted mean over the pairs whose value is defined; every pair is also
  given under "per_pair". Macro F1 averages over labels at least one annotator used.
- Token measures (Cohen, Fleiss, Krippendorff's alpha) use `annotator.agreement.tokens`:
  the shared tokenizer, a token takes every label covering one of its characters (two
  labels make a combined category), "O" is a category, B and I are not told apart.
  Per label they are computed again on "has this label / has not".
- Fleiss' kappa uses the documents every annotator submitted; Krippendorff's alpha uses all
  of them, with missing values; alpha_u (see `unitizing`) uses the documents every annotator
  submitted, on characters, per label, overall 1 - sum D_o / sum D_e.
- A measure that is 0/0 is null. Every figure carries its "items" (spans for F1, tokens for
  the token measures, pairable tokens for alpha, characters for alpha_u) and "documents".
- Confidence intervals: `bootstrap`.
- Relation F1 (`relation_f1`): a relation matches when both end spans match exactly and the
  type is equal (`relation_f1_overlap`: the ends overlap instead); pairwise as span F1, and
  each annotator against the gold of the documents that have one (`relation_f1_vs_gold`),
  `per_label` keyed by relation type. A submitted annotation without relations is an empty
  list of them.

The work is in three steps: `prepare` turns the plain data into one immutable structure,
each module of `measures` computes one figure from it (with the bootstrap's shared draw),
and `agreement_report` only assembles them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from annotator.agreement.attributes import attribute_agreement
from annotator.agreement.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED, Bootstrap
from annotator.agreement.documents import document_detail, document_table
from annotator.agreement.measures.alpha_u import alpha_u_figure
from annotator.agreement.measures.cohen import cohen_figure
from annotator.agreement.measures.fleiss import fleiss_figure
from annotator.agreement.measures.krippendorff import krippendorff_figure
from annotator.agreement.measures.span_f1 import label_groups, span_f1_figure
from annotator.agreement.prepare import AnnotatedDocument, prepare
from annotator.agreement.relation_f1 import relation_f1_against_gold, relation_f1_figure
from annotator.agreement.relation_links import LinkedRelation

CONVENTIONS: dict[str, Any] = {
    "tokenizer": "annotator.tokenize: runs of letters/digits/combining marks, or one other non-space character",
    "token_label": "a token takes the label of every span covering at least one of its characters",
    "overlapping_labels": "a token under spans of two labels gets the combined category, e.g. LOCATION|PERPETRATOR",
    "no_label_category": "O (a category like the others)",
    "bio": "B and I are not told apart",
    "missing": "a document an annotator did not submit (unassigned, draft, skipped) is missing data for them; "
    "a submitted document with no spans is every token O",
    "pairwise": "span F1 and Cohen's kappa: each pair on the documents both submitted; the value is the mean over "
    "pairs whose value is defined",
    "overlap_match": "one-to-one, same label, at least one shared character, largest overlap first",
    "macro": "mean over labels at least one annotator used",
    "per_label_token_measures": "the measure again on has-this-label / has-not",
    "fleiss_kappa_documents": "documents every annotator submitted",
    "krippendorff_alpha_documents": "all documents, unsubmitted ones missing",
    "alpha_u": "characters, per label, documents every annotator submitted laid end to end (sections cut at "
    "document borders); overall 1 - sum D_o / sum D_e",
    "undefined": "a 0/0 measure is null",
    "attributes": "annotators who marked the same span (exact match); a blank attribute is a value of its own",
    "relation_match": "relation_f1: both end spans match exactly (start, end, label) and the type is equal; "
    "relation_f1_overlap: same type, each end overlaps the other's (same label), one to one",
}


def agreement_report(
    documents: Sequence[AnnotatedDocument],
    *,
    labels: Sequence[str],
    annotators: Sequence[str] | None = None,
    attributes: Mapping[str, Sequence[str]] | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    relations: Sequence[Mapping[str, Sequence[LinkedRelation]]] | None = None,
    relation_types: Sequence[str] = (),
    gold_relations: Sequence[Sequence[LinkedRelation] | None] | None = None,
) -> dict[str, Any]:
    """The contract's agreement report for `documents` (see the module docstring for the
    conventions). `annotators` defaults to everyone who submitted something; `attributes`
    maps a label to the attribute names to compare among annotators who marked the same span.
    `relations` gives, per document (in the order of `documents`), each submitting
    annotator's relations (None: nobody linked anything); `gold_relations` the gold's
    relations per document, None where the document has no gold."""
    prepared = prepare(documents, labels=labels, annotators=annotators)
    bootstrap = Bootstrap.draw(len(prepared.documents), resamples=resamples, seed=seed)
    groups = label_groups(prepared)  # shared by both span F1 figures
    linked = relations if relations is not None else [{who: [] for who in d.annotations} for d in documents]
    gold = gold_relations if gold_relations is not None else [None] * len(documents)
    return {
        "annotators": list(prepared.annotators),
        "documents": len(documents),
        "labels": list(prepared.labels),
        "categories": list(prepared.categories),
        "span_f1_exact": span_f1_figure(prepared, bootstrap, "exact", groups),
        "span_f1_overlap": span_f1_figure(prepared, bootstrap, "overlap", groups),
        "cohen_kappa": cohen_figure(prepared, bootstrap),
        "fleiss_kappa": fleiss_figure(prepared, bootstrap),
        "krippendorff_alpha": krippendorff_figure(prepared, bootstrap),
        "alpha_u": alpha_u_figure(prepared, bootstrap),
        "relation_f1": relation_f1_figure(
            linked, annotators=prepared.annotators, types=relation_types, bootstrap=bootstrap, match="exact"
        ),
        "relation_f1_overlap": relation_f1_figure(
            linked, annotators=prepared.annotators, types=relation_types, bootstrap=bootstrap, match="overlap"
        ),
        "relation_f1_vs_gold": {
            "exact": relation_f1_against_gold(
                linked, gold, annotators=prepared.annotators, types=relation_types, bootstrap=bootstrap, match="exact"
            ),
            "overlap": relation_f1_against_gold(
                linked, gold, annotators=prepared.annotators, types=relation_types, bootstrap=bootstrap, match="overlap"
            ),
        },
        "attributes": attribute_agreement(
            [d.annotations for d in documents], attributes or {}, weights=bootstrap.weights
        ),
        "conventions": {
            **CONVENTIONS,
            "bootstrap": {
                "method": "percentile bootstrap over documents",
                "resamples": resamples,
                "seed": seed,
                "confidence": 0.95,
            },
        },
    }


__all__ = ["CONVENTIONS", "AnnotatedDocument", "agreement_report", "document_detail", "document_table"]
