"""An annotation's statuses and what they mean to the queue, in one place: the ORM's
queries, the hot path's SQL (`annotator.sql`) and the services all read them from here."""

from __future__ import annotations

from django.db import models


class AnnotationStatus(models.TextChoices):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SKIPPED = "skipped"


# Statuses that hold one of a document's quota slots. A skip releases its slot.
HOLDS_SLOT: tuple[AnnotationStatus, ...] = (AnnotationStatus.DRAFT, AnnotationStatus.SUBMITTED)
# The status that counts towards a document's `annotators_per_document`: a document is
# finished once it has gold or that many annotations in it.
FINISHES = AnnotationStatus.SUBMITTED
