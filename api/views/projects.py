"""Projects, their settings and label set, and their members."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import sql
from annotator.exceptions import AnnotatorError, Conflict
from annotator.models import Document, Membership, Project, Role
from annotator.selectors import may_create_projects, project_list_for, role_for
from annotator.services import invitations, project_admin
from annotator.services.document_queries import project_progress
from annotator.services.projects import create_project
from api.permissions import RANK, require_role
from api.serializers.projects import (
    MemberAddedSerializer,
    MemberSerializer,
    PendingInvitationSerializer,
    ProjectCreateSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    RoleSerializer,
)
from api.views import deletion as deletion_views

MAX_PK = 2**53


def project_or_404(slug: str) -> Project:
    project = Project.objects.filter(slug=slug, deleted_at__isnull=True).first()
    if project is None:
        raise Http404("no such project")
    return project


def document_or_404(pk: int) -> Document:
    """A live document by id (ids beyond any real one are simply not found)."""
    document = None
    if 0 < pk <= MAX_PK:
        document = Document.objects.filter(pk=pk, deleted_at__isnull=True).select_related("project").first()
    if document is None or document.project.deleted_at is not None:
        raise Http404("no such document")
    return document


def _checked_role(request: Request, role: str | None, slug: str, least: str) -> str:
    """api.permissions.require_role's rules on a role already read (404 for outsiders, 403
    for too low a role), for the hot endpoints that fetch it in the same query as the row."""
    if getattr(request.user, "is_superuser", False):
        role = Role.OWNER
    if role is None or not request.user.is_authenticated:
        raise Http404("no such project")
    if RANK[Role(role)] < RANK[Role(least)]:
        raise PermissionDenied(f"this needs the {least} role in project {slug}; you are {role}")
    return role


# The hot path's lookups (every queue request and every save) in plain SQL: see annotator.sql.
_PROJECT_WITH_ROLE_SQL = """
SELECT p.*, (SELECT m.role FROM annotator_membership m WHERE m.project_id = p.id AND m.user_id = %s) AS my_role
FROM annotator_project p WHERE p.slug = %s AND p.deleted_at IS NULL
"""
_DOCUMENT_WITH_ROLE_SQL = """
SELECT d.*, (SELECT m.role FROM annotator_membership m WHERE m.project_id = d.project_id AND m.user_id = %s) AS my_role
FROM annotator_document d JOIN annotator_project p ON p.id = d.project_id
WHERE d.id = %s AND d.deleted_at IS NULL AND p.deleted_at IS NULL
"""
_PROJECT_SQL = "SELECT * FROM annotator_project WHERE id = %s"


def project_with_role(request: Request, slug: str, least: str) -> tuple[Project, str]:
    """The project and the caller's role in it, in one query (the queue's hot path)."""
    project = sql.instance(Project, _PROJECT_WITH_ROLE_SQL, [request.user.pk, slug])
    if project is None:
        raise Http404("no such project")
    return project, _checked_role(request, project.my_role, slug, least)


def document_with_role(request: Request, pk: int, least: str) -> tuple[Document, str]:
    """A live document of a live project, with the project and the caller's role there."""
    document = sql.instance(Document, _DOCUMENT_WITH_ROLE_SQL, [request.user.pk, pk]) if 0 < pk <= MAX_PK else None
    if document is None:
        raise Http404("no such document")
    document.project = sql.instance(Project, _PROJECT_SQL, [document.project_id])
    return document, _checked_role(request, document.my_role, document.project.slug, least)


def sees_all(role: str) -> bool:
    """Reviewers and owners see every annotator's work; annotators only their own."""
    return RANK[Role(role)] >= RANK[Role.REVIEWER]


def project_data(project: Project, *, user: AbstractBaseUser, role: str) -> dict[str, Any]:
    return {
        "slug": project.slug,
        "name": project.name,
        "guidelines": project.guidelines,
        "annotators_per_document": project.annotators_per_document,
        "retrain_every": project.retrain_every,
        "labels": [
            {"name": label.name, "colour": label.colour, "hotkey": label.hotkey, "attributes": label.attributes}
            for label in project.labels.all()
        ],
        "role": role,
        "progress": project_progress(project=project, user=None if sees_all(role) else user),
        "created_at": project.created_at,
    }


class ProjectListView(APIView):
    """Your projects (with your role and progress figures); POST creates one, with you as its
    owner (staff accounts only, unless the setting PROJECT_CREATORS is "all")."""

    @extend_schema(responses={200: ProjectSerializer(many=True)}, tags=["projects"])
    def get(self, request: Request) -> Response:
        projects = project_list_for(user=request.user).prefetch_related("labels")
        data = [
            project_data(p, user=request.user, role=role_for(project=p, user=request.user) or Role.ANNOTATOR)
            for p in projects
        ]
        return Response(ProjectSerializer(data, many=True).data)

    @extend_schema(request=ProjectCreateSerializer, responses={201: ProjectSerializer}, tags=["projects"])
    def post(self, request: Request) -> Response:
        if not may_create_projects(user=request.user):
            raise PermissionDenied("only staff accounts may create projects here (setting PROJECT_CREATORS)")
        given = ProjectCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            project = create_project(owner=request.user, **given.validated_data)
        except Conflict as error:
            # One answer for every taken slug (a project the caller cannot see, a deleted
            # one, or their own), phrased as bad input: it does not say whose it is.
            if error.details.get("field") != "slug":
                raise
            slug = given.validated_data["slug"]
            raise AnnotatorError(f"slug {slug!r} is not available; choose another", field="slug") from None
        data = project_data(project, user=request.user, role=Role.OWNER)
        return Response(ProjectSerializer(data).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(APIView):
    """A project: settings, label set, your role and progress. PATCH (owner) changes any of
    name, guidelines, annotators_per_document, retrain_every and labels (the whole set)."""

    @extend_schema(responses={200: ProjectSerializer}, tags=["projects"])
    def get(self, request: Request, slug: str) -> Response:
        project = project_or_404(slug)
        role = require_role(request, project, Role.ANNOTATOR)
        return Response(ProjectSerializer(project_data(project, user=request.user, role=role)).data)

    @extend_schema(request=ProjectUpdateSerializer, responses={200: ProjectSerializer}, tags=["projects"])
    def patch(self, request: Request, slug: str) -> Response:
        project = project_or_404(slug)
        role = require_role(request, project, Role.OWNER)
        given = ProjectUpdateSerializer(data=request.data)  # every field optional; a label still needs its name
        given.is_valid(raise_exception=True)
        project = project_admin.update_project(project=project, **given.validated_data)
        return Response(ProjectSerializer(project_data(project, user=request.user, role=role)).data)

    @extend_schema(responses={200: deletion_views.DeletedSerializer}, tags=["projects"])
    def delete(self, request: Request, slug: str) -> Response:
        """Delete the project (owner): gone from view at once, restorable within the undo window."""
        return deletion_views.delete_project_response(request, project_or_404(slug))


def _members(project: Project) -> list[dict[str, str]]:
    return [
        {"username": m.user.username, "role": m.role}
        for m in Membership.objects.filter(project=project).select_related("user").order_by("user__username")
    ]


class MemberListView(APIView):
    """The project's members with their roles (reviewers and owners). POST (owner) with a
    user name and a role: a member's role changes (200, status `member`); anyone else is
    invited (202, status `invited`) and joins only by accepting the invitation
    (`/api/invitations/`). The answer is the same whether or not the name has an account."""

    @extend_schema(responses={200: MemberSerializer(many=True)}, tags=["projects"])
    def get(self, request: Request, slug: str) -> Response:
        project = project_or_404(slug)
        require_role(request, project, Role.REVIEWER)
        return Response(MemberSerializer(_members(project), many=True).data)

    @extend_schema(
        request=MemberSerializer, responses={200: MemberAddedSerializer, 202: MemberAddedSerializer}, tags=["projects"]
    )
    def post(self, request: Request, slug: str) -> Response:
        project = project_or_404(slug)
        require_role(request, project, Role.OWNER)
        given = MemberSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        username, role = given.validated_data["username"], given.validated_data["role"]
        if Membership.objects.filter(project=project, user__username=username).exists():
            membership = project_admin.set_member(project=project, username=username, role=role)
            data = {"username": username, "role": membership.role, "status": "member"}
            return Response(MemberAddedSerializer(data).data)
        invitation = invitations.invite(project=project, username=username, role=role, invited_by=request.user)
        data = {"username": invitation.username, "role": invitation.role, "status": "invited"}
        return Response(MemberAddedSerializer(data).data, status=status.HTTP_202_ACCEPTED)


class MemberDetailView(APIView):
    """One member (owner): PATCH changes the role, DELETE removes them from the project
    (their annotations stay). The last owner can neither step down nor leave."""

    @extend_schema(request=RoleSerializer, responses={200: MemberSerializer}, tags=["projects"])
    def patch(self, request: Request, slug: str, username: str) -> Response:
        project = project_or_404(slug)
        require_role(request, project, Role.OWNER)
        if not Membership.objects.filter(project=project, user__username=username).exists():
            raise Http404(f"{username!r} is not a member of this project")
        given = RoleSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        membership = project_admin.set_member(project=project, username=username, role=given.validated_data["role"])
        return Response(MemberSerializer({"username": membership.user.username, "role": membership.role}).data)

    @extend_schema(responses={204: None}, tags=["projects"])
    def delete(self, request: Request, slug: str, username: str) -> Response:
        project = project_or_404(slug)
        require_role(request, project, Role.OWNER)
        project_admin.remove_member(project=project, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProjectInvitationListView(APIView):
    """The invitations to this project still waiting for an answer (owner)."""

    @extend_schema(responses={200: PendingInvitationSerializer(many=True)}, tags=["projects"])
    def get(self, request: Request, slug: str) -> Response:
        project = project_or_404(slug)
        require_role(request, project, Role.OWNER)
        data = [
            {
                "username": i.username,
                "role": i.role,
                "invited_by": i.invited_by.username if i.invited_by else None,
                "created_at": i.created_at,
            }
            for i in invitations.pending_for_project(project=project)
        ]
        return Response(PendingInvitationSerializer(data, many=True).data)


class ProjectInvitationDetailView(APIView):
    """DELETE (owner) withdraws the waiting invitation of `username`."""

    @extend_schema(responses={204: None}, tags=["projects"])
    def delete(self, request: Request, slug: str, username: str) -> Response:
        project = project_or_404(slug)
        require_role(request, project, Role.OWNER)
        invitations.withdraw(project=project, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)
