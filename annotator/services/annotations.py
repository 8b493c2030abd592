"""Saving an annotator's own annotation of a document, with a version check.

The save is a compare-and-swap on `Annotation.version`: ``UPDATE ... SET version =
version + 1 WHERE id = ? AND version = expected``. Two tabs (or two machines) saving from
the same version: the first wins, the second gets `StaleVersion` with the current version
and nothing of it is written. Spans are checked with `annotator.spans` against the
project's label set before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from annotator import sql
from annotator.exceptions import AnnotatorError, Conflict, InvalidSpans, NotFound, SpanProblem, StaleVersion
from annotator.models import HOLDS_SLOT, Annotation, Document, Label, Project, RelationSuggestion, Span, Suggestion
from annotator.models.projects import label_schemas_of
from annotator.relations import check_relations
from annotator.services import queue, training
from annotator.services import relations as relation_store
from annotator.services.data_version import bump_data_version
from annotator.services.locks import lock_document
from annotator.spans import check_spans

STATUSES = tuple(Annotation.Status.values)

# Every save runs these, so they are plain SQL (see annotator.sql). The swap is the
# compare-and-swap of the module docstring; NULL parameters leave a column as it was.
_LABELS_SQL = "SELECT * FROM annotator_label WHERE project_id = %s"
_MINE_SQL = "SELECT * FROM annotator_annotation WHERE document_id = %s AND annotator_id = %s"
_SWAP_SQL = """
UPDATE annotator_annotation SET version = version + 1, status = %s, updated_at = %s,
  submitted_at = CASE WHEN %s THEN %s ELSE submitted_at END,
  time_spent = COALESCE(%s, time_spent),
  rejected_suggestions = COALESCE(%s, rejected_suggestions),
  rejected_relation_suggestions = COALESCE(%s, rejected_relation_suggestions)
WHERE id = %s AND version = %s
"""
_VERSION_SQL = "SELECT version FROM annotator_annotation WHERE id = %s"
_DELETE_SPANS_SQL = "DELETE FROM annotator_span WHERE annotation_id = %s"
_INSERT_SPAN_SQL = """
INSERT INTO annotator_span (annotation_id, start, "end", label, attrs, origin, suggestion_id)
VALUES (%s, %s, %s, %s, %s, %s, %s)
"""
_SPANS_SQL = 'SELECT * FROM annotator_span WHERE annotation_id = %s ORDER BY start, "end", label, id'


def _label_schemas(project: Project) -> dict[str, dict[str, Any]]:
    """`Project.label_schemas` in one plain query."""
    return label_schemas_of(sql.instances(Label, _LABELS_SQL, [project.pk]))


def my_annotation(*, document: Document, user: User) -> Annotation:
    """The caller's annotation of `document`; NotFound if it was never assigned to them."""
    annotation = Annotation.objects.filter(document=document, annotator=user).prefetch_related("spans").first()
    if annotation is None:
        raise NotFound(f"document {document.pk} is not assigned to you; ask for work with next/")
    return annotation


def _check_suggestion_refs(document: Document, spans: Sequence[Mapping[str, Any]], rejected: Sequence[Any]) -> None:
    """A span's origin is a known one, and every suggestion an annotation names was made
    for this document (so the model's help can be measured honestly)."""
    origins = set(Span.Origin.values)
    bad_origin = [
        SpanProblem(i, dict(s), f"origin {s.get('origin')!r}: one of {', '.join(sorted(origins))}")
        for i, s in enumerate(spans)
        if s.get("origin") is not None and (not isinstance(s.get("origin"), str) or s.get("origin") not in origins)
    ]
    if bad_origin:
        raise InvalidSpans(bad_origin)
    # Any: the ids as sent, checked just below.
    wanted: set[Any] = {s.get("suggestion") for s in spans if s.get("suggestion") is not None} | set(rejected)
    bad_type = [ref for ref in wanted if isinstance(ref, bool) or not isinstance(ref, int)]
    if bad_type:
        raise AnnotatorError(f"suggestion ids are whole numbers, not {bad_type[0]!r}", field="suggestion")
    if not wanted:
        return
    known = set(Suggestion.objects.filter(document=document, pk__in=wanted).values_list("pk", flat=True))
    problems = [
        SpanProblem(i, dict(s), f"suggestion {s['suggestion']} was not made for document {document.pk}")
        for i, s in enumerate(spans)
        if s.get("suggestion") is not None and s["suggestion"] not in known
    ]
    if problems:
        raise InvalidSpans(problems)
    unknown = sorted(set(rejected) - known)
    if unknown:
        raise AnnotatorError(
            f"rejected_suggestions: suggestion {unknown[0]} was not made for document {document.pk}",
            field="rejected_suggestions",
        )


def _check_relation_suggestion_refs(document: Document, rejected: Sequence[Any]) -> None:
    """Every relation suggestion an annotation rejects was made for this document."""
    if any(isinstance(ref, bool) or not isinstance(ref, int) for ref in rejected):
        raise AnnotatorError("relation suggestion ids are whole numbers", field="rejected_relation_suggestions")
    known = set(RelationSuggestion.objects.filter(document=document, pk__in=rejected).values_list("pk", flat=True))
    unknown = sorted(set(rejected) - known)
    if unknown:
        raise AnnotatorError(
            f"rejected_relation_suggestions: relation suggestion {unknown[0]} was not made for document {document.pk}",
            field="rejected_relation_suggestions",
        )


def save_my_annotation(
    *,
    document: Document,
    user: User,
    spans: Sequence[Mapping[str, Any]],
    status: str | None,
    expected_version: int,
    time_spent: float | None = None,
    rejected_suggestions: Sequence[int] | None = None,
    relations: Sequence[Mapping[str, Any]] | None = None,
    rejected_relation_suggestions: Sequence[int] | None = None,
) -> Annotation:
    """Replace the caller's spans of `document` and set its status, if `expected_version`
    is still the stored version. Returns the annotation at its new version.

    `spans` are dicts with start, end, label and optional attrs, origin (manual |
    suggestion_accepted | suggestion_edited) and suggestion (a Suggestion id of this
    document). `time_spent` is the total active seconds so far (not an increment), so a
    retried request cannot count time twice. `status` None keeps the stored one, so editing
    a submitted annotation keeps it submitted (only an explicit draft withdraws it).
    Raises NotFound (not assigned), InvalidSpans (each bad span and why), StaleVersion
    (someone saved first) or Conflict (a skipped document whose slot went to someone else
    cannot be taken back).

    `relations` (``{"from", "to", "type"}``, indices into `spans`) replace the stored ones;
    None keeps each stored relation whose two ends are still among `spans` (a client that
    knows nothing of relations loses none by saving, except those of a span it removed).
    A saved relation whose two spans name their suggestions, joined by a relation suggestion
    of the same type, is that suggestion accepted (`services.model_help` counts it);
    `rejected_relation_suggestions` (ids of this document's) replaces the stored list, None
    keeps it.
    """
    if status is not None and status not in STATUSES:
        raise AnnotatorError(f"status {status!r}: one of {', '.join(STATUSES)}", field="status")
    if time_spent is not None and not (0 <= time_spent < 10**7):
        raise AnnotatorError("time_spent is a number of seconds, at least 0", field="time_spent")
    rejected = list(rejected_suggestions or [])
    project = document.project
    checked = check_spans(document.text, spans, _label_schemas(project))
    del checked  # valid; the given dicts (with origin and suggestion) are what is stored
    if relations is not None:
        check_relations(spans, relations, relation_store.rules_of(project))
    _check_suggestion_refs(document, spans, rejected)
    rejected_links = list(rejected_relation_suggestions or [])
    if rejected_links:
        _check_relation_suggestion_refs(document, rejected_links)
    now = timezone.now()
    with transaction.atomic():
        annotation = sql.instance(Annotation, _MINE_SQL, [document.pk, user.pk])
        if annotation is None:
            raise NotFound(f"document {document.pk} is not assigned to you; ask for work with next/")
        if status is None:
            status = annotation.status
        if annotation.status == Annotation.Status.SKIPPED and status in HOLDS_SLOT:
            _take_back_slot(document, annotation)
        moves_slot = (annotation.status in HOLDS_SLOT) != (status in HOLDS_SLOT)
        first_submission = status == Annotation.Status.SUBMITTED and annotation.status != Annotation.Status.SUBMITTED
        at = sql.to_db_datetime(now)
        new_rejected = sorted(set(rejected)) if rejected_suggestions is not None else None
        new_rejected_links = sorted(set(rejected_links)) if rejected_relation_suggestions is not None else None
        swapped = sql.execute(
            _SWAP_SQL,
            [
                status,
                at,
                first_submission,
                at,
                None if time_spent is None else float(time_spent),
                None if new_rejected is None else sql.to_db_json(new_rejected),
                None if new_rejected_links is None else sql.to_db_json(new_rejected_links),
                annotation.pk,
                expected_version,
            ],
        )
        if not swapped:
            current = sql.first_row(_VERSION_SQL, [annotation.pk])
            raise StaleVersion(expected=expected_version, current=current[0] if current else annotation.version)
        links = (
            relation_store.stored_links(annotation.pk)
            if relations is None
            else relation_store.link_keys(spans, relations)
        )
        relation_store.delete_links(annotation.pk)
        sql.execute(_DELETE_SPANS_SQL, [annotation.pk])
        if spans:
            sql.execute_many(
                _INSERT_SPAN_SQL,
                [
                    [
                        annotation.pk,
                        s["start"],
                        s["end"],
                        s["label"],
                        sql.to_db_json(dict(s.get("attrs") or {})),
                        s.get("origin") or Span.Origin.MANUAL.value,
                        s.get("suggestion"),
                    ]
                    for s in spans
                ],
            )
        stored = sql.instances(Span, _SPANS_SQL, [annotation.pk])
        relation_store.store_links(annotation.pk, stored, links)
        if moves_slot:  # a skip frees a slot, taking it back holds one again
            queue.refresh_documents([document.pk])
        if Annotation.Status.SUBMITTED in (annotation.status, status):  # what the agreement report reads
            bump_data_version(project.pk)
        if status == Annotation.Status.SUBMITTED:
            training.count_labelled(project.pk)
            transaction.on_commit(lambda: training.maybe_start_training(project=project))
    # The row as the UPDATE left it, without reading it back: the version moved by one.
    annotation.version = expected_version + 1
    annotation.status = status
    annotation.updated_at = now
    if first_submission:
        annotation.submitted_at = now
    if time_spent is not None:
        annotation.time_spent = float(time_spent)
    if new_rejected is not None:
        annotation.rejected_suggestions = new_rejected
    if new_rejected_links is not None:
        annotation.rejected_relation_suggestions = new_rejected_links
    sql.prefetched(annotation, "spans", Span, stored)
    return annotation


def _take_back_slot(document: Document, annotation: Annotation) -> None:
    """An annotator un-skipping a document: allowed only while the document still has a
    free slot (the skip released theirs, and someone else may have taken it since)."""
    lock_document(document.pk)
    taken = Annotation.objects.filter(document=document, status__in=HOLDS_SLOT).exclude(pk=annotation.pk).count()
    if taken >= document.project.annotators_per_document:
        raise Conflict(
            f"document {document.pk} went to other annotators after you skipped it; it cannot be reopened",
            field="status",
        )
