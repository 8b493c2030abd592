"""Logging in: named tokens for scripts, a session (with CSRF) for the web UI, and who am I.
Every password check goes through annotator/services/login_limits.py."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login, logout
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import ApiToken
from annotator.services.login_limits import LoginThrottled, authenticate_limited
from annotator.services.tokens import issue_token, revoke_token, token_list_for
from api.access import caller
from api.presenters import me_data
from api.serializers.auth import ApiTokenSerializer, IssuedTokenSerializer, NewTokenSerializer, TokenRequestSerializer
from api.serializers.projects import CredentialsSerializer, MeSerializer


def _check_credentials(request: Request, shape: type[serializers.Serializer]) -> tuple[Any, dict[str, Any]]:
    """The user the credentials name, and the validated input; 401 for wrong ones, 429 for a
    client or user name that failed too often."""
    given = shape(data=request.data)
    given.is_valid(raise_exception=True)
    data = dict(given.validated_data)
    try:
        user = authenticate_limited(request._request, username=data.pop("username"), password=data.pop("password"))
    except LoginThrottled as throttled:
        raise Throttled(
            wait=throttled.retry_after, detail="Too many failed logins from this address or for this user name."
        ) from None
    if user is None:
        raise AuthenticationFailed("wrong user name or password")
    return user, data


def _issued(token: ApiToken, key: str) -> Response:
    body = {"token": key, "id": token.pk, "name": token.name, "created_at": token.created_at}
    return Response(IssuedTokenSerializer({**body, "expires_at": token.expires_at}).data)


class _Credentials(APIView):
    """Wrong credentials are 401 (DRF would say 403 for a view without authentication)."""

    # Password checks are limited (429 past the limit); the schema says so.
    login_attempts_limited = True

    def get_authenticate_header(self, request: Request) -> str:
        return "Token"


class TokenView(_Credentials):
    """POST user name and password, get a new API token that scripts send as
    "Authorization: Token <token>". Name it after the script or machine that uses it (a token
    of yours with that name is replaced) and give it an expiry if you can."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=TokenRequestSerializer, responses={200: IssuedTokenSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        user, wanted = _check_credentials(request, TokenRequestSerializer)
        return _issued(*issue_token(user=user, name=wanted.get("name", ""), expires_at=wanted.get("expires_at")))


class TokenListView(APIView):
    """The caller's API tokens (never their keys); POST makes another one without a password.
    A token made while authenticated with an expiring token expires no later than it."""

    @extend_schema(responses={200: ApiTokenSerializer(many=True)}, tags=["auth"])
    def get(self, request: Request) -> Response:
        used = request.auth.pk if isinstance(request.auth, ApiToken) else None
        tokens = list(token_list_for(user=caller(request)))
        for token in tokens:
            # read by ApiTokenSerializer; not a model field
            token.current = token.pk == used  # type: ignore[attr-defined]
        return Response(ApiTokenSerializer(tokens, many=True).data)

    @extend_schema(request=NewTokenSerializer, responses={200: IssuedTokenSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        wanted = NewTokenSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        cap = request.auth.expires_at if isinstance(request.auth, ApiToken) else None
        return _issued(
            *issue_token(
                user=caller(request),
                name=wanted.validated_data.get("name", ""),
                expires_at=wanted.validated_data.get("expires_at"),
                not_after=cap,
            )
        )


class TokenDetailView(APIView):
    """Revoke one of the caller's tokens (someone else's is 404)."""

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def delete(self, request: Request, pk: int) -> Response:
        revoke_token(user=caller(request), token_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(ensure_csrf_cookie, name="dispatch")
class LoginView(_Credentials):
    """The web UI's login: starts a session (cookie). Send the csrftoken cookie's value as
    the X-CSRFToken header (GET auth/me/ first to receive the cookie)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=CredentialsSerializer, responses={200: MeSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        # DRF views are CSRF-exempt unless a session user is authenticated; a login form
        # is a classic CSRF target, so check the token here too.
        SessionAuthentication().enforce_csrf(request)
        user, _ = _check_credentials(request, CredentialsSerializer)
        login(request._request, user)
        return Response(MeSerializer(me_data(user)).data)


class LogoutView(APIView):
    """Ends the session; when called with a token, that token (and no other) is revoked."""

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            revoke_token(user=caller(request), token_id=request.auth.pk)
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(APIView):
    """Who the caller is and their projects with their role in each. Also sets the
    csrftoken cookie, even on the 401 an anonymous caller gets, so the web UI can log in."""

    @extend_schema(responses={200: MeSerializer}, tags=["auth"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(me_data(caller(request))).data)
