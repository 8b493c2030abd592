from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from annotator.models.projects import Project, Role


class JoinLink(models.Model):
    """A one-time link with which a person makes their account (annotator/services/accounts.py).
    Only the token's SHA-256 is stored: the link is shown once, to the admin who made it.
    A used link is kept (used_at, used_by) so opening it again says it was used."""

    token_hash = models.CharField(max_length=64, unique=True)
    # The token's first characters, so the admin can tell links apart in a list.
    token_prefix = models.CharField(max_length=8)
    # Preset user name, or "" for one the person chooses.
    username = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="join_links")
    role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A project and a role come together or not at all.
            models.CheckConstraint(
                condition=(
                    models.Q(project__isnull=True, role="") | (models.Q(project__isnull=False) & ~models.Q(role=""))
                ),
                name="join_link_project_with_role",
            )
        ]

    def __str__(self) -> str:
        return f"join link {self.token_prefix}… ({self.username or 'any name'})"

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())
