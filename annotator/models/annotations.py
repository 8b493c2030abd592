from __future__ import annotations

from django.conf import settings
from django.db import models

from annotator.models.documents import Document
from annotator.models.spanfields import SpanFields
from annotator.models.statuses import AnnotationStatus


class Annotation(models.Model):
    """One annotator's work on one document; exists from the moment it is assigned."""

    Status = AnnotationStatus

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="annotations")
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1, help_text="Raised by every save; a stale save gets 409.")
    time_spent = models.FloatField(default=0.0, help_text="Active seconds spent, idle pauses left out.")
    rejected_suggestions = models.JSONField(default=list, blank=True)
    # Null on rows assigned by plain SQL before anyone saved (read as an empty list).
    rejected_relation_suggestions = models.JSONField(default=list, blank=True, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "annotator"], name="annotation_one_per_annotator"),
        ]
        indexes = [
            models.Index(fields=["annotator", "status"], name="annotation_queue_idx"),
            # The training trigger after each submission reads what was submitted since the
            # last training request: a range of this index, not all of the project.
            models.Index(fields=["status", "submitted_at"], name="annotation_submitted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.document} by {self.annotator} ({self.status})"


class Span(SpanFields):
    class Origin(models.TextChoices):
        MANUAL = "manual"
        SUGGESTION_ACCEPTED = "suggestion_accepted"
        SUGGESTION_EDITED = "suggestion_edited"

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="spans")
    origin = models.CharField(max_length=24, choices=Origin.choices, default=Origin.MANUAL)
    suggestion = models.ForeignKey(
        "annotator.Suggestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(SpanFields.Meta):
        indexes = [models.Index(fields=["annotation", "start"], name="span_annotation_idx")]
