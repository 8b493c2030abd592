from __future__ import annotations

from django.conf import settings
from django.db import models

from annotator.models.documents import Document
from annotator.models.projects import Project
from annotator.models.spanfields import SpanFields


class ModelVersionQuerySet(models.QuerySet["ModelVersion"]):
    def current_for(self, project: Project | int) -> ModelVersion | None:
        """The project's current model (the one that makes suggestions), or None."""
        return self.filter(project=project, status=ModelVersion.Status.CURRENT).first()


class ModelVersion(models.Model):
    """A trained tagger. The artifact lives in the database so every machine can load it."""

    class Status(models.TextChoices):
        TRAINING = "training"
        READY = "ready"  # trained, evaluated, not promoted (worse than the current model)
        CURRENT = "current"
        RETIRED = "retired"
        FAILED = "failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="model_versions")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.TRAINING)
    metrics = models.JSONField(default=dict, blank=True)
    training_documents = models.PositiveIntegerField(default=0)
    duration_seconds = models.FloatField(default=0.0)
    sklearn_version = models.CharField(max_length=32, blank=True)
    feature_version = models.CharField(max_length=32, blank=True)
    artifact = models.BinaryField(null=True, blank=True, editable=False)
    artifact_sha256 = models.CharField(max_length=64, blank=True)
    # The relation classifier trained beside the tagger (#21); none when the project had no
    # relation types or no relations to learn from (the metrics say which).
    relation_artifact = models.BinaryField(null=True, blank=True, editable=False)
    relation_artifact_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)

    objects = ModelVersionQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="model_version_unique"),
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(status="current"), name="model_one_current_per_project"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.slug} model v{self.version} ({self.status})"


class TrainedDocuments(models.Model):
    """Which documents a model version trained on (their annotations or gold were in its
    training split; held-out and self-training documents are not), so that no document is
    shown suggestions from a version that learned from an annotation of it
    (services.suggestions). The ids are packed by `annotator.idsets`: a few kilobytes for
    100,000 documents, where a row per (version, document) would grow with every training.
    A version trained before this was recorded has no row (see services.suggestions)."""

    model_version = models.OneToOneField(
        ModelVersion, on_delete=models.CASCADE, primary_key=True, related_name="trained_documents"
    )
    count = models.PositiveIntegerField(default=0)
    ids = models.BinaryField(editable=False)

    def __str__(self) -> str:
        return f"{self.model_version}: {self.count} documents trained on"


class Suggestion(SpanFields):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="suggestions")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="suggestions")
    score = models.FloatField()

    class Meta(SpanFields.Meta):
        indexes = [models.Index(fields=["document", "model_version"], name="suggestion_doc_idx")]


class RelationSuggestion(models.Model):
    """A relation the model suggests between two of its span suggestions on one document (#21):
    served with them, under the same rule (services.suggestions), and gone with them."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="relation_suggestions")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="relation_suggestions")
    source = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=64)
    score = models.FloatField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["document", "model_version"], name="relsuggestion_doc_idx")]


class Promotion(models.Model):
    """A change of the project's current model: automatic (a training that scored at least
    as well as the current model) or an owner's manual promote or roll back."""

    class Kind(models.TextChoices):
        AUTOMATIC = "automatic"
        PROMOTE = "promote"  # an owner made a newer version current
        ROLLBACK = "rollback"  # an owner went back to an older version

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="promotions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    to_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="promotions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["project", "-at", "-id"]
        indexes = [models.Index(fields=["project", "-at"], name="promotion_project_idx")]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.kind} to {self.to_version_id}"
