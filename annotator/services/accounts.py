"""Accounts made from the browser: a site admin (staff or superuser) makes an account with a
password, or a one-time join link with which the person makes their own; admins deactivate
accounts; everyone changes their own password.

A join link carries a random 256-bit token, shown once to the admin who made it and stored
only as its SHA-256 (as API tokens are, services/tokens.py). It works once, until it expires
(settings.JOIN_LINK_DAYS by default), and may preset the user name and a project with a role,
so the person lands there as a member. Passwords go through AUTH_PASSWORD_VALIDATORS.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotator.exceptions import AnnotatorError, Gone, NotFound
from annotator.models import JoinLink, Project, Role
from annotator.services.projects import add_member
from annotator.services.tokens import revoke_all_tokens
from annotator.services.users import RESERVED_NAMES

log = logging.getLogger(__name__)

MAX_JOIN_LINK_DAYS = 365


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def checked_new_username(username: str, *, field: str = "username") -> str:
    """`username` as it will be stored (Unicode NFKC, as Django's forms store it), if it is a
    valid name nobody has; names differing only in case count as taken, so "Alice" cannot
    pose as "alice"."""
    name = User.normalize_username(username)
    if not name:
        raise AnnotatorError("a user name is needed", field=field)
    if len(name) > 150:
        raise AnnotatorError("a user name has at most 150 characters", field=field)
    try:
        UnicodeUsernameValidator()(name)
    except ValidationError:
        raise AnnotatorError(
            f"{name!r} is not a valid user name: use letters, digits and @ . + - _ only", field=field
        ) from None
    if name in RESERVED_NAMES:
        raise AnnotatorError(f"{name!r} is reserved; choose another user name", field=field)
    if User.objects.filter(username__iexact=name).exists():
        raise AnnotatorError(f"the user name {name!r} is taken; choose another", field=field)
    return name


def check_password(password: str, *, user: User, field: str = "password") -> None:
    """The site's password rules (AUTH_PASSWORD_VALIDATORS), every broken one named."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise AnnotatorError(" ".join(error.messages), field=field) from None


def _new_user(*, username: str, password: str, email: str) -> User:
    """A user saved with `password`, after every check; the caller holds the transaction."""
    name = checked_new_username(username)
    user = User(username=name, email=email)
    check_password(password, user=user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same name, taken by a concurrent request
        raise AnnotatorError(f"the user name {name!r} is taken; choose another", field="username") from None
    return user


@transaction.atomic
def create_account(*, username: str, password: str, email: str = "") -> User:
    """An active account with a password (an admin's form); never staff or superuser."""
    return _new_user(username=username, password=password, email=email)


def set_account_active(*, by: User, user: User, active: bool) -> User:
    """Deactivate (or reactivate) `user`. An inactive account logs in neither by password nor
    by token, and its sessions end (Django's backend refuses inactive users)."""
    if user.pk == by.pk and not active:
        raise AnnotatorError("you cannot deactivate your own account", field="is_active")
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def change_password(*, user: User, new_password: str) -> int:
    """Set `user`'s new password (the old one is checked by the caller, behind the login
    limits); the number of API tokens revoked with it, as every password change revokes them."""
    check_password(new_password, user=user, field="new_password")
    revoked = revoke_all_tokens(user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return revoked


@transaction.atomic
def create_join_link(
    *,
    created_by: User,
    username: str = "",
    email: str = "",
    project: Project | None = None,
    role: str = "",
    days: int | None = None,
) -> tuple[JoinLink, str]:
    """A new join link and its token (the only time the token is seen). A preset `username`
    must be free now (it is checked again when the link is used)."""
    if username:
        username = checked_new_username(username)
    if (project is None) != (not role):
        raise AnnotatorError("give a project and a role together, or neither", field="role" if project else "project")
    if role and role not in Role.values:
        raise AnnotatorError(f"role {role!r}: one of {', '.join(Role.values)}", field="role")
    days = settings.JOIN_LINK_DAYS if days is None else days
    if not 1 <= days <= MAX_JOIN_LINK_DAYS:
        raise AnnotatorError(f"a link works 1 to {MAX_JOIN_LINK_DAYS} days, not {days}", field="days")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link = JoinLink.objects.create(
        token_hash=hash_token(token),
        token_prefix=token[:8],
        username=username,
        email=email,
        project=project,
        role=role,
        created_by=created_by,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    return link, token


def mail_configured() -> bool:
    """Whether Django can send mail here: an SMTP host is set, or another backend (the
    tests' in-memory outbox, a file or console backend) is."""
    return bool(settings.EMAIL_HOST) or settings.EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend"


def mail_join_link(*, link: JoinLink, url: str) -> bool:
    """Send the link to its e-mail address when mail is configured; whether it was sent. A
    failed send is logged, not raised: the admin still has the link to pass on."""
    if not link.email or not mail_configured():
        return False
    where = f" to join {link.project.name} as {link.role}" if link.project else ""
    body = (
        f"You are invited to make an account on the annotator{where}.\n\n"
        f"Open this link to choose your password (it works once, until {link.expires_at:%Y-%m-%d %H:%M} UTC):\n"
        f"{url}\n"
    )
    try:
        send_mail("Your annotator account", body, None, [link.email])
    except (OSError, smtplib.SMTPException) as error:
        log.error("join link %s: could not mail it to its address: %s", link.token_prefix, error)
        return False
    return True


def usable_join_link(token: str, *, lock: bool = False) -> JoinLink:
    """The link with this token, if it can still be used: NotFound for a token no link has
    (or a withdrawn one), Gone for one used or expired."""
    links = JoinLink.objects.select_related("project")
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(token_hash=hash_token(token)).first()
    if link is None:
        raise NotFound(f"no join link has the token {token[:8]}…; it may have been withdrawn", field="token")
    if link.used_at is not None:
        raise Gone(
            f"the join link {link.token_prefix}… was used on {link.used_at:%Y-%m-%d %H:%M} UTC; log in instead, "
            "or ask for a new link",
            field="token",
        )
    if link.is_expired():
        raise Gone(
            f"the join link {link.token_prefix}… expired on {link.expires_at:%Y-%m-%d %H:%M} UTC; ask for a new one",
            field="token",
        )
    return link


@transaction.atomic
def join(*, token: str, username: str, password: str) -> User:
    """Use a join link: the account is made with `password` (and the link's preset name, or
    `username`), joins the link's project with its role if that project still exists, and
    the link is spent. All or nothing."""
    link = usable_join_link(token, lock=True)
    if link.username and username and username != link.username:
        raise AnnotatorError(f"this link is for the user name {link.username!r}", field="username")
    user = _new_user(username=link.username or username, password=password, email=link.email)
    if link.project is not None and link.project.deleted_at is None:
        add_member(project=link.project, user=user, role=link.role)
    link.used_at = timezone.now()
    link.used_by = user
    link.save(update_fields=["used_at", "used_by"])
    return user


def withdraw_join_link(*, link_id: int) -> None:
    deleted, _ = JoinLink.objects.filter(pk=link_id, used_at__isnull=True).delete()
    if not deleted:
        raise NotFound(f"no unused join link {link_id}", field="id")
