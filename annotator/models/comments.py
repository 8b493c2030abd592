from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from annotator.models.documents import Document


class Comment(models.Model):
    """A comment on a document: a thread's first comment (`parent` null), which may be pinned
    to a stretch of the text and is resolved as a whole, or a reply in that thread.

    Blind annotation: a thread belongs to at most one annotator (`annotator`, set on the
    first comment): the annotator who started it, or the one a reviewer addressed it to. That
    annotator, the project's reviewers and its owners see the thread; other annotators never
    do. A thread a reviewer starts without addressing anyone is for reviewers and owners."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    body = models.TextField()
    # The pinned stretch, code points, end exclusive (both null when not pinned).
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True) | Q(start__lt=models.F("end")),
                name="comment_pin_is_a_range",
            ),
        ]
        indexes = [
            # The lists' unresolved counts: a page's documents, threads only, unresolved.
            models.Index(
                fields=["document", "annotator"],
                name="comment_open_thread_idx",
                condition=Q(parent__isnull=True, resolved_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.document_id}"
