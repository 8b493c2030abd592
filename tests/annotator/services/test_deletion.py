"""Soft delete with an undo window, through the service: gone from every list at once,
restorable within the window, purged after it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from annotator.exceptions import Conflict
from annotator.models import Annotation, Document, Project
from annotator.services.assignment import candidates_for
from annotator.services.deletion import (
    delete_document,
    delete_project,
    purge_deleted,
    restore_document,
    restore_project,
)
from annotator.services.document_queries import documents_with_status
from tests.helpers import annotate


@pytest.fixture
def document(project) -> Document:  # type: ignore[no-untyped-def]
    return Document.objects.filter(project=project).order_by("id").first()


def test_a_deleted_document_leaves_the_list_and_the_queue_and_comes_back_on_restore(project, document, alice) -> None:  # type: ignore[no-untyped-def]
    until = delete_document(document=document)
    assert until == document.deleted_at + timedelta(days=settings.UNDO_WINDOW_DAYS)
    assert document.pk not in documents_with_status(project=project).values_list("pk", flat=True)
    assert document.pk not in candidates_for(project=project, user=alice)
    restore_document(document=document)
    assert Document.objects.get(pk=document.pk).deleted_at is None
    assert document.pk in candidates_for(project=project, user=alice)


def test_a_document_that_is_not_deleted_cannot_be_restored(document) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict, match="is not deleted"):
        restore_document(document=document)


def test_after_the_undo_window_a_document_stays_deleted(document) -> None:  # type: ignore[no-untyped-def]
    delete_document(document=document)
    long_ago = timezone.now() - timedelta(days=settings.UNDO_WINDOW_DAYS + 1)
    Document.objects.filter(pk=document.pk).update(deleted_at=long_ago)
    document.refresh_from_db()
    with pytest.raises(Conflict, match="cannot be restored"):
        restore_document(document=document)
    assert Document.objects.get(pk=document.pk).deleted_at == long_ago


def test_a_project_is_deleted_and_restored_as_it_was(project) -> None:  # type: ignore[no-untyped-def]
    documents = Document.objects.filter(project=project).count()
    delete_project(project=project)
    assert Project.objects.get(pk=project.pk).deleted_at is not None
    restore_project(project=project)
    assert Project.objects.get(pk=project.pk).deleted_at is None
    assert Document.objects.filter(project=project).count() == documents


def test_purging_removes_only_what_was_deleted_before_the_window(project, document, alice) -> None:  # type: ignore[no-untyped-def]
    annotate(document, alice, [("Aleppo", "LOCATION")])
    recent = Document.objects.filter(project=project).exclude(pk=document.pk).order_by("id").first()
    delete_document(document=document)
    delete_document(document=recent)
    long_ago = timezone.now() - timedelta(days=settings.UNDO_WINDOW_DAYS + 1)
    Document.objects.filter(pk=document.pk).update(deleted_at=long_ago)
    gone = purge_deleted()
    assert gone["projects"] == []
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not Annotation.objects.filter(document_id=document.pk).exists()
    assert Document.objects.filter(pk=recent.pk).exists()
    assert Project.objects.filter(pk=project.pk).exists()


def test_purging_a_long_deleted_project_names_it(project) -> None:  # type: ignore[no-untyped-def]
    delete_project(project=project)
    gone = purge_deleted(now=timezone.now() + timedelta(days=settings.UNDO_WINDOW_DAYS + 1))
    assert gone["projects"] == ["aleppo"]
    assert not Project.objects.filter(pk=project.pk).exists()
