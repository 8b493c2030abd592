"""Importing documents, and annotators' or gold annotations of them: all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from annotator.exceptions import AnnotatorError, FormatError
from annotator.formats import Record
from annotator.models import Annotation, Document, Gold, GoldSpan, Membership, Project, Role, Span
from annotator.models.documents import content_hash
from annotator.services.data_version import bump_data_version
from annotator.services.users import RESERVED_NAMES, get_or_create_annotator
from annotator.spans import check_spans

GOLD = "gold"
_CHUNK = 500
ProgressCallback = Callable[[int, int], None]


@dataclass
class ImportReport:
    """What an import stored and what it passed over."""

    created: int = 0
    annotations: int = 0
    gold: int = 0
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "annotations": self.annotations, "gold": self.gold, "skipped": self.skipped}

    def summary(self) -> str:
        parts = [f"{self.created} documents created"]
        if self.annotations:
            parts.append(f"{self.annotations} annotations stored")
        if self.gold:
            parts.append(f"{self.gold} gold annotations stored")
        if self.skipped:
            parts.append(f"{len(self.skipped)} already in the project, skipped")
        return ", ".join(parts)


@dataclass
class _Line:
    record: Record
    target: str | None  # a username, GOLD, or None for a document alone
    spans: list[dict[str, Any]] = field(default_factory=list)
    document: Document | None = None


def _target_of(record: Record, *, as_annotator: str | None, as_gold: bool) -> str | None:
    if as_gold:
        return GOLD
    if as_annotator:
        return as_annotator
    if record.annotator == "model":
        raise FormatError("'annotator': model predictions cannot be imported as annotations", line=record.line)
    return record.annotator


def _chunks(items: list[Any], size: int = _CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def import_documents(
    *,
    project: Project,
    records: Iterable[Record],
    as_annotator: str | None = None,
    as_gold: bool = False,
    create_annotators: bool = False,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Store the records' documents and, where a line belongs to an annotator (or the gold),
    its spans as that annotator's submitted annotation.

    A line's document is matched by external id, else by identical text, else created.
    A plain line whose document is already there is reported and skipped. Every line is
    read and checked before anything is written, and the writes are one transaction: a
    bad line stores nothing and the error names it.

    Annotations are written only under the names of the project's members, unless
    `create_annotators` (the command line's `--as-annotator`, run by whoever runs the
    server): then a missing user is created with no usable password and made an annotator
    of the project. Through the API an import never creates an account and never writes as
    someone who has not joined the project.
    """
    if as_gold and as_annotator:
        raise AnnotatorError("give --as-annotator or --as-gold, not both")
    if as_annotator in RESERVED_NAMES:
        raise AnnotatorError(f"{as_annotator!r} is reserved and cannot be an annotator's name", field="annotator")
    labels = project.label_schemas()
    lines: list[_Line] = []
    for record in records:
        if len(lines) >= settings.MAX_IMPORT_ROWS:
            raise AnnotatorError(
                f"more than {settings.MAX_IMPORT_ROWS} documents in one import (MAX_IMPORT_ROWS); split the file"
            )
        target = _target_of(record, as_annotator=as_annotator, as_gold=as_gold)
        if record.spans is not None and target is None:
            raise FormatError(
                "the line has spans but no annotator: give 'annotator' on the line, "
                "or import with --as-annotator USER or --as-gold",
                line=record.line,
            )
        spans = record.spans or []
        check_spans(record.text, spans, labels, line=record.line)
        lines.append(_Line(record, target, spans))
    if not create_annotators:
        _check_members(project, lines)
    report = ImportReport()
    total = len(lines)
    with transaction.atomic():
        _match_or_create_documents(project, lines, report)
        if on_progress:
            on_progress(total // 2, total)
        _store_annotations(project, [line for line in lines if line.target], report, create_annotators)
        if any(line.target for line in lines):  # annotations or gold: what the agreement report reads
            bump_data_version(project.pk)
        if on_progress:
            on_progress(total, total)
    return report


def _check_members(project: Project, lines: list[_Line]) -> None:
    """Every annotator a line names must be a member of the project already. The message is
    the same whether or not such an account exists, so an import cannot probe user names."""
    names = {line.target for line in lines if line.target not in (None, GOLD)}
    members = set(
        Membership.objects.filter(project=project, user__username__in=names).values_list("user__username", flat=True)
    )
    for line in lines:
        if line.target not in (None, GOLD) and line.target not in members:
            raise FormatError(
                f"'annotator': {line.target!r} is not a member of project {project.slug}; an import writes "
                "only as the project's members (add them to the project first)",
                line=line.record.line,
            )


def _match_or_create_documents(project: Project, lines: list[_Line], report: ImportReport) -> None:
    hashes = {id(line): content_hash(line.record.text) for line in lines}
    wanted_ids = {line.record.id or hashes[id(line)][:16] for line in lines}
    by_id: dict[str, Document] = {}
    by_hash: dict[str, Document] = {}
    for chunk in _chunks(sorted(wanted_ids)):
        for known in Document.objects.filter(project=project, external_id__in=chunk).only(
            "id", "external_id", "content_hash"
        ):
            by_id[known.external_id] = known
    for chunk in _chunks(sorted(set(hashes.values()))):
        for known in Document.objects.filter(project=project, content_hash__in=chunk).only(
            "id", "external_id", "content_hash"
        ):
            by_hash.setdefault(known.content_hash, known)
    new_docs: list[Document] = []
    for line in lines:
        record, digest = line.record, hashes[id(line)]
        doc = by_id.get(record.id) if record.id else None
        if doc is not None and doc.content_hash != digest:
            raise FormatError(f"id {record.id!r} is already in the project with a different text", line=record.line)
        how = "id"
        if doc is None:
            doc, how = by_hash.get(digest), "text"
        if doc is None:
            external_id = record.id or digest[:16]
            if external_id in by_id:  # a derived id that some other text already uses
                external_id = digest
            doc = Document(project=project, external_id=external_id, text=record.text, meta=record.meta)
            doc.content_hash = digest  # bulk_create skips save(), which sets it
            new_docs.append(doc)
            by_id[external_id] = doc
            by_hash[digest] = doc
        elif line.target is None:
            report.skipped.append(f"line {record.line}: already in the project as {doc.external_id!r} (same {how})")
        line.document = doc
    for chunk in _chunks(new_docs, 1000):
        Document.objects.bulk_create(chunk)
    report.created = len(new_docs)


def _store_annotations(project: Project, lines: list[_Line], report: ImportReport, create_annotators: bool) -> None:
    seen: dict[tuple[int, str], int] = {}
    for line in lines:
        assert line.document is not None and line.target is not None
        key = (line.document.pk, line.target)
        if key in seen:
            raise FormatError(
                f"document {line.document.external_id!r} is annotated by {line.target} again "
                f"(first on line {seen[key]})",
                line=line.record.line,
            )
        seen[key] = line.record.line
    gold_lines = [line for line in lines if line.target == GOLD]
    if gold_lines:
        _store_gold(gold_lines)
        report.gold = len(gold_lines)
    by_user: dict[str, list[_Line]] = {}
    for line in lines:
        if line.target != GOLD:
            by_user.setdefault(line.target or "", []).append(line)
    for username, user_lines in by_user.items():
        if create_annotators:
            user = get_or_create_annotator(username)
            Membership.objects.get_or_create(project=project, user=user, defaults={"role": Role.ANNOTATOR})
        else:  # a member, checked by _check_members before anything was written
            user = User.objects.get(username=username, memberships__project=project)
        _store_user_annotations(user, user_lines)
        report.annotations += len(user_lines)


def _store_user_annotations(user: Any, lines: list[_Line]) -> None:
    now = timezone.now()

    def refresh(annotation: Annotation) -> None:
        annotation.status = Annotation.Status.SUBMITTED
        annotation.version += 1
        annotation.submitted_at = now

    _store_with_spans(
        lines,
        model=Annotation,
        owned_by={"annotator": user},
        refresh=refresh,
        refreshed_fields=["status", "version", "submitted_at"],
        new=lambda document: Annotation(
            document=document, annotator=user, status=Annotation.Status.SUBMITTED, submitted_at=now
        ),
        span_model=Span,
        parent_field="annotation",
    )


def _store_gold(lines: list[_Line]) -> None:
    def refresh(gold: Gold) -> None:
        gold.version += 1
        gold.origin = "imported"
        gold.adjudicator = None

    _store_with_spans(
        lines,
        model=Gold,
        owned_by={},
        refresh=refresh,
        refreshed_fields=["version", "origin", "adjudicator"],
        new=lambda document: Gold(document=document, origin="imported"),
        span_model=GoldSpan,
        parent_field="gold",
    )
    # An imported gold was adjudicated from nothing here: it cites no annotations (and so is
    # never stale for an edit of one).
    doc_ids = [line.document.pk for line in lines if line.document]
    for chunk in _chunks(doc_ids):
        Gold.source_annotations.through.objects.filter(gold__document_id__in=chunk).delete()
        Gold.objects.filter(document_id__in=chunk).exclude(source_versions={}).update(source_versions={})


def _store_with_spans(
    lines: list[_Line],
    *,
    model: type[Annotation] | type[Gold],
    owned_by: dict[str, Any],
    refresh: Callable[[Any], None],
    refreshed_fields: list[str],
    new: Callable[[Document], Any],
    span_model: type[Any],
    parent_field: str,
) -> None:
    """Each line's spans replace those of its document's `model` row (the user's annotation,
    `owned_by` that user, or the gold): rows already there are refreshed (a new version)
    and lose their old spans; missing rows are created. In bulk, inside the import's
    transaction."""
    doc_ids = [line.document.pk for line in lines if line.document]
    rows: dict[int, Any] = {}
    for chunk in _chunks(doc_ids):
        for row in model.objects.filter(**owned_by, document_id__in=chunk):
            rows[row.document_id] = row
    span_model.objects.filter(**{f"{parent_field}__in": list(rows.values())}).delete()
    for row in rows.values():
        refresh(row)
    model.objects.bulk_update(list(rows.values()), refreshed_fields, batch_size=500)
    created = [new(line.document) for line in lines if line.document and line.document.pk not in rows]
    model.objects.bulk_create(created, batch_size=500)
    for row in created:
        rows[row.document_id] = row
    spans = [
        span_model(**{parent_field: rows[line.document.pk]}, **_span_fields(span))
        for line in lines
        if line.document
        for span in line.spans
    ]
    span_model.objects.bulk_create(spans, batch_size=1000)


def _span_fields(span: dict[str, Any]) -> dict[str, Any]:
    return {"start": span["start"], "end": span["end"], "label": span["label"], "attrs": span.get("attrs") or {}}
