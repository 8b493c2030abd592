"""API tokens for scripts: each named for its client, made, listed and revoked by its owner,
optionally expiring, and all revoked when the owner's password changes.

The key is random (256 bits), shown once when made, and stored only as its SHA-256; a
database dump leaks no usable key.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from annotator import sql
from annotator.exceptions import AnnotatorError, Conflict, NotFound
from annotator.models import ApiToken

# last_used_at is written at most this often per token: one write a minute, not one a request.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(
    *, user: User, name: str = "", expires_at: datetime | None = None, not_after: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user` and its key (the only time the key is seen). A token of the
    same name is replaced: asking again is how a client rotates a lost or leaked key.
    A user holds at most settings.API_TOKENS_PER_USER live tokens (Conflict beyond).
    Without `expires_at` the token expires after settings.API_TOKEN_DEFAULT_DAYS (0: never);
    `not_after` caps the expiry (a token made with a token does not outlive it)."""
    now = timezone.now()
    if expires_at is None and settings.API_TOKEN_DEFAULT_DAYS > 0:
        expires_at = now + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)
    if not_after is not None:
        expires_at = min(expires_at or not_after, not_after)
    if expires_at is not None and expires_at <= now:
        raise AnnotatorError("expires_at must be in the future", field="expires_at")
    key = secrets.token_urlsafe(32)
    name = name.strip() or f"token {key[:8]}"
    with transaction.atomic():
        # Expired tokens are of no use to anyone; asking for a new one is a good time to drop them.
        ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
        ApiToken.objects.filter(user=user, name=name).delete()
        # A script that asks for an unnamed token on every run would otherwise pile them up.
        if ApiToken.objects.filter(user=user).count() >= settings.API_TOKENS_PER_USER:
            raise Conflict(
                f"you have {settings.API_TOKENS_PER_USER} API tokens, the most allowed: revoke some "
                "(DELETE /api/auth/tokens/{id}/) or ask again with the name of one to replace it",
                field="name",
            )
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    name=name,
                    key_hash=hash_key(key),
                    key_prefix=key[:8],
                    created_at=now,
                    expires_at=expires_at,
                )
        except IntegrityError:  # the same name, made by a concurrent request
            raise Conflict(f"a token named {name!r} was made at the same moment; ask again", field="name") from None
    return token, key


def token_list_for(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("created_at", "id")


def revoke_token(*, user: User, token_id: int) -> None:
    """Delete one of `user`'s tokens; someone else's token is as missing as a deleted one."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFound(f"you have no token {token_id}", field="id")


def revoke_all_tokens(*, user: User) -> int:
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


# Plain SQL: every scripted request runs this (see annotator/sql.py for why).
_TOKEN_SQL = "SELECT * FROM annotator_apitoken WHERE key_hash = %s"
_USER_SQL = "SELECT * FROM auth_user WHERE id = %s"
_TOUCH_SQL = "UPDATE annotator_apitoken SET last_used_at = %s WHERE id = %s"


def token_for_key(key: str) -> ApiToken | None:
    """The token with this key, its `user` loaded, or None. Records the use (last_used_at)."""
    token = sql.instance(ApiToken, _TOKEN_SQL, [hash_key(key)])
    if token is None:
        return None
    token.user = sql.referenced(User, _USER_SQL, [token.user_id])
    now = timezone.now()
    if not token.is_expired(now) and (token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION):
        sql.execute(_TOUCH_SQL, [sql.to_db_datetime(now), token.pk])
        token.last_used_at = now
    return token


def revoke_tokens_on_password_change(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    """post_save of User: a new password revokes every token of the user. set_password()
    leaves the new raw password in `_password` until the save; Django's rehash of a
    password at login (a hasher upgrade) clears it first, so it revokes nothing."""
    update_fields = kwargs.get("update_fields")
    if created or getattr(instance, "_password", None) is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    revoke_all_tokens(user=instance)
