"""Relations (#21): typed, directed links between two spans of one annotation or of the gold.

A project's relation types say which label a link starts from and which it points to
(`BY`: CASUALTY_COUNT → PERPETRATOR). A relation row points at span rows, so deleting a span
deletes its relations; the rules a list of relations must obey live in `annotator.relations`.
"""

from __future__ import annotations

from django.db import models

from annotator.models.annotations import Annotation, Span
from annotator.models.gold import Gold, GoldSpan
from annotator.models.projects import Project


class RelationType(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="relation_types")
    name = models.CharField(max_length=64)
    source = models.CharField(max_length=64, help_text="The label a link of this type starts from.")
    target = models.CharField(max_length=64, help_text="The label a link of this type points to.")
    hotkey = models.CharField(max_length=1, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="relation_type_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.source} → {self.target})"


class Relation(models.Model):
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="relations")
    source = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["source", "target", "type"], name="relation_unique_link")]
        indexes = [models.Index(fields=["annotation"], name="relation_annotation_idx")]


class GoldRelation(models.Model):
    # The reviewer's own link is told apart from one taken from the annotators, so a gold
    # relation nobody marked can be found and checked again.
    REVIEWER = "reviewer"

    gold = models.ForeignKey(Gold, on_delete=models.CASCADE, related_name="relations")
    source = models.ForeignKey(GoldSpan, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(GoldSpan, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=64)
    provenance = models.JSONField(
        default=list,
        blank=True,
        help_text="Where it came from: the usernames of the source annotators who had the same link, or "
        '["reviewer"] when the reviewer added it by hand; empty for an imported gold.',
    )

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["source", "target", "type"], name="goldrelation_unique_link")]
        indexes = [models.Index(fields=["gold"], name="goldrelation_gold_idx")]
