"""Joining a project is the invitee's choice: an owner invites a user name with a role, the
user sees the invitation and accepts (becoming a member) or declines.

An invitation is kept by user name, and inviting a name with no account answers exactly as
inviting one that has an account, so the members form cannot be used to find out who has
an account. (The command line and `services.projects.add_member` still add members
directly: whoever runs the server needs nobody's consent to set up a project.)
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from annotator.exceptions import AnnotatorError, NotFound
from annotator.models import Invitation, Membership, Project, Role


def invite(*, project: Project, username: str, role: str, invited_by: User) -> Invitation:
    """Invite `username` (not a member yet) to `project` with `role`; inviting again
    changes the role of the waiting invitation. Nothing here looks the name up."""
    if role not in Role.values:
        raise AnnotatorError(f"role {role!r}: one of {', '.join(Role.values)}", field="role")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise AnnotatorError(f"{username!r} is not a valid user name", field="username") from None
    invitation, _ = Invitation.objects.update_or_create(
        project=project, username=username, defaults={"role": role, "invited_by": invited_by}
    )
    return invitation


def pending_for_project(*, project: Project) -> QuerySet[Invitation]:
    return Invitation.objects.filter(project=project).select_related("invited_by").order_by("username")


def pending_for_user(*, user: AbstractBaseUser) -> QuerySet[Invitation]:
    """The invitations waiting for `user`, to projects that still exist."""
    return (
        Invitation.objects.filter(username=user.get_username(), project__in=Project.objects.live())
        .select_related("project", "invited_by")
        .order_by("created_at", "pk")
    )


def _own_invitation(invitation_id: int, user: AbstractBaseUser) -> Invitation:
    invitation = pending_for_user(user=user).select_for_update(of=("self",)).filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound("no such invitation")
    return invitation


@transaction.atomic
def accept(*, invitation_id: int, user: AbstractBaseUser) -> Membership:
    """`user` joins the project with the invitation's role. Someone who has become a member
    meanwhile keeps the role they have (an invitation never demotes an owner)."""
    invitation = _own_invitation(invitation_id, user)
    membership, _ = Membership.objects.get_or_create(
        project=invitation.project, user_id=user.pk, defaults={"role": invitation.role}
    )
    invitation.delete()
    return membership


@transaction.atomic
def decline(*, invitation_id: int, user: AbstractBaseUser) -> None:
    _own_invitation(invitation_id, user).delete()


def withdraw(*, project: Project, username: str) -> None:
    """The owner takes back a waiting invitation."""
    deleted, _ = Invitation.objects.filter(project=project, username=username).delete()
    if not deleted:
        raise NotFound(f"no invitation for {username!r} is waiting in project {project.slug}")
