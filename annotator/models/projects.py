from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

_M = TypeVar("_M", bound=models.Model)


class LiveQuerySet(models.QuerySet[_M]):
    """Rows with a `deleted_at`: `live()` are those not (soft) deleted, the only ones any
    list, queue, export or report shows."""

    def live(self) -> LiveQuerySet[_M]:
        return self.filter(deleted_at__isnull=True)


def default_tagger_label_weights() -> dict[str, float]:
    """PERPETRATOR spans are the ones the token model most often gave no probability at all;
    doubling their tags' class weight finds more of them (a label a project lacks is ignored)."""
    return {"PERPETRATOR": 2.0}


class Project(models.Model):
    slug = models.SlugField(max_length=64, unique=True, help_text="Short name used in URLs and commands.")
    name = models.CharField(max_length=200)
    guidelines = models.TextField(blank=True, help_text="Annotation guidelines, Markdown.")
    annotators_per_document = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text="How many different annotators see each document."
    )
    retrain_every = models.PositiveIntegerField(
        default=10,
        validators=[MinValueValidator(1)],
        help_text="Train a new model after this many newly submitted or adjudicated documents.",
    )
    tagger_label_weights = models.JSONField(
        default=default_tagger_label_weights,
        blank=True,
        help_text="Class weight of each label's tags when the tagger trains (a label not named: 1).",
    )
    control_share = models.FloatField(
        default=0.1,
        validators=[MinValueValidator(0.0), MaxValueValidator(0.5)],
        help_text="Share of documents (0 to 0.5) served to everyone without suggestions.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Raised in the same transaction as every write that changes what the agreement report
    # reads (a submitted annotation, a gold, a document deleted or restored, an import), so a
    # stored report is fresh while this has not moved (services.agreement.fingerprint).
    data_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Submissions, gold saves and imported annotations or gold since the last training
    # request (set to 0 by it): never fewer than the documents the training trigger counts,
    # so that count (which walks every project's submissions since then) runs only once it
    # could reach retrain_every (services.training.maybe_start_training).
    labelled_since_training = models.PositiveBigIntegerField(default=0, editable=False)

    objects = LiveQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(condition=models.Q(annotators_per_document__gte=1), name="project_k_positive"),
            models.CheckConstraint(condition=models.Q(retrain_every__gte=1), name="project_retrain_positive"),
            models.CheckConstraint(
                condition=models.Q(control_share__gte=0.0, control_share__lte=0.5), name="project_control_share_range"
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    def label_schemas(self) -> dict[str, dict[str, Any]]:
        """{label name: attribute schema}, the form `annotator.spans` checks spans against."""
        return label_schemas_of(self.labels.all())


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "a colour is #rrggbb")


class Label(models.Model):
    """One label of a project's label set, kept apart from the spans that use it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="labels")
    # A letter of any script, then letters, digits or _ (services.projects.LABEL_NAME).
    name = models.CharField(
        max_length=64, validators=[RegexValidator(r"^[^\W\d_]\w*$", "a letter, then letters, digits or _")]
    )
    colour = models.CharField(max_length=7, default="#888888", validators=[hex_colour])
    hotkey = models.CharField(max_length=1, blank=True)
    attributes = models.JSONField(
        default=dict, blank=True, help_text='Attribute schema: {"name": {"type": "integer|choice|text|boolean"}}.'
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="label_unique_name"),
            models.UniqueConstraint(
                fields=["project", "hotkey"], condition=~models.Q(hotkey=""), name="label_unique_hotkey"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner"
    REVIEWER = "reviewer"
    ANNOTATOR = "annotator"


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANNOTATOR)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.project} as {self.role}"


class Invitation(models.Model):
    """An owner's invitation to join a project with a role, waiting for the invitee to accept
    or decline. Kept by user name, not by account, so inviting a name that has no account
    looks exactly like inviting one that has (the owner learns nothing about who exists);
    such an invitation simply waits until an account of that name logs in and answers."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANNOTATOR)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "username"], name="invitation_unique")]
        indexes = [models.Index(fields=["username"], name="invitation_username_idx")]

    def __str__(self) -> str:
        return f"{self.username} invited to {self.project} as {self.role}"


def label_schemas_of(labels: Iterable[Label]) -> dict[str, dict[str, Any]]:
    """{label name: attribute schema} of a project's labels, however they were read."""
    return {label.name: label.attributes for label in labels}
