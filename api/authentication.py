"""Token authentication in one plain query (every scripted request pays for it)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from annotator import sql

_USER_OF_TOKEN_SQL = """
SELECT u.* FROM auth_user u JOIN authtoken_token t ON t.user_id = u.id WHERE t.key = %s
"""


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's `Authorization: Token <key>` check with its messages, minus the ORM's query building."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user = sql.instance(User, _USER_OF_TOKEN_SQL, [key])
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = Token.from_db("default", ["key", "user_id"], [key, user.pk])
        token.user = user
        return user, token
