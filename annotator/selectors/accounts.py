"""Reads about accounts: the admins' list, the owners' search for people to add, and the
join links waiting to be used."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import QuerySet
from django.utils import timezone

from annotator.models import JoinLink, Membership, Project, Role

# An owner's search answers at most this many names: enough to pick from, too few to list
# every account page by page.
USERNAME_MATCHES = 10


def is_site_admin(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff and superusers run the site's accounts."""
    return bool(user.is_authenticated and (getattr(user, "is_staff", False) or getattr(user, "is_superuser", False)))


def owns_a_project(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether `user` may search accounts to add: a superuser, or the owner of a live project."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return Membership.objects.filter(user_id=user.pk, role=Role.OWNER, project__in=Project.objects.live()).exists()


def account_list(*, prefix: str = "") -> QuerySet[User]:
    accounts = User.objects.order_by("username", "id")
    if prefix:
        accounts = accounts.filter(username__istartswith=prefix)
    return accounts


def username_matches(*, prefix: str, limit: int = USERNAME_MATCHES) -> list[str]:
    """Active accounts' user names starting with `prefix` (case ignored), in order, at most
    `limit`. Names only: nothing else about an account is shown to owners."""
    names = User.objects.filter(is_active=True, username__istartswith=prefix).order_by("username")
    return list(names.values_list("username", flat=True)[:limit])


def join_link_list() -> QuerySet[JoinLink]:
    """Links not used yet, expired ones included (so an admin sees why one no longer works)."""
    return JoinLink.objects.filter(used_at__isnull=True).select_related("project", "created_by")


def join_link_state(link: JoinLink) -> str:
    if link.used_at is not None:
        return "used"
    return "expired" if link.is_expired(timezone.now()) else "waiting"
