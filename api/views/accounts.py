"""Accounts from the browser: site admins list, make and deactivate accounts and make join
links; anyone with a join link makes their account; everyone changes their own password;
owners search user names to add members."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.exceptions import AnnotatorError, Gone, NotFound
from annotator.models import JoinLink, Project, Role
from annotator.selectors import role_for
from annotator.selectors.accounts import (
    account_list,
    is_site_admin,
    join_link_list,
    join_link_state,
    owns_a_project,
    username_matches,
)
from annotator.services import accounts
from annotator.services.accounts import hash_token
from annotator.services.login_limits import (
    LoginThrottled,
    check_login_allowed,
    forget_failed_logins,
    record_failed_login,
)
from api.access import caller
from api.presenters import me_data
from api.schema import ErrorSerializer
from api.serializers.accounts import (
    AccountCreateSerializer,
    AccountListQuerySerializer,
    AccountPageSerializer,
    AccountSerializer,
    AccountUpdateSerializer,
    IssuedJoinLinkSerializer,
    JoinLinkCreateSerializer,
    JoinLinkInfoSerializer,
    JoinLinkSerializer,
    JoinSerializer,
    PasswordChangedSerializer,
    PasswordChangeSerializer,
    UsernameQuerySerializer,
    UsernameSerializer,
)
from api.serializers.projects import MeSerializer

GONE = {410: OpenApiResponse(ErrorSerializer, description="The join link was used or has expired.")}


def _admin(request: Request) -> User:
    user = caller(request)
    if not is_site_admin(user=user):
        raise PermissionDenied("this needs a site admin (a staff account)")
    return user


def _account_data(user: User) -> dict[str, Any]:
    fields = ("username", "email", "is_active", "is_staff", "is_superuser", "last_login", "date_joined")
    return {name: getattr(user, name) for name in fields}


def _link_data(link: JoinLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "token_prefix": link.token_prefix,
        "username": link.username,
        "email": link.email,
        "project": link.project.slug if link.project else None,
        "role": link.role,
        "created_by": link.created_by.username if link.created_by else None,
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "state": join_link_state(link),
    }


class _Throttled:
    """Password and token guesses count toward the login limits (services/login_limits.py)."""

    login_attempts_limited = True

    @staticmethod
    def too_many_guesses(error: LoginThrottled, what: str) -> Throttled:
        return Throttled(wait=error.retry_after, detail=f"Too many failed {what} from this address; wait and retry.")


class AccountPages(PageNumberPagination):
    page_size = 50


class AccountListView(APIView):
    """Every account (site admins): user name, e-mail, active or not, last login; 50 a page.
    POST makes an account with a password (never a staff one)."""

    @extend_schema(
        parameters=[AccountListQuerySerializer],
        responses={200: AccountPageSerializer, 404: OpenApiResponse(ErrorSerializer, description="No such page.")},
        tags=["accounts"],
    )
    def get(self, request: Request) -> Response:
        _admin(request)
        query = AccountListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        users: QuerySet[User] = account_list(prefix=query.validated_data.get("prefix", ""))
        pages = AccountPages()
        page = pages.paginate_queryset(users, request, view=self) or []
        return pages.get_paginated_response(AccountSerializer([_account_data(u) for u in page], many=True).data)

    @extend_schema(request=AccountCreateSerializer, responses={201: AccountSerializer}, tags=["accounts"])
    def post(self, request: Request) -> Response:
        _admin(request)
        given = AccountCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = accounts.create_account(**given.validated_data)
        return Response(AccountSerializer(_account_data(user)).data, status=status.HTTP_201_CREATED)


class AccountDetailView(APIView):
    """One account (site admins): PATCH `is_active` deactivates or reactivates it. Only a
    superuser changes a staff or superuser account; nobody deactivates themselves."""

    @extend_schema(request=AccountUpdateSerializer, responses={200: AccountSerializer}, tags=["accounts"])
    def patch(self, request: Request, username: str) -> Response:
        admin = _admin(request)
        user = User.objects.filter(username=username).first()
        if user is None:
            raise Http404(f"no account is named {username!r}")
        if (user.is_staff or user.is_superuser) and not admin.is_superuser and user.pk != admin.pk:
            raise PermissionDenied("only a superuser changes a staff or superuser account")
        given = AccountUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = accounts.set_account_active(by=admin, user=user, active=given.validated_data["is_active"])
        return Response(AccountSerializer(_account_data(user)).data)


class UsernameSearchView(APIView):
    """User names of active accounts starting with `prefix`, at most 10 (owners of a project,
    to add members). Names only."""

    @extend_schema(
        parameters=[UsernameQuerySerializer], responses={200: UsernameSerializer(many=True)}, tags=["accounts"]
    )
    def get(self, request: Request) -> Response:
        if not owns_a_project(user=caller(request)):
            raise PermissionDenied("searching accounts needs the owner role in a project")
        query = UsernameQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        names = username_matches(prefix=query.validated_data["prefix"])
        return Response(UsernameSerializer([{"username": name} for name in names], many=True).data)


class JoinLinkListView(APIView):
    """Join links not used yet (site admins). POST makes one: the answer carries its token and
    URL, shown only this once, and says whether it was also mailed (when the server sends
    mail and an e-mail address is given). With `project` (one you own) and `role` the person
    joins that project."""

    @extend_schema(responses={200: JoinLinkSerializer(many=True)}, tags=["accounts"])
    def get(self, request: Request) -> Response:
        _admin(request)
        return Response(JoinLinkSerializer([_link_data(link) for link in join_link_list()], many=True).data)

    @extend_schema(request=JoinLinkCreateSerializer, responses={201: IssuedJoinLinkSerializer}, tags=["accounts"])
    def post(self, request: Request) -> Response:
        admin = _admin(request)
        given = JoinLinkCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        wanted = dict(given.validated_data)
        project = None
        if "project" in wanted:
            slug = wanted.pop("project")
            project = Project.objects.live().filter(slug=slug).first()
            role = role_for(project=project, user=admin) if project else None
            if role is None:  # the same answer for a project that does not exist and one not yours
                raise AnnotatorError(f"project {slug!r}: no such project", field="project")
            if role != Role.OWNER:
                raise PermissionDenied(f"a join link to project {slug} needs the owner role there; you are {role}")
        link, token = accounts.create_join_link(created_by=admin, project=project, **wanted)
        url = request.build_absolute_uri(f"/join/{token}")
        mailed = accounts.mail_join_link(link=link, url=url)
        data = {**_link_data(link), "token": token, "url": url, "mailed": mailed}
        return Response(IssuedJoinLinkSerializer(data).data, status=status.HTTP_201_CREATED)


class JoinLinkDetailView(APIView):
    """DELETE (site admins) withdraws an unused join link."""

    @extend_schema(responses={204: None}, tags=["accounts"])
    def delete(self, request: Request, pk: int) -> Response:
        _admin(request)
        accounts.withdraw_join_link(link_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(ensure_csrf_cookie, name="dispatch")
class JoinView(_Throttled, APIView):
    """The public page behind a join link. GET says what the link is for; POST makes the
    account (user name unless preset, password), logs it in and answers as auth/me/. A used
    or expired link is 410, an unknown one 404; unknown, used and expired tokens count as
    failed logins, so guessing tokens is limited like guessing passwords."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def _link(self, request: Request, token: str, *, lock: bool = False) -> JoinLink:
        # Each token has its own counter ("user name") beside the client address's.
        key = f"join-link:{hash_token(token)}"
        try:
            check_login_allowed(request._request, username=key)
        except LoginThrottled as error:
            raise self.too_many_guesses(error, "join links") from None
        try:
            return accounts.usable_join_link(token, lock=lock)
        except (NotFound, Gone):
            record_failed_login(request._request, username=key)
            raise

    @extend_schema(responses={200: JoinLinkInfoSerializer, **GONE}, tags=["accounts"])
    def get(self, request: Request, token: str) -> Response:
        link = self._link(request, token)
        data = {
            "username": link.username,
            "project_name": link.project.name if link.project and link.project.deleted_at is None else None,
            "role": link.role if link.project and link.project.deleted_at is None else "",
            "expires_at": link.expires_at,
        }
        return Response(JoinLinkInfoSerializer(data).data)

    @extend_schema(request=JoinSerializer, responses={201: MeSerializer, **GONE}, tags=["accounts"])
    def post(self, request: Request, token: str) -> Response:
        SessionAuthentication().enforce_csrf(request)  # a form that logs in: as auth/login/
        self._link(request, token)  # counted and refused before any work
        given = JoinSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        wanted = given.validated_data
        user = accounts.join(token=token, username=wanted.get("username", ""), password=wanted["password"])
        login(request._request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(MeSerializer(me_data(user)).data, status=status.HTTP_201_CREATED)


class PasswordView(_Throttled, APIView):
    """Change your password: the current one, then the new one (the site's rules apply). Every
    API token of yours is revoked; this session stays logged in. A wrong current password
    counts as a failed login."""

    @extend_schema(request=PasswordChangeSerializer, responses={200: PasswordChangedSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        user = caller(request)
        given = PasswordChangeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            check_login_allowed(request._request, username=user.get_username())
        except LoginThrottled as error:
            raise self.too_many_guesses(error, "logins") from None
        if not user.check_password(given.validated_data["old_password"]):
            record_failed_login(request._request, username=user.get_username())
            raise AnnotatorError("the current password is wrong", field="old_password")
        forget_failed_logins(request._request, username=user.get_username())
        revoked = accounts.change_password(user=user, new_password=given.validated_data["new_password"])
        update_session_auth_hash(request._request, user)
        return Response(PasswordChangedSerializer({"tokens_revoked": revoked}).data)
