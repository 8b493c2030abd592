"""The per-document table and a document's drill-down, from the same preparation and the
same per-document measures as the report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

from annotator.agreement.compare import KINDS, compare_annotations
from annotator.agreement.figures import defined
from annotator.agreement.measures.alpha_u import document_alpha_u
from annotator.agreement.measures.cohen import document_cohen
from annotator.agreement.measures.krippendorff import document_alpha
from annotator.agreement.measures.span_f1 import document_span_f1
from annotator.agreement.prepare import AnnotatedDocument, Prepared, PreparedDocument, prepare


class DocumentRow(TypedDict):
    id: str
    annotators: list[str]
    missing: list[str]
    spans: dict[str, int]
    tokens: int
    span_f1_exact: float | None
    span_f1_overlap: float | None
    cohen_kappa: float | None
    krippendorff_alpha: float | None
    alpha_u: float | None
    disagreements: int
    disagreements_by_kind: dict[str, int]


def _row(prepared: Prepared, doc: PreparedDocument) -> DocumentRow:
    document = doc.source
    present = list(doc.present)
    comparison = compare_annotations({a: document.annotations[a] for a in present})
    by_kind = dict.fromkeys(KINDS, 0)
    for item in comparison.disagreements:
        by_kind[item.kind] += 1
    return {
        "id": document.id,
        "annotators": present,
        "missing": [a for a in prepared.annotators if a not in doc.present],
        "spans": {a: len(document.annotations[a]) for a in present},
        "tokens": doc.tokens,
        "span_f1_exact": defined(document_span_f1(doc, "exact")),
        "span_f1_overlap": defined(document_span_f1(doc, "overlap")),
        "cohen_kappa": defined(document_cohen(prepared, doc)),
        "krippendorff_alpha": defined(document_alpha(doc)),
        "alpha_u": defined(document_alpha_u(prepared, doc)),
        "disagreements": sum(n for kind, n in by_kind.items() if kind != "attributes"),
        "disagreements_by_kind": by_kind,
    }


def document_table(
    documents: Sequence[AnnotatedDocument], *, labels: Sequence[str], annotators: Sequence[str] | None = None
) -> list[DocumentRow]:
    """The per-document table: per document, who submitted (and who is missing), span counts,
    the document's own pairwise F1 and Cohen's kappa (means over its pairs), Krippendorff's
    alpha and alpha_u over the annotators who submitted it, and its disagreements by kind."""
    prepared = prepare(documents, labels=labels, annotators=annotators)
    return [_row(prepared, doc) for doc in prepared.documents]


def document_detail(document: AnnotatedDocument, *, labels: Sequence[str]) -> dict[str, Any]:
    """A document's drill-down: its table row, each annotator's spans and the comparison
    (agreed spans, disagreements by kind, majority pre-fill)."""
    prepared = prepare([document], labels=labels)
    return {
        **_row(prepared, prepared.documents[0]),
        "spans_by_annotator": {
            who: [span.as_dict() for span in sorted(spans)] for who, spans in sorted(document.annotations.items())
        },
        "comparison": compare_annotations(document.annotations).as_dict(),
    }
