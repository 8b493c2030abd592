"""Shapes of the auth endpoints' tokens (credentials and the session's `me` are in projects.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from api.serializers.fields import InputSerializer
from api.serializers.projects import CredentialsSerializer

_TEN_YEARS = 10 * 366 * 24 * 3600


class NewTokenSerializer(InputSerializer):
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="What the token is for (a script, a machine). A token of yours with the same name is "
        "replaced. Default: a generated name.",
    )
    expires_in = serializers.IntegerField(
        min_value=60,
        max_value=_TEN_YEARS,
        required=False,
        help_text="Seconds until the token stops working. Give this or expires_at, not both. Default: "
        "never (or the server's API_TOKEN_DEFAULT_DAYS).",
    )
    expires_at = serializers.DateTimeField(
        required=False, help_text="When the token stops working (ISO 8601, in the future)."
    )

    def validate_expires_at(self, value: datetime) -> datetime:
        if value <= timezone.now():
            raise serializers.ValidationError("must be in the future")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "expires_in" in attrs and "expires_at" in attrs:
            raise serializers.ValidationError({"expires_in": "give expires_in or expires_at, not both"})
        if "expires_in" in attrs:
            attrs["expires_at"] = timezone.now() + timedelta(seconds=attrs.pop("expires_in"))
        return attrs


class TokenRequestSerializer(CredentialsSerializer, NewTokenSerializer):
    """User name and password, and optionally the new token's name and expiry."""


class ApiTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Revoke with DELETE auth/tokens/{id}/.")
    name = serializers.CharField(help_text="What the token is for.")
    key_prefix = serializers.CharField(help_text="The key's first characters (the key itself is never shown again).")
    created_at = serializers.DateTimeField(help_text="When the token was made.")
    last_used_at = serializers.DateTimeField(allow_null=True, help_text="Last use, to the minute; null: never used.")
    expires_at = serializers.DateTimeField(allow_null=True, help_text="null: until revoked.")
    current = serializers.BooleanField(help_text="The token this request was sent with.")


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send as the header "Authorization: Token <token>". Shown only once.')
    id = serializers.IntegerField(help_text="Revoke with DELETE auth/tokens/{id}/.")
    name = serializers.CharField(help_text="What the token is for.")
    created_at = serializers.DateTimeField(help_text="When the token was made.")
    expires_at = serializers.DateTimeField(allow_null=True, help_text="null: until revoked.")
