"""`Authorization: Token <key>`: our named, hashed, optionally expiring API tokens
(annotator/services/tokens.py), in place of DRF's one token per user. DRF's class parses
the header and gives the messages; only the lookup is ours."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions

from annotator.services.tokens import token_for_key


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.is_expired():
            raise exceptions.AuthenticationFailed(
                f"The token expired at {token.expires_at:%Y-%m-%dT%H:%M:%SZ}; ask for a new one at /api/auth/token/."
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return token.user, token
