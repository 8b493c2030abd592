"""The document browser's bulk actions on many documents of one project, each all or nothing.

- `delete`: soft-deletes live documents (as `deletion.delete_document` does one), restorable
  within the undo window;
- `restore`: brings deleted documents back; refused (Conflict, nothing restored) if any of
  them was deleted longer ago than the undo window;
- `requeue` ("return to the queue"): discards every annotation of the documents (drafts,
  submissions and skips, with their spans; suggestions stay), so each is unassigned and
  `next/` serves it again to anyone, those who had it included. Refused (Conflict) for a
  document with gold, which closes it to the queue: gold is the reviewers' decision, not
  discarded in bulk. Cannot be undone.

Every id must name a document of the project in the state the action needs (live, or
deleted for `restore`); one that does not refuses the whole request, naming it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import TypedDict

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from annotator.exceptions import AnnotatorError, Conflict
from annotator.models import Annotation, Document, Gold, Project
from annotator.services import queue
from annotator.services.data_version import bump_data_version
from annotator.services.deletion import undo_until

BULK_ACTIONS = ("delete", "restore", "requeue")
_CHUNK = 500  # ids per statement (SQLite's bound parameters are limited)


class BulkResult(TypedDict):
    action: str
    documents: int
    annotations_discarded: int
    undo_until: str | None


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


def _named(ids: Sequence[int], limit: int = 10) -> str:
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(str(pk) for pk in ids[:limit]) + more


def _check_all_found(project: Project, ids: list[int], *, deleted: bool) -> None:
    found: set[int] = set()
    for chunk in _chunks(ids):
        found.update(
            Document.objects.filter(project=project, pk__in=chunk, deleted_at__isnull=not deleted).values_list(
                "pk", flat=True
            )
        )
    missing = [pk for pk in ids if pk not in found]
    if missing:
        state = "deleted" if deleted else "live"
        raise AnnotatorError(
            f"ids: no {state} document {_named(missing)} in project {project.slug}; nothing was changed", field="ids"
        )


@transaction.atomic
def bulk_documents(*, project: Project, action: str, ids: Sequence[int]) -> BulkResult:
    """Apply `action` (one of BULK_ACTIONS) to the documents `ids` of `project`, all or
    nothing; returns how many documents (and, for requeue, annotations) it changed."""
    if action not in BULK_ACTIONS:
        raise AnnotatorError(f"action {action!r}: one of {', '.join(BULK_ACTIONS)}", field="action")
    ids = sorted(set(ids))  # id order: the order every locker takes rows in
    _check_all_found(project, ids, deleted=action == "restore")
    now = timezone.now()
    discarded = 0
    if action == "delete":
        for chunk in _chunks(ids):
            Document.objects.filter(pk__in=chunk).update(deleted_at=now)
    elif action == "restore":
        cutoff = now - timedelta(days=settings.UNDO_WINDOW_DAYS)
        expired: list[int] = []
        for chunk in _chunks(ids):
            expired += Document.objects.filter(pk__in=chunk, deleted_at__lt=cutoff).values_list("pk", flat=True)
        if expired:
            raise Conflict(
                f"documents {_named(sorted(expired))} were deleted more than {settings.UNDO_WINDOW_DAYS} days ago "
                "and cannot be restored; nothing was restored",
                field="ids",
            )
        for chunk in _chunks(ids):
            Document.objects.filter(pk__in=chunk).update(deleted_at=None)
    else:
        with_gold: list[int] = []
        for chunk in _chunks(ids):
            with_gold += Gold.objects.filter(document_id__in=chunk).values_list("document_id", flat=True)
        if with_gold:
            raise Conflict(
                f"documents {_named(sorted(with_gold))} have gold, which closes them to the queue; "
                "nothing was returned to the queue",
                field="ids",
            )
        for chunk in _chunks(ids):
            discarded += Annotation.objects.filter(document_id__in=chunk).delete()[1].get("annotator.Annotation", 0)
    if ids:
        queue.refresh_documents(ids)  # deleted, restored or emptied: each document's slots and openness
        bump_data_version(project.pk)  # the agreement report and exports read them
    return {
        "action": action,
        "documents": len(ids),
        "annotations_discarded": discarded,
        "undo_until": undo_until(now).isoformat() if action == "delete" else None,
    }
