"""Reads about projects and who is in them: roles, the caller's projects, and the hot
path's lookups of a project or document together with the caller's role."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from annotator import sql
from annotator.models import Document, Membership, Project, Role


def role_for(*, project: Project, user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The user's role in the project, or None for an outsider. Superusers act as owners."""
    if not user.is_authenticated:
        return None
    if getattr(user, "is_superuser", False):
        return Role.OWNER
    return Membership.objects.filter(project=project, user_id=user.pk).values_list("role", flat=True).first()


def project_list_for(*, user: AbstractBaseUser) -> QuerySet[Project]:
    projects = Project.objects.live()
    if getattr(user, "is_superuser", False):
        return projects
    return projects.filter(memberships__user_id=user.pk).distinct()


def deleted_project_list_for(*, user: AbstractBaseUser) -> QuerySet[Project]:
    """Projects deleted within the undo window that `user` may restore (they own them;
    a superuser, any), most recently deleted first."""
    since = timezone.now() - timedelta(days=settings.UNDO_WINDOW_DAYS)
    projects = Project.objects.filter(deleted_at__gte=since).order_by("-deleted_at")
    if getattr(user, "is_superuser", False):
        return projects
    return projects.filter(memberships__user_id=user.pk, memberships__role=Role.OWNER)


def may_create_projects(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether `user` may create a project through the API (setting PROJECT_CREATORS:
    "staff", the default, or "all" logged-in users)."""
    if not user.is_authenticated:
        return False
    if settings.PROJECT_CREATORS == "all":
        return True
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))


# The queue's and the save's lookups (every next/ and every save) in plain SQL: see
# annotator.sql. `my_role` is the caller's membership role, NULL for an outsider.
_PROJECT_WITH_ROLE_SQL = sql.statement("""
SELECT p.*, (SELECT m.role FROM annotator_membership m WHERE m.project_id = p.id AND m.user_id = %s) AS my_role
FROM annotator_project p WHERE p.slug = %s AND {live:p}
""")
_DOCUMENT_WITH_ROLE_SQL = sql.statement("""
SELECT d.*, (SELECT m.role FROM annotator_membership m WHERE m.project_id = d.project_id AND m.user_id = %s) AS my_role
FROM annotator_document d JOIN annotator_project p ON p.id = d.project_id
WHERE d.id = %s AND {live:d} AND {live:p}
""")
_PROJECT_SQL = "SELECT * FROM annotator_project WHERE id = %s"


def live_project_with_role(*, slug: str, user_id: int | None) -> Project | None:
    """The live project `slug`, with `my_role` (the membership role of `user_id`, or None)."""
    return sql.instance(Project, _PROJECT_WITH_ROLE_SQL, [user_id, slug])


def live_document_with_role(*, pk: int, user_id: int | None) -> Document | None:
    """The live document `pk` of a live project, with its project and `my_role` there."""
    document = sql.instance(Document, _DOCUMENT_WITH_ROLE_SQL, [user_id, pk])
    if document is not None:
        document.project = sql.referenced(Project, _PROJECT_SQL, [document.project_id])
    return document
