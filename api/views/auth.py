"""Logging in: a token for scripts, a session (with CSRF) for the web UI, and who am I."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from annotator.models import Membership
from annotator.selectors import project_list_for
from api.serializers.projects import CredentialsSerializer, MeSerializer, TokenSerializer


def _check_credentials(request: Request):  # type: ignore[no-untyped-def]
    given = CredentialsSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    user = authenticate(request, **given.validated_data)
    if user is None or not user.is_active:
        raise AuthenticationFailed("wrong user name or password")
    return user


class _Credentials(APIView):
    """Wrong credentials are 401 (DRF would say 403 for a view without authentication)."""

    def get_authenticate_header(self, request: Request) -> str:
        return "Token"


class TokenView(_Credentials):
    """POST user name and password, get the API token scripts send as "Authorization: Token <token>"."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=CredentialsSerializer, responses={200: TokenSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        user = _check_credentials(request)
        token, _ = Token.objects.get_or_create(user=user)
        return Response(TokenSerializer({"token": token.key}).data)


@method_decorator(ensure_csrf_cookie, name="dispatch")
class LoginView(_Credentials):
    """The web UI's login: starts a session (cookie). Send the csrftoken cookie's value as
    the X-CSRFToken header (GET auth/me/ first to receive the cookie)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=CredentialsSerializer, responses={200: MeSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        # DRF views are CSRF-exempt unless a session user is authenticated; a login form
        # is a classic CSRF target, so check the token here too.
        SessionAuthentication().enforce_csrf(request)
        user = _check_credentials(request)
        login(request._request, user)
        return Response(MeSerializer(_me(user)).data)


class LogoutView(APIView):
    """Ends the session; when called with a token, the token is revoked too."""

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, Token):
            request.auth.delete()
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _me(user) -> dict:  # type: ignore[no-untyped-def]
    roles = dict(Membership.objects.filter(user=user).values_list("project_id", "role"))
    projects = [
        {"slug": p.slug, "name": p.name, "role": "owner" if user.is_superuser else roles.get(p.pk)}
        for p in project_list_for(user=user)
    ]
    return {"username": user.username, "is_superuser": user.is_superuser, "projects": projects}


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(APIView):
    """Who the caller is and their projects with their role in each. Also sets the
    csrftoken cookie, even on the 401 an anonymous caller gets, so the web UI can log in."""

    @extend_schema(responses={200: MeSerializer}, tags=["auth"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(_me(request.user)).data)
