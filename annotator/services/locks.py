"""Row locks that serialize writers of one project or document. PostgreSQL takes a row lock
(`SELECT … FOR UPDATE`); SQLite has none and needs none: the app's transactions there are
IMMEDIATE, so writers already run one at a time. Call inside `transaction.atomic()`."""

from __future__ import annotations

from django.db import connection

from annotator.models import Document, Project


def lock_project(project_id: int) -> None:
    """Hold the project's row until the transaction ends (trainings, membership changes)."""
    if connection.features.has_select_for_update:
        Project.objects.select_for_update().filter(pk=project_id).first()


def lock_document(document_id: int) -> None:
    """Hold the document's row until the transaction ends (its annotators' slots)."""
    if connection.features.has_select_for_update:
        Document.objects.select_for_update().filter(pk=document_id).first()
