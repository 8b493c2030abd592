"""Reads about documents: one live document, and who holds which of a page of them."""

from __future__ import annotations

from collections.abc import Sequence

from annotator.models import Annotation, Document, Project


def live_document(*, pk: int) -> Document | None:
    """The document `pk` if it and its project are live, with its project loaded."""
    return Document.objects.live().filter(pk=pk, project__in=Project.objects.live()).select_related("project").first()


def annotation_states(*, document_ids: Sequence[int]) -> list[tuple[int, str, int, str]]:
    """(document id, annotator's user name, annotator's id, status) of every annotation of
    the documents."""
    return list(
        Annotation.objects.filter(document_id__in=document_ids).values_list(
            "document_id", "annotator__username", "annotator_id", "status"
        )
    )
