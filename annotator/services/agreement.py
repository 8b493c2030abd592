"""The agreement report of a project: loads submitted annotations (documents x annotators)
from the database into the pure `annotator.agreement` module, which does every computation.

One service for the command (`manage.py agreement`), the API (`projects/{slug}/agreement/`)
and the per-document table and drill-down, so the figures are the same wherever they are read.

The report is stored (`AgreementReport`) with the fingerprint of what it was computed from
(`fingerprint`: the project's data version, its label set and its current model). The API
serves the stored report while the fingerprint is unchanged; otherwise `request_report`
queues an agreement job and a worker computes it (`run_agreement_job`). The computing
modules need NumPy, which a web process never imports: they are imported inside the
functions that compute, never at the top of this module.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from annotator import sql
from annotator.agreement.defaults import DEFAULT_RESAMPLES, DEFAULT_SEED
from annotator.agreement.span_f1 import span_f1
from annotator.exceptions import NotFound
from annotator.formats.csv_safety import safe_row
from annotator.jobs import broker
from annotator.jobs.records import create_job, project_of, report_progress
from annotator.models import (
    AgreementReport,
    Annotation,
    Document,
    Gold,
    GoldSpan,
    Job,
    ModelVersion,
    Project,
    RelationType,
    Span,
    Suggestion,
)
from annotator.services.control import suggestions_comparison
from annotator.spans import Span as SpanValue

if TYPE_CHECKING:
    from annotator.agreement.prepare import AnnotatedDocument
    from annotator.agreement.relation_links import LinkedRelation


def _label_names(project: Project) -> list[str]:
    return list(project.labels.order_by("order", "name").values_list("name", flat=True))


def _attributes(project: Project) -> dict[str, list[str]]:
    """label -> its attribute names, for labels that have any (the casualty count's)."""
    return {label.name: list(label.attributes) for label in project.labels.all() if label.attributes}


def _live_documents(project: Project) -> Any:
    return Document.objects.live().filter(project=project)


_SUBMITTED_SQL = sql.statement(
    """
SELECT a.id, a.document_id, u.username FROM annotator_annotation a
JOIN annotator_document d ON d.id = a.document_id JOIN auth_user u ON u.id = a.annotator_id
WHERE d.project_id = %s AND {live:d} AND a.status = %s
"""
)
_SUBMITTED_SPANS_SQL = sql.statement(
    """
SELECT s.annotation_id, s.start, s."end", s.label, s.attrs FROM annotator_span s
JOIN annotator_annotation a ON a.id = s.annotation_id JOIN annotator_document d ON d.id = a.document_id
WHERE d.project_id = %s AND {live:d} AND a.status = %s
"""
)
_SUBMITTED_TEXTS_SQL = sql.statement(
    """
SELECT d.id, d.text FROM annotator_document d
WHERE d.project_id = %s AND {live:d}
  AND EXISTS (SELECT 1 FROM annotator_annotation a WHERE a.document_id = d.id AND a.status = %s)
"""
)


_SPAN_ORDER = attrgetter("start", "end", "label")


def _attrs(value: Any) -> dict[str, Any]:
    """A span's attrs as the cursor gives them (JSON text; most are "{}", not worth parsing)."""
    if not value or value == "{}":
        return {}
    return json.loads(value) if isinstance(value, str) else dict(value)


_SUBMITTED_RELATIONS_SQL = sql.statement(
    """
SELECT a.document_id, u.username, s.start, s."end", s.label, t.start, t."end", t.label, r.type
FROM annotator_relation r JOIN annotator_annotation a ON a.id = r.annotation_id
JOIN annotator_document d ON d.id = a.document_id JOIN auth_user u ON u.id = a.annotator_id
JOIN annotator_span s ON s.id = r.source_id JOIN annotator_span t ON t.id = r.target_id
WHERE d.project_id = %s AND {live:d} AND a.status = %s
"""
)
_GOLD_RELATIONS_SQL = sql.statement(
    """
SELECT g.document_id, s.start, s."end", s.label, t.start, t."end", t.label, r.type
FROM annotator_goldrelation r JOIN annotator_gold g ON g.id = r.gold_id
JOIN annotator_document d ON d.id = g.document_id
JOIN annotator_goldspan s ON s.id = r.source_id JOIN annotator_goldspan t ON t.id = r.target_id
WHERE d.project_id = %s AND {live:d}
"""
)


def _linked(row: tuple[Any, ...]) -> LinkedRelation:
    from annotator.agreement.relation_links import LinkedRelation

    a, b, c, d, e, f, kind = row
    return LinkedRelation(SpanValue(a, b, c), SpanValue(d, e, f), kind)


def load_relations(
    *, project: Project, documents: list[AnnotatedDocument]
) -> tuple[list[dict[str, list[LinkedRelation]]], list[list[LinkedRelation] | None]]:
    """The relations of `documents` for the report: per document, each submitting annotator's
    relations, and the gold's (None where the document has no gold). One query for the
    annotators' relations of the whole project, one for the gold's, one for which documents
    have gold: never a query per document."""
    status = Annotation.Status.SUBMITTED.value
    by_annotator: dict[tuple[int, str], list[LinkedRelation]] = {}
    for document_id, username, *link in sql.rows(_SUBMITTED_RELATIONS_SQL, [project.pk, status]):
        by_annotator.setdefault((document_id, username), []).append(_linked(tuple(link)))
    gold: dict[int, list[LinkedRelation]] = {
        document_id: []
        for document_id in Gold.objects.filter(document__project=project).values_list("document_id", flat=True)
    }
    for document_id, *link in sql.rows(_GOLD_RELATIONS_SQL, [project.pk]):
        gold.setdefault(document_id, []).append(_linked(tuple(link)))
    annotators = [{who: by_annotator.get((int(d.id), who), []) for who in d.annotations} for d in documents]
    return annotators, [gold.get(int(d.id)) for d in documents]


def _relation_types(project: Project) -> list[str]:
    return list(RelationType.objects.filter(project=project).order_by("order", "name").values_list("name", flat=True))


def _load_project(project: Project) -> list[AnnotatedDocument]:
    """Every submitted annotation of the project's live documents in three plain queries (one
    a table, each read as it streams), not through the ORM, whose conversions cost more than
    the queries at half a million spans."""
    from annotator.agreement.prepare import AnnotatedDocument

    status = Annotation.Status.SUBMITTED.value
    owners: dict[int, list[SpanValue]] = {}
    by_document: dict[int, dict[str, list[SpanValue]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_SUBMITTED_SQL, [project.pk, status])
        for annotation_id, document_id, username in cursor:
            spans: list[SpanValue] = []
            owners[annotation_id] = spans
            by_document.setdefault(document_id, {})[username] = spans
        cursor.execute(_SUBMITTED_SPANS_SQL, [project.pk, status])
        for annotation_id, start, end, label, attrs in cursor:
            found = owners.get(annotation_id)
            if found is not None:
                found.append(SpanValue(start, end, label, _attrs(attrs)))
        cursor.execute(_SUBMITTED_TEXTS_SQL, [project.pk, status])
        texts = dict(cursor.fetchall())
    for spans in owners.values():
        spans.sort(key=_SPAN_ORDER)  # the ORM's order (SpanFields' ordering), which the figures follow
    return [
        AnnotatedDocument(str(document_id), texts[document_id], by_document[document_id])
        for document_id in sorted(by_document)
        if document_id in texts
    ]


def load_annotated_documents(*, project: Project, document_ids: list[int] | None = None) -> list[AnnotatedDocument]:
    """Every live document with at least one submitted annotation, each with the spans of the
    annotators who submitted it (a draft or a skip is left out: missing data). The document's
    `id` is its database id as a string."""
    from annotator.agreement.prepare import AnnotatedDocument

    if document_ids is None:
        return _load_project(project)
    annotations = Annotation.objects.filter(
        document__project=project, document__deleted_at__isnull=True, status=Annotation.Status.SUBMITTED
    )
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
    model's span F1 against the gold ("vs_gold"), casualty-count attribute agreement and
    relation F1 (pairwise exact and overlap, and against the gold: `load_relations`).
    Computed here and now (NumPy: a worker or the command, never a web process)."""
    from annotator.agreement.report import agreement_report as compute_report

    documents = load_annotated_documents(project=project)
    relations, gold_relations = load_relations(project=project, documents=documents)
    report = compute_report(
        documents,
        labels=_label_names(project),
        attributes=_attributes(project),
        resamples=resamples,
        seed=seed,
        relations=relations,
        relation_types=_relation_types(project),
        gold_relations=gold_relations,
    )
    report["vs_gold"] = gold_scores(project=project, documents=documents)
    report["suggestions_comparison"] = suggestions_comparison(project=project, resamples=resamples, seed=seed)
    return report


# --- The stored report and its freshness -----------------------------------------------------


def fingerprint(project: Project) -> str:
    """What the report of the project depends on, in three small indexed reads: the data
    version (`bump_data_version`), the label set (names, order, attribute schemas) and the
    current model (whose suggestions are scored against the gold)."""
    version = Project.objects.filter(pk=project.pk).values_list("data_version", flat=True).first() or 0
    labels = list(project.labels.order_by("order", "name").values_list("name", "attributes"))
    current = (
        ModelVersion.objects.filter(project=project, status=ModelVersion.Status.CURRENT)
        .values_list("pk", flat=True)
        .first()
    )
    digest = hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).hexdigest()[:16]
    return f"data {version}, model {current or 0}, labels {digest}"


@dataclass(frozen=True)
class ReportState:
    """What the API answers: the stored report (None before the first one), whether it is
    fresh, and the job computing the fresh one when it is not."""

    report: dict[str, Any] | None
    fresh: bool
    job: Job | None = None
    computed_at: Any = None


def _stored(project: Project, resamples: int, seed: int) -> AgreementReport | None:
    return AgreementReport.objects.filter(project=project, resamples=resamples, seed=seed).first()


def _running(project: Project, resamples: int, seed: int, current: str) -> Job | None:
    """An agreement job already queued or running for the same settings and data."""
    active = Job.objects.filter(
        project=project, kind=Job.Kind.AGREEMENT, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).order_by("-pk")
    for job in active[:20]:
        params = job.params or {}
        if (params.get("resamples"), params.get("seed"), params.get("fingerprint")) == (resamples, seed, current):
            return job
    return None


def request_report(
    *, project: Project, user: User | None, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> ReportState:
    """The stored report if it is fresh; else the stored one (or None) flagged stale, with
    the agreement job that computes the fresh one (queued now unless one already is)."""
    current = fingerprint(project)
    stored = _stored(project, resamples, seed)
    if stored is not None and stored.fingerprint == current:
        return ReportState(stored.report, True, computed_at=stored.computed_at)
    job = _running(project, resamples, seed, current)
    if job is None:
        job = create_job(
            kind=Job.Kind.AGREEMENT,
            project=project,
            user=user,
            params={"resamples": resamples, "seed": seed, "fingerprint": current},
        )
        broker.enqueue(job)
        job.refresh_from_db()
        if job.status == Job.Status.SUCCEEDED:  # run in-process (eager Celery): the answer is there
            stored = _stored(project, resamples, seed)
            if stored is not None and stored.fingerprint == current:
                return ReportState(stored.report, True, computed_at=stored.computed_at)
    return ReportState(
        stored.report if stored else None, False, job, computed_at=stored.computed_at if stored else None
    )


def compute_and_store(
    *, project: Project, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED, job: Job | None = None
) -> AgreementReport:
    """Compute the report and store it with the fingerprint read *before* the data: a write
    that lands meanwhile moves the fingerprint on, so the stored report is never taken for
    fresher than the data it saw."""
    current = fingerprint(project)
    started = time.perf_counter()
    if job is not None:
        report_progress(job, 0, 2, "computing the agreement report")
    report = agreement_report(project=project, resamples=resamples, seed=seed)
    seconds = time.perf_counter() - started
    if job is not None:
        report_progress(job, 1, 2, "storing the report")
    stored, _ = AgreementReport.objects.update_or_create(
        project=project,
        resamples=resamples,
        seed=seed,
        defaults={"fingerprint": current, "report": report, "computed_at": timezone.now(), "seconds": seconds},
    )
    if job is not None:
        report_progress(job, 2, 2, "done")
    return stored


def run_agreement_job(*, job: Job) -> dict[str, Any]:
    """The worker's side of `request_report`: compute and store; the job's result says how
    long it took and what it stands on (the report itself is read from agreement/)."""
    params = job.params or {}
    stored = compute_and_store(
        project=project_of(job),
        resamples=int(params.get("resamples", DEFAULT_RESAMPLES)),
        seed=int(params.get("seed", DEFAULT_SEED)),
        job=job,
    )
    return {
        "fingerprint": stored.fingerprint,
        "documents": stored.report.get("documents", 0),
        "seconds": round(stored.seconds, 3),
    }


def report_for_command(*, project: Project, resamples: int, seed: int) -> dict[str, Any]:
    """The command's report: the stored one while fresh, else computed here (the command
    is no web process) and stored for the API."""
    stored = _stored(project, resamples, seed)
    if stored is not None and stored.fingerprint == fingerprint(project):
        return dict(stored.report)
    return dict(compute_and_store(project=project, resamples=resamples, seed=seed).report)


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
    from annotator.agreement.documents import document_table

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
    from annotator.agreement.documents import document_detail

    documents = load_annotated_documents(project=document.project, document_ids=[document.pk])
    if not documents:
        raise NotFound(f"nobody has submitted document {document.pk} yet")
    detail = document_detail(documents[0], labels=_label_names(document.project))
    detail.pop("id")
    return {"document": document.pk, "external_id": document.external_id, **detail}
