from __future__ import annotations

import hashlib
import random
from typing import Any

from django.db import models
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, Substr

from annotator.models.projects import LiveQuerySet, Project
from annotator.models.statuses import FINISHES


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The hash index holds the first characters of a text's hash (migration 0023): 64 bits,
# enough to tell a project's texts apart, at a third of the full hash's index (85 MB of a
# million documents' index was the hash's, inserted at random places by every import).
HASH_PREFIX = 16


def hash_prefix_expression() -> Substr:
    return Substr("content_hash", 1, HASH_PREFIX)


class HashPrefix(models.Func):
    """The index's expression in a query, its numbers written into the SQL as the index has
    them: `Substr` would bind them as parameters, and SQLite then does not see the index."""

    function = "SUBSTR"
    template = f"%(function)s(%(expressions)s, 1, {HASH_PREFIX})"
    output_field = models.CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="SUBSTRING", **extra)


def hash_prefix_sql(connection: Any) -> str:
    """The index's expression as the database spells it (Django writes SUBSTR on SQLite,
    SUBSTRING on PostgreSQL; a query must name the same function to use the index)."""
    function = "SUBSTRING" if connection.vendor == "postgresql" else "SUBSTR"
    return f'{function}("content_hash", 1, {HASH_PREFIX})'


# The queue's stored state (see Document), written by services.queue only.
QUEUE_FIELDS = frozenset({"slots_taken", "queue_open", "queue_key"})


def random_queue_key() -> int:
    """A document's place in the queue's random share: drawn once, when it is created."""
    return random.randrange(2**31)


class DocumentQuerySet(LiveQuerySet["Document"]):
    def with_text(self, project: Project, text: str) -> DocumentQuerySet:
        """The project's documents whose text hashes as `text` does, found by the hash index
        (which holds the hash's first HASH_PREFIX characters: migration 0023). The prefix is
        asked in a subquery: beside `content_hash = X` in one WHERE, SQLite puts X into the
        prefix's expression (constant propagation) and no longer sees the index."""
        digest = content_hash(text)
        same_start = (
            self.model._default_manager.alias(hash_start=HashPrefix("content_hash"))
            .filter(project=project, hash_start=digest[:HASH_PREFIX])
            .values("pk")
        )
        return self.filter(pk__in=same_start, content_hash=digest)

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
    # No index of its own: every index of the table starts with the project (the unique
    # external id first), and one more index to keep costs an import ~5% of its time.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents", db_index=False)
    external_id = models.CharField(max_length=200, help_text="The id the document came with (unique per project).")
    text = models.TextField()
    meta = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Written with the suggestions (services.suggestions): the current model's mean entropy of
    # its most uncertain tokens here; `next/` serves the highest first (active learning).
    model_uncertainty = models.FloatField(null=True, blank=True, editable=False)
    # The queue's stored state (services.queue keeps it right on every path that changes a
    # slot): how many annotations hold one of the document's slots (HOLDS_SLOT), whether
    # `next/` may still hand it out (live, no gold, fewer slots taken than the project's
    # annotators_per_document), and a random key for the queue's random share.
    slots_taken = models.PositiveIntegerField(default=0, editable=False)
    queue_open = models.BooleanField(default=True, editable=False)
    queue_key = models.IntegerField(default=random_queue_key, editable=False)
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

    # One of the project's control documents (services.control): served to everyone without
    # suggestions, so reports can compare annotation with and without them. Decided when the
    # document is added (a hash of its external id against the project's control share) and
    # kept once anyone has an annotation of it.
    control = models.BooleanField(default=False, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "external_id"], name="document_unique_external_id"),
        ]
        indexes = [
            models.Index(F("project"), hash_prefix_expression(), name="document_hash_prefix_idx"),
            # The queue's three orders over the open documents only (partial indexes: a
            # closed document leaves them, so their size is the open work, not the project).
            # SQLite sorts NULL first, PostgreSQL last; the queue asks for the scored and the
            # unscored documents in two reads, so either order serves.
            models.Index(
                fields=["project", "-model_uncertainty", "id"],
                name="document_queue_doubt_idx",
                condition=models.Q(queue_open=True),
            ),
            models.Index(
                fields=["project", "id"], name="document_queue_order_idx", condition=models.Q(queue_open=True)
            ),
            models.Index(
                fields=["project", "queue_key"], name="document_queue_random_idx", condition=models.Q(queue_open=True)
            ),
            # The document browser's orders (services.document_browser) over the live
            # documents: by creation, and by uncertainty with unscored documents as -1.
            models.Index(
                fields=["project", "created_at", "id"],
                name="document_browse_created_idx",
                condition=models.Q(deleted_at__isnull=True),
            ),
            models.Index(
                F("project"),
                Coalesce(F("model_uncertainty"), Value(-1.0), output_field=models.FloatField()),
                F("id"),
                name="document_browse_doubt_idx",
                condition=models.Q(deleted_at__isnull=True),
            ),
            # The restore list: the few deleted documents, in id order.
            models.Index(
                fields=["project", "id"],
                name="document_deleted_order_idx",
                condition=models.Q(deleted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.slug}/{self.external_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.content_hash = content_hash(self.text)
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Never write back the queue's state as it was loaded: only services.queue
            # writes it, under the document's lock.
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in QUEUE_FIELDS
            ]
        super().save(*args, **kwargs)


class QueueCount(models.Model):
    """How many of a project's documents are open in the queue (`Document.queue_open`), kept
    beside the documents by services.queue so `next/` answers `remaining` without counting.
    A row of its own rather than a Project column: a Project.save() of other fields could
    write back a stale count, and the queue's writes should not lock the project row."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, primary_key=True, related_name="+")
    open_documents = models.IntegerField(default=0)
