"""The agreement report of a project: loads submitted annotations (documents x annotators)
from the database into the pure `annotator.agreement` module, which does every computation.

One service for the command (`manage.py agreement`), the API (`projects/{slug}/agreement/`)
and the per-document table and drill-down, so the figures are the same wherever they are read.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from annotator.agreement.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
from annotator.agreement.report import AnnotatedDocument, document_detail, document_table
from annotator.agreement.report import agreement_report as compute_report
from annotator.agreement.span_f1 import span_f1
from annotator.exceptions import NotFound
from annotator.formats.csv_safety import safe_row
from annotator.models import Annotation, Document, Gold, GoldSpan, ModelVersion, Project, Span, Suggestion
from annotator.spans import Span as SpanValue


def _label_names(project: Project) -> list[str]:
    return list(project.labels.order_by("order", "name").values_list("name", flat=True))


def _attributes(project: Project) -> dict[str, list[str]]:
    """label -> its attribute names, for labels that have any (the casualty count's)."""
    return {label.name: list(label.attributes) for label in project.labels.all() if label.attributes}


def _live_documents(project: Project) -> Any:
    return Document.objects.live().filter(project=project)


def load_annotated_documents(*, project: Project, document_ids: list[int] | None = None) -> list[AnnotatedDocument]:
    """Every live document with at least one submitted annotation, each with the spans of the
    annotators who submitted it (a draft or a skip is left out: missing data). The document's
    `id` is its database id as a string."""
    annotations = Annotation.objects.filter(
        document__project=project, document__deleted_at__isnull=True, status=Annotation.Status.SUBMITTED
    )
    if document_ids is not None:
        annotations = annotations.filter(document_id__in=document_ids)
    owners: dict[int, tuple[int, str]] = {
        pk: (document_id, username)
        for pk, document_id, username in annotations.values_list("id", "document_id", "annotator__username")
    }
    by_document: dict[int, dict[str, list[SpanValue]]] = {}
    for document_id, username in owners.values():
        by_document.setdefault(document_id, {})[username] = []
    rows = Span.objects.filter(annotation__in=annotations).values_list(
        "annotation_id", "start", "end", "label", "attrs"
    )
    for annotation_id, start, end, label, attrs in rows.iterator(chunk_size=5000):
        document_id, username = owners[annotation_id]
        by_document[document_id][username].append(SpanValue(start, end, label, attrs or {}))
    texts = dict(_live_documents(project).filter(id__in=list(by_document)).values_list("id", "text"))
    return [
        AnnotatedDocument(str(document_id), texts[document_id], by_document[document_id])
        for document_id in sorted(by_document)
    ]


def agreement_report(
    *, project: Project, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """The contract's report for the project's label set, with each annotator's and the current
    model's span F1 against the gold ("vs_gold") and casualty-count attribute agreement."""
    documents = load_annotated_documents(project=project)
    report = compute_report(
        documents, labels=_label_names(project), attributes=_attributes(project), resamples=resamples, seed=seed
    )
    report["vs_gold"] = gold_scores(project=project, documents=documents)
    return report


def _gold_by_document(project: Project) -> dict[int, list[SpanValue]]:
    gold: dict[int, list[SpanValue]] = {}
    for document_id in Gold.objects.filter(document__project=project, document__deleted_at__isnull=True).values_list(
        "document_id", flat=True
    ):
        gold[document_id] = []
    rows = GoldSpan.objects.filter(gold__document_id__in=list(gold)).values_list(
        "gold__document_id", "start", "end", "label", "attrs"
    )
    for document_id, start, end, label, attrs in rows.iterator(chunk_size=5000):
        gold[document_id].append(SpanValue(start, end, label, attrs or {}))
    return gold


def _scores(reference: list[list[SpanValue]], predicted: list[list[SpanValue]], labels: list[str]) -> dict[str, Any]:
    exact = span_f1(reference, predicted, match="exact", labels=labels).as_dict()
    overlap = span_f1(reference, predicted, match="overlap", labels=labels).as_dict()
    return {"value": exact["value"], "documents": len(reference), "exact": exact, "overlap": overlap}


def gold_scores(*, project: Project, documents: list[AnnotatedDocument] | None = None) -> dict[str, Any]:
    """Span F1 (exact and overlap, per label) of each annotator against the gold, on the gold
    documents they submitted; and of the current model's suggestions on the gold documents
    it has suggestions for (the model is scored only where it was asked to predict)."""
    labels = _label_names(project)
    gold = _gold_by_document(project)
    if documents is None:
        documents = load_annotated_documents(project=project, document_ids=list(gold))
    per_annotator: dict[str, tuple[list[list[SpanValue]], list[list[SpanValue]]]] = {}
    for document in documents:
        reference = gold.get(int(document.id))
        if reference is None:
            continue
        for username, spans in document.annotations.items():
            refs, preds = per_annotator.setdefault(username, ([], []))
            refs.append(reference)
            preds.append(list(spans))
    model_entry: dict[str, Any] | None = None
    current = ModelVersion.objects.current_for(project)
    if current is not None:
        suggested: dict[int, list[SpanValue]] = {}
        rows = Suggestion.objects.filter(model_version=current, document_id__in=list(gold)).values_list(
            "document_id", "start", "end", "label", "attrs"
        )
        for document_id, start, end, label, attrs in rows.iterator(chunk_size=5000):
            suggested.setdefault(document_id, []).append(SpanValue(start, end, label, attrs or {}))
        ids = sorted(suggested)
        model_entry = {
            "version": current.version,
            **_scores([gold[i] for i in ids], [suggested[i] for i in ids], labels),
        }
    return {
        "documents": len(gold),
        "per_annotator": {
            username: _scores(refs, preds, labels) for username, (refs, preds) in sorted(per_annotator.items())
        },
        "model": model_entry,
    }


def documents_table(*, project: Project) -> list[dict[str, Any]]:
    """The per-document table (see `annotator.agreement.report.document_table`), each row with
    the document's database id and external id."""
    documents = load_annotated_documents(project=project)
    external = dict(
        _live_documents(project).filter(id__in=[int(d.id) for d in documents]).values_list("id", "external_id")
    )
    table = []
    for row in document_table(documents, labels=_label_names(project)):
        figures: dict[str, Any] = dict(row)
        document_id = int(figures.pop("id"))
        table.append({"document": document_id, "external_id": external[document_id], **figures})
    return table


CSV_COLUMNS = [
    "document",
    "external_id",
    "annotators",
    "missing",
    "tokens",
    "span_f1_exact",
    "span_f1_overlap",
    "cohen_kappa",
    "krippendorff_alpha",
    "alpha_u",
    "disagreements",
]


def documents_table_csv(*, project: Project) -> str:
    """The per-document table as CSV: one row per document, annotators joined by ";", an empty
    cell for an undefined figure, then one column per disagreement kind and per annotator's span count."""
    rows = documents_table(project=project)
    kinds = sorted({kind for row in rows for kind in row["disagreements_by_kind"]})
    annotators = sorted({name for row in rows for name in row["spans"]})
    out = io.StringIO()
    writer = csv.writer(out)
    header = [*CSV_COLUMNS, *(f"disagreements_{k}" for k in kinds), *(f"spans_{a}" for a in annotators)]
    writer.writerow(safe_row(header))
    for row in rows:
        cells = []
        for column in CSV_COLUMNS:
            value = row[column]
            cells.append(";".join(value) if isinstance(value, list) else "" if value is None else value)
        cells += [row["disagreements_by_kind"].get(k, 0) for k in kinds]
        cells += [row["spans"].get(a, "") for a in annotators]
        writer.writerow(safe_row(cells))  # external ids and user names are anyone's text
    return out.getvalue()


def document_drilldown(*, document: Document) -> dict[str, Any]:
    """One document's row of the table, each annotator's spans, the agreed spans and the
    disagreeing ones by kind. `NotFound` if nobody submitted it."""
    documents = load_annotated_documents(project=document.project, document_ids=[document.pk])
    if not documents:
        raise NotFound(f"nobody has submitted document {document.pk} yet")
    detail = document_detail(documents[0], labels=_label_names(document.project))
    detail.pop("id")
    return {"document": document.pk, "external_id": document.external_id, **detail}
