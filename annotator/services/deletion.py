"""Soft delete of projects and documents, with an undo window before they are purged.

A deleted project or document disappears from every list, queue, export, report and
training at once (every query filters `deleted_at`), but nothing is removed: within
`settings.UNDO_WINDOW_DAYS` an owner restores it as it was. `purge_deleted` removes what
has been deleted for longer (the `purge_deleted` command, e.g. daily from cron).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from annotator.exceptions import Conflict
from annotator.models import Document, Project
from annotator.services import queue
from annotator.services.data_version import bump_data_version


def undo_until(deleted_at: datetime) -> datetime:
    return deleted_at + timedelta(days=settings.UNDO_WINDOW_DAYS)


def _check_window(kind: str, name: str, deleted_at: datetime | None) -> None:
    if deleted_at is None:
        raise Conflict(f"{kind} {name} is not deleted")
    if timezone.now() > undo_until(deleted_at):
        raise Conflict(
            f"{kind} {name} was deleted more than {settings.UNDO_WINDOW_DAYS} days ago and cannot be restored"
        )


def delete_project(*, project: Project) -> datetime:
    project.deleted_at = timezone.now()
    Project.objects.filter(pk=project.pk).update(deleted_at=project.deleted_at)
    return undo_until(project.deleted_at)


def restore_project(*, project: Project) -> None:
    _check_window("project", project.slug, project.deleted_at)
    Project.objects.filter(pk=project.pk).update(deleted_at=None)
    project.deleted_at = None


@transaction.atomic
def delete_document(*, document: Document) -> datetime:
    document.deleted_at = timezone.now()
    Document.objects.filter(pk=document.pk).update(deleted_at=document.deleted_at)
    queue.refresh_documents([document.pk])  # a deleted document leaves the queue
    bump_data_version(document.project_id)  # the agreement report leaves it out now
    return undo_until(document.deleted_at)


@transaction.atomic
def restore_document(*, document: Document) -> None:
    _check_window("document", document.external_id, document.deleted_at)
    Document.objects.filter(pk=document.pk).update(deleted_at=None)
    queue.refresh_documents([document.pk])
    bump_data_version(document.project_id)
    document.deleted_at = None


@transaction.atomic
def purge_deleted(*, now: datetime | None = None) -> dict[str, Any]:
    """Remove for good what was deleted before the undo window; returns what went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.UNDO_WINDOW_DAYS)
    documents, _ = Document.objects.filter(deleted_at__lt=cutoff).delete()
    projects = list(Project.objects.filter(deleted_at__lt=cutoff).values_list("slug", flat=True))
    Project.objects.filter(deleted_at__lt=cutoff).delete()
    return {"documents_rows": documents, "projects": projects}
