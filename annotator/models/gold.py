from __future__ import annotations

from django.conf import settings
from django.db import models

from annotator.models.annotations import Annotation
from annotator.models.documents import Document
from annotator.models.spanfields import SpanFields


class Gold(models.Model):
    """The adjudicated annotation of a document, with who made it from which annotations."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="gold")
    adjudicator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    source_annotations = models.ManyToManyField(Annotation, blank=True, related_name="+")
    # The version of each source annotation the gold was adjudicated from ({"<annotation id>":
    # version}); a source whose version has moved on since makes the gold stale.
    source_versions = models.JSONField(default=dict, blank=True)
    origin = models.CharField(max_length=16, default="adjudicated", help_text="adjudicated or imported")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # What was adjudicated since the last training request (the training trigger).
        indexes = [models.Index(fields=["updated_at"], name="gold_updated_idx")]

    def __str__(self) -> str:
        return f"gold of {self.document}"


class GoldSpan(SpanFields):
    gold = models.ForeignKey(Gold, on_delete=models.CASCADE, related_name="spans")

    class Meta(SpanFields.Meta):
        indexes = [models.Index(fields=["gold", "start"], name="goldspan_gold_idx")]
