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
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from annotator.exceptions import AnnotatorError, Conflict, InvalidSpans, NotFound, SpanProblem, StaleVersion
from annotator.models import Annotation, Document, Span, Suggestion
from annotator.services import training
from annotator.services.assignment import HOLDS_SLOT
from annotator.spans import check_spans

STATUSES = tuple(Annotation.Status.values)


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
        if s.get("origin") is not None and s.get("origin") not in origins
    ]
    if bad_origin:
        raise InvalidSpans(bad_origin)
    wanted = {s.get("suggestion") for s in spans if s.get("suggestion") is not None} | set(rejected)
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


def save_my_annotation(
    *,
    document: Document,
    user: User,
    spans: Sequence[Mapping[str, Any]],
    status: str,
    expected_version: int,
    time_spent: float | None = None,
    rejected_suggestions: Sequence[int] | None = None,
) -> Annotation:
    """Replace the caller's spans of `document` and set its status, if `expected_version`
    is still the stored version. Returns the annotation at its new version.

    `spans` are dicts with start, end, label and optional attrs, origin (manual |
    suggestion_accepted | suggestion_edited) and suggestion (a Suggestion id of this
    document). `time_spent` is the total active seconds so far (not an increment), so a
    retried request cannot count time twice. Raises NotFound (not assigned), InvalidSpans
    (each bad span and why), StaleVersion (someone saved first) or Conflict (a skipped
    document whose slot went to someone else cannot be taken back).
    """
    if status not in STATUSES:
        raise AnnotatorError(f"status {status!r}: one of {', '.join(STATUSES)}", field="status")
    if time_spent is not None and not (0 <= time_spent < 10**7):
        raise AnnotatorError("time_spent is a number of seconds, at least 0", field="time_spent")
    rejected = list(rejected_suggestions or [])
    project = document.project
    checked = check_spans(document.text, spans, project.label_schemas())
    del checked  # valid; the given dicts (with origin and suggestion) are what is stored
    _check_suggestion_refs(document, spans, rejected)
    with transaction.atomic():
        annotation = Annotation.objects.filter(document=document, annotator=user).first()
        if annotation is None:
            raise NotFound(f"document {document.pk} is not assigned to you; ask for work with next/")
        if annotation.status == Annotation.Status.SKIPPED and status in HOLDS_SLOT:
            _take_back_slot(document, annotation)
        now = timezone.now()
        changes: dict[str, Any] = {"version": F("version") + 1, "status": status, "updated_at": now}
        if status == Annotation.Status.SUBMITTED and annotation.status != Annotation.Status.SUBMITTED:
            changes["submitted_at"] = now
        if time_spent is not None:
            changes["time_spent"] = float(time_spent)
        if rejected_suggestions is not None:
            changes["rejected_suggestions"] = sorted(set(rejected))
        swapped = Annotation.objects.filter(pk=annotation.pk, version=expected_version).update(**changes)
        if not swapped:
            current = Annotation.objects.filter(pk=annotation.pk).values_list("version", flat=True).first()
            raise StaleVersion(expected=expected_version, current=current or annotation.version)
        Span.objects.filter(annotation=annotation).delete()
        stored = Span.objects.bulk_create(
            Span(
                annotation=annotation,
                start=s["start"],
                end=s["end"],
                label=s["label"],
                attrs=dict(s.get("attrs") or {}),
                origin=s.get("origin") or Span.Origin.MANUAL,
                suggestion_id=s.get("suggestion"),
            )
            for s in spans
        )
        if status == Annotation.Status.SUBMITTED:
            transaction.on_commit(lambda: training.maybe_start_training(project=project))
    # The row as the UPDATE left it, without reading it back: the version moved by one.
    annotation.version = expected_version + 1
    annotation.status = status
    annotation.updated_at = now
    if "submitted_at" in changes:
        annotation.submitted_at = now
    if time_spent is not None:
        annotation.time_spent = float(time_spent)
    if rejected_suggestions is not None:
        annotation.rejected_suggestions = sorted(set(rejected))
    cached = Span.objects.filter(annotation=annotation)
    cached._result_cache, cached._prefetch_done = list(stored), True
    annotation._prefetched_objects_cache = {"spans": cached}
    return annotation


def _take_back_slot(document: Document, annotation: Annotation) -> None:
    """An annotator un-skipping a document: allowed only while the document still has a
    free slot (the skip released theirs, and someone else may have taken it since)."""
    if connection.features.has_select_for_update:  # SQLite: the IMMEDIATE transaction already serializes
        Document.objects.filter(pk=document.pk).select_for_update().first()
    taken = Annotation.objects.filter(document=document, status__in=HOLDS_SLOT).exclude(pk=annotation.pk).count()
    if taken >= document.project.annotators_per_document:
        raise Conflict(
            f"document {document.pk} went to other annotators after you skipped it; it cannot be reopened",
            field="status",
        )
