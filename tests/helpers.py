"""Helpers the tests share: setting up annotations as if annotators had made them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from annotator.models import Annotation, Document, Span
from annotator.services import queue


def annotate(
    document: Document,
    user: Any,
    spans: Sequence[tuple[str, str] | Mapping[str, Any]],
    status: str = "submitted",
) -> Annotation:
    """`user`'s annotation of `document` with `spans`, stored directly (no assignment, no
    checks; the queue's stored state is recounted, as every writer of annotations does).

    A span is (phrase, label), at the phrase's first occurrence in the text, or a dict with
    start, end, label and optional attrs.
    """
    rows = []
    for given in spans:
        if isinstance(given, Mapping):
            start, end, label, attrs = given["start"], given["end"], given["label"], given.get("attrs") or {}
        else:
            phrase, label = given
            start = document.text.index(phrase)
            end, attrs = start + len(phrase), {}
        rows.append((start, end, label, attrs))
    # One transaction, as every writer's: the recount locks the document's row.
    with transaction.atomic():
        submitted_at = timezone.now() if status == "submitted" else None
        annotation = Annotation.objects.create(
            document=document, annotator=user, status=status, submitted_at=submitted_at
        )
        Span.objects.bulk_create(
            Span(annotation=annotation, start=start, end=end, label=label, attrs=attrs)
            for start, end, label, attrs in rows
        )
        queue.refresh_documents([document.pk])
    return annotation
