"""Exporting documents with the spans of one source, streamed in chunks.

Every export is a generator over chunked queries (`_CHUNK` rows at a time, spans fetched
per chunk), so memory stays flat however large the project; the writer turns records into
text (or bytes) chunks as they come. Source and filters are checked when `export` is
called, before the first chunk, so a caller can still answer 400 instead of a broken
stream.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Iterator
from typing import Any, Literal, TypedDict, Unpack

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from annotator.exceptions import AnnotatorError
from annotator.formats import Record
from annotator.formats.registry import export_format
from annotator.models import (
    Annotation,
    Document,
    Gold,
    GoldRelation,
    GoldSpan,
    ModelVersion,
    Project,
    Relation,
    Span,
    Suggestion,
)
from annotator.services.comments import export_threads

SOURCES = ("gold", "all", "model", "annotator:<username>", "documents")
STATUSES = tuple(Annotation.Status.values)
_CHUNK = 500

DateLike = dt.datetime | dt.date | str | None


def _documents(project: Project) -> Any:
    return Document.objects.live().filter(project=project)


def _moment(value: DateLike, name: str) -> dt.datetime | None:
    """A filter bound as an aware datetime; a date alone means its midnight."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        parsed: dt.datetime | dt.date | None = parse_datetime(value)
        if parsed is None:
            parsed = parse_date(value)
        if parsed is None:
            raise AnnotatorError(f"{name}: {value!r} is not a date (YYYY-MM-DD) or date-time (ISO 8601)", field=name)
        value = parsed
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    try:
        value.astimezone(dt.UTC)  # the database compares in UTC: 0001-01-01T00:00+01:00 has no UTC time
    except OverflowError:
        raise AnnotatorError(f"{name}: {value.isoformat()} is out of range in UTC", field=name) from None
    return value


def _statuses(status: str | Collection[str] | None) -> list[str]:
    if status is None or status == "":
        return [Annotation.Status.SUBMITTED]
    wanted = [s.strip() for s in status.split(",")] if isinstance(status, str) else list(status)
    unknown = [s for s in wanted if s not in STATUSES]
    if unknown or not wanted:
        raise AnnotatorError(
            f"status: {', '.join(map(repr, unknown)) or 'nothing'} is not a status (known: {', '.join(STATUSES)})",
            field="status",
        )
    return wanted


def _dated(
    queryset: QuerySet[Any], *, submitted_field: str, updated_field: str, bounds: dict[str, dt.datetime | None]
) -> QuerySet[Any]:
    """`since` is inclusive, `until` exclusive."""
    lookups = {
        "submitted_since": f"{submitted_field}__gte",
        "submitted_until": f"{submitted_field}__lt",
        "updated_since": f"{updated_field}__gte",
        "updated_until": f"{updated_field}__lt",
    }
    filters = {lookups[name]: value for name, value in bounds.items() if value is not None}
    return queryset.filter(**filters) if filters else queryset


def _check_source(source: str) -> None:
    if not (source in ("gold", "all", "model", "documents") or source.startswith("annotator:")):
        raise AnnotatorError(f"unknown source {source!r} (known: {', '.join(SOURCES)})", field="source")
    if source.startswith("annotator:") and not source.split(":", 1)[1].strip():
        raise AnnotatorError("source 'annotator:' needs a user name: annotator:USERNAME", field="source")


class ExportFilters(TypedDict, total=False):
    """What an export may be narrowed to (see `export_records`); every key is optional."""

    status: str | Collection[str] | None
    submitted_since: DateLike
    submitted_until: DateLike
    updated_since: DateLike
    updated_until: DateLike
    limit: int | None


_BOUNDS: tuple[Literal["submitted_since", "submitted_until", "updated_since", "updated_until"], ...] = (
    "submitted_since",
    "submitted_until",
    "updated_since",
    "updated_until",
)


def _checked_filters(source: str, filters: ExportFilters) -> tuple[list[str], dict[str, dt.datetime | None]]:
    unknown = sorted(set(filters) - set(ExportFilters.__annotations__))
    if unknown:
        raise AnnotatorError(f"unknown export filter {unknown[0]!r}", field=unknown[0])
    _check_source(source)
    status, limit = filters.get("status"), filters.get("limit")
    bounds: dict[str, dt.datetime | None] = {name: _moment(filters.get(name), name) for name in _BOUNDS}
    annotator_source = source == "all" or source.startswith("annotator:")
    if status not in (None, "") and not annotator_source:
        raise AnnotatorError(
            "status filters annotators' work: use it with source all or annotator:USER", field="status"
        )
    if any(bounds.values()) and source not in ("gold", "all") and not annotator_source:
        raise AnnotatorError(
            "date filters apply to the gold and to annotators' work (sources gold, all, annotator:USER)",
            field="source",
        )
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise AnnotatorError(f"limit must be a whole number of at least 1, not {limit!r}", field="limit")
    return _statuses(status), bounds


def export_records(*, project: Project, source: str, **filters: Unpack[ExportFilters]) -> Iterator[Record]:
    """Records of `source`: gold | all | model | annotator:USERNAME | documents (texts only).

    `all` gives one record per annotation (document and annotator), by document then
    annotator. `status` (annotator sources; one status, a comma-separated list or a list;
    default submitted) picks annotations by status. Date bounds (datetimes, dates or ISO
    strings; `since` inclusive, `until` exclusive; naive ones are UTC) filter annotations
    by `submitted_at` / `updated_at` and the gold by when it was last saved (both bounds).
    `limit` stops after that many records.
    """
    statuses, bounds = _checked_filters(source, filters)
    return _records(project=project, source=source, statuses=statuses, bounds=bounds, limit=filters.get("limit"))


def _document_pages(project: Project) -> Iterator[list[int]]:
    """The ids of the project's live documents, ascending, `_CHUNK` at a time: keyset paging
    on the document id (each page one indexed range read that stops at `_CHUNK`, never an
    OFFSET), whatever the depth. Every source pages by these, then reads its rows (gold,
    annotations, suggestions) of a page's documents: paging over `document__in=<subquery>`
    had SQLite list the whole project again for each page."""
    last = 0
    while True:
        ids = list(_documents(project).filter(id__gt=last).order_by("id").values_list("id", flat=True)[:_CHUNK])
        if ids:
            yield ids
        if len(ids) < _CHUNK:
            return
        last = ids[-1]


def _spans_by(
    spans: QuerySet[Any], parent: str, ids: list[Any], *, with_score: bool = False
) -> dict[Any, list[dict[str, Any]]]:
    """The spans of a page of parents (annotations, golds or documents), in offset order.
    Plain tuples, not model instances: building 100,000s of instances is most of an
    export's time otherwise."""
    fields = [parent, "start", "end", "label", "raw_attrs", *(["score"] if with_score else [])]
    grouped: dict[Any, list[dict[str, Any]]] = {}
    # attrs as text, decoded here only when not empty: most spans have none.
    rows = (
        spans.filter(**{f"{parent}__in": ids})
        .annotate(raw_attrs=Cast("attrs", TextField()))
        .order_by(parent, "start", "end", "label")
        .values_list(*fields)
    )
    for row in rows:
        raw = row[4]
        attrs = json.loads(raw) if raw and raw not in ("{}", "null") else {}
        span = {"start": row[1], "end": row[2], "label": row[3], "attrs": attrs}
        if with_score:
            span["score"] = round(row[5], 4)
        grouped.setdefault(row[0], []).append(span)
    return grouped


def _relations_by(
    relations: QuerySet[Any], parent: str, ids: list[Any], spans: dict[Any, list[dict[str, Any]]]
) -> dict[Any, list[dict[str, Any]]]:
    """The relations of a page of parents by index into their spans (as `_spans_by` lists
    them); a parent without relations has no entry, so its record is written as before."""
    rows = (
        relations.filter(**{f"{parent}__in": ids})
        .order_by(parent, "id")
        .values_list(
            parent,
            "source__start",
            "source__end",
            "source__label",
            "target__start",
            "target__end",
            "target__label",
            "type",
        )
    )
    grouped: dict[Any, list[dict[str, Any]]] = {}
    places: dict[Any, dict[tuple[int, int, str], int]] = {}
    for owner, *ends, kind in rows:
        if owner not in places:
            places[owner] = {(s["start"], s["end"], s["label"]): i for i, s in enumerate(spans.get(owner, []))}
        place = places[owner]
        source, target = place.get(tuple(ends[:3])), place.get(tuple(ends[3:]))
        if source is not None and target is not None:
            grouped.setdefault(owner, []).append({"from": source, "to": target, "type": kind})
    return grouped


def _with_comments(records: Iterator[Record], project: Project) -> Iterator[Record]:
    """The records with their documents' comment threads (`Record.comments`), read a page of
    `_CHUNK` documents at a time. An annotator's record carries that annotator's threads
    only (blind annotation: theirs to see); gold, model and document records carry all."""
    page: list[Record] = []

    def flush() -> Iterator[Record]:
        ids = dict(
            Document.objects.filter(project=project, external_id__in={r.id for r in page}).values_list(
                "external_id", "id"
            )
        )
        threads = export_threads(document_ids=ids.values())
        for record in page:
            found = threads.get(ids.get(record.id or "", 0), [])
            per_annotator = record.annotator not in (None, "gold", "model")
            chosen = [t for owner, t in found if not per_annotator or owner == record.annotator]
            record.comments = chosen or None
            yield record
        page.clear()

    for record in records:
        page.append(record)
        if len(page) >= _CHUNK:
            yield from flush()
    if page:
        yield from flush()


def _records(
    *, project: Project, source: str, statuses: list[str], bounds: dict[str, dt.datetime | None], limit: int | None
) -> Iterator[Record]:
    records = _with_comments(
        _unlimited_records(project=project, source=source, statuses=statuses, bounds=bounds), project
    )
    for count, record in enumerate(records, start=1):
        yield record
        if limit and count >= limit:
            return


def _unlimited_records(
    *, project: Project, source: str, statuses: list[str], bounds: dict[str, dt.datetime | None]
) -> Iterator[Record]:
    doc_fields = ("id", "external_id", "text", "meta")
    if source == "documents":
        last = 0
        while True:  # keyset pages of the documents themselves: one indexed query a page
            page = list(_documents(project).filter(id__gt=last).order_by("id").values_list(*doc_fields)[:_CHUNK])
            for _, external_id, text, meta in page:
                yield Record(text=text, id=external_id, meta=meta)
            if len(page) < _CHUNK:
                return
            last = page[-1][0]
    elif source == "gold":
        golds = _dated(Gold.objects.all(), submitted_field="updated_at", updated_field="updated_at", bounds=bounds)
        for doc_ids in _document_pages(project):
            rows = list(
                golds.filter(document_id__in=doc_ids)
                .order_by("document_id")
                .values_list("id", "document__external_id", "document__text", "document__meta")
            )
            spans = _spans_by(GoldSpan.objects.all(), "gold_id", [row[0] for row in rows])
            relations = _relations_by(GoldRelation.objects.all(), "gold_id", [row[0] for row in rows], spans)
            for gold_id, external_id, text, meta in rows:
                yield Record(
                    text=text,
                    id=external_id,
                    meta=meta,
                    spans=spans.get(gold_id, []),
                    annotator="gold",
                    relations=relations.get(gold_id),
                )
    elif source == "all" or source.startswith("annotator:"):
        annotations = Annotation.objects.filter(status__in=statuses)
        if source != "all":
            annotations = annotations.filter(annotator__username=source.split(":", 1)[1])
        annotations = _dated(annotations, submitted_field="submitted_at", updated_field="updated_at", bounds=bounds)
        for doc_ids in _document_pages(project):
            rows = list(
                annotations.filter(document_id__in=doc_ids)
                .order_by("document_id", "annotator__username")
                .values_list("id", "annotator__username", "document__external_id", "document__text", "document__meta")
            )
            spans = _spans_by(Span.objects.all(), "annotation_id", [row[0] for row in rows])
            relations = _relations_by(Relation.objects.all(), "annotation_id", [row[0] for row in rows], spans)
            for annotation_id, username, external_id, text, meta in rows:
                yield Record(
                    text=text,
                    id=external_id,
                    meta=meta,
                    spans=spans.get(annotation_id, []),
                    annotator=username,
                    relations=relations.get(annotation_id),
                )
    elif source == "model":
        current = ModelVersion.objects.current_for(project)
        if current is None:
            return
        for doc_ids in _document_pages(project):
            spans = _spans_by(Suggestion.objects.filter(model_version=current), "document_id", doc_ids, with_score=True)
            for doc_id, external_id, text, meta in (
                Document.objects.filter(id__in=list(spans)).order_by("id").values_list(*doc_fields)
            ):
                yield Record(
                    text=text,
                    id=external_id,
                    meta=meta,
                    spans=spans.get(doc_id, []),
                    annotator="model",
                    model_version=str(current.version),
                )


def export(
    *,
    project: Project,
    source: str,
    fmt: str,
    on_loss: Callable[[str], None] | None = None,
    **filters: Unpack[ExportFilters],
) -> Iterator[str] | Iterator[bytes]:
    """The export as chunks (str, or bytes for the binary formats spacy and txt: see
    `annotator.formats.registry.export_format(fmt)` for the media type and extension), for
    a file or a streaming HTTP response. Format, source and filters are checked now.
    `on_loss` hears of records a format could not hold whole (CoNLL: overlapping spans)."""
    spec = export_format(fmt)
    labels = list(project.labels.values_list("name", flat=True)) if spec.takes_labels else None
    relations = spec.takes_relations and (
        Relation.objects.filter(annotation__document__project=project).exists()
        or GoldRelation.objects.filter(gold__document__project=project).exists()
    )
    records = export_records(project=project, source=source, **filters)
    return spec.write(records, on_loss=on_loss, labels=labels, relations=relations)
