from __future__ import annotations

import hashlib
from typing import Any

from django.db import models
from django.db.models import Count, Q

from annotator.models.projects import LiveQuerySet, Project
from annotator.models.statuses import FINISHES


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DocumentQuerySet(LiveQuerySet["Document"]):
    def unfinished(self, project: Project) -> models.QuerySet[Document]:
        """The project's live documents nobody has finished: no gold, and fewer submitted
        annotations than the project asks for; in id order."""
        return (
            self.live()
            .filter(project=project, gold__isnull=True)
            .annotate(done=Count("annotations", filter=Q(annotations__status=FINISHES)))
            .filter(done__lt=project.annotators_per_document)
            .order_by("pk")
        )


class Document(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    external_id = models.CharField(max_length=200, help_text="The id the document came with (unique per project).")
    text = models.TextField()
    meta = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Written with the suggestions (services.suggestions): the current model's mean entropy of
    # its most uncertain tokens here; `next/` serves the highest first (active learning).
    model_uncertainty = models.FloatField(null=True, blank=True, editable=False)
    # The model version whose suggestions (and uncertainty) the document has; another one
    # than the current model means they are still to come (services.suggestions asks the
    # worker for them when the document is served).
    suggested_by = models.ForeignKey(
        "annotator.ModelVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "external_id"], name="document_unique_external_id"),
        ]
        indexes = [models.Index(fields=["project", "content_hash"], name="document_hash_idx")]

    def __str__(self) -> str:
        return f"{self.project.slug}/{self.external_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.content_hash = content_hash(self.text)
        super().save(*args, **kwargs)
