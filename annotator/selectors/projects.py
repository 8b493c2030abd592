"""Read queries. Writes live in `annotator.services`."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from annotator.models import Membership, Project, Role


def role_for(*, project: Project, user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The user's role in the project, or None for an outsider. Superusers act as owners."""
    if not user.is_authenticated:
        return None
    if getattr(user, "is_superuser", False):
        return Role.OWNER
    return Membership.objects.filter(project=project, user_id=user.pk).values_list("role", flat=True).first()


def project_list_for(*, user: AbstractBaseUser) -> QuerySet[Project]:
    projects = Project.objects.filter(deleted_at__isnull=True)
    if getattr(user, "is_superuser", False):
        return projects
    return projects.filter(memberships__user_id=user.pk).distinct()


def may_create_projects(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether `user` may create a project through the API (setting PROJECT_CREATORS:
    "staff", the default, or "all" logged-in users)."""
    if not user.is_authenticated:
        return False
    if settings.PROJECT_CREATORS == "all":
        return True
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))
