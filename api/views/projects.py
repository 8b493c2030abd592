"""Projects, their settings and label set, and their members."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.exceptions import AnnotatorError, Conflict
from annotator.models import Membership, Role
from annotator.selectors import deleted_project_list_for, may_create_projects, project_list_for, role_for
from annotator.services import deletion, invitations, project_admin
from annotator.services.projects import create_project, duplicate_project
from annotator.services.templates import project_templates
from api import access, presenters
from api.presenters import project_data
from api.serializers.deletion import DeletedSerializer
from api.serializers.projects import (
    DeletedProjectSerializer,
    MemberAddedSerializer,
    MemberSerializer,
    PendingInvitationSerializer,
    ProjectCreateSerializer,
    ProjectDuplicateSerializer,
    ProjectSerializer,
    ProjectTemplateSerializer,
    ProjectUpdateSerializer,
    RoleSerializer,
)


class ProjectListView(APIView):
    """Your projects (with your role and progress figures); POST creates one, with you as its
    owner (staff accounts only, unless the setting PROJECT_CREATORS is "all")."""

    @extend_schema(responses={200: ProjectSerializer(many=True)}, tags=["projects"])
    def get(self, request: Request) -> Response:
        projects = project_list_for(user=access.caller(request)).prefetch_related("labels", "relation_types")
        data = [
            project_data(
                p, user=access.caller(request), role=role_for(project=p, user=access.caller(request)) or Role.ANNOTATOR
            )
            for p in projects
        ]
        return Response(ProjectSerializer(data, many=True).data)

    @extend_schema(request=ProjectCreateSerializer, responses={201: ProjectSerializer}, tags=["projects"])
    def post(self, request: Request) -> Response:
        _check_may_create(request)
        given = ProjectCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with _slug_not_available(given.validated_data["slug"]):
            project = create_project(owner=access.caller(request), **given.validated_data)
        data = project_data(project, user=access.caller(request), role=Role.OWNER)
        return Response(ProjectSerializer(data).data, status=status.HTTP_201_CREATED)


def _check_may_create(request: Request) -> None:
    if not may_create_projects(user=access.caller(request)):
        raise PermissionDenied(
            "only staff accounts may create projects on this site (setting PROJECT_CREATORS); ask an administrator"
        )


@contextmanager
def _slug_not_available(slug: str) -> Iterator[None]:
    """One answer for every taken slug (a project the caller cannot see, a deleted one, or
    their own), phrased as bad input: it does not say whose it is."""
    try:
        yield
    except Conflict as error:
        if error.details.get("field") != "slug":
            raise
        raise AnnotatorError(f"slug {slug!r} is not available; choose another", field="slug") from None


class ProjectDuplicateView(APIView):
    """A new project with this one's settings (owner, and allowed to create projects): label
    set, attributes, guidelines, quotas. Documents, annotations, models and members stay
    behind; the caller owns the copy."""

    @extend_schema(request=ProjectDuplicateSerializer, responses={201: ProjectSerializer}, tags=["projects"])
    def post(self, request: Request, slug: str) -> Response:
        source, _ = access.project_for(request, slug, Role.OWNER)
        _check_may_create(request)
        given = ProjectDuplicateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with _slug_not_available(given.validated_data["slug"]):
            project = duplicate_project(source=source, owner=access.caller(request), **given.validated_data)
        data = project_data(project, user=access.caller(request), role=Role.OWNER)
        return Response(ProjectSerializer(data).data, status=status.HTTP_201_CREATED)


class DeletedProjectListView(APIView):
    """Projects you own that were deleted and can still be restored (within the undo window),
    most recent first. POST projects/{slug}/restore/ brings one back."""

    @extend_schema(responses={200: DeletedProjectSerializer(many=True)}, tags=["projects"])
    def get(self, request: Request) -> Response:
        projects = deleted_project_list_for(user=access.caller(request))
        data = [presenters.deleted_project_data(p) for p in projects]
        return Response(DeletedProjectSerializer(data, many=True).data)


class ProjectTemplateListView(APIView):
    """Settings a new project can start from (label set, attributes, guidelines, quotas)."""

    @extend_schema(responses={200: ProjectTemplateSerializer(many=True)}, tags=["projects"])
    def get(self, request: Request) -> Response:
        return Response(ProjectTemplateSerializer(project_templates(), many=True).data)


class ProjectDetailView(APIView):
    """A project: settings, label set, your role and progress. PATCH (owner) changes any of
    name, guidelines, annotators_per_document, retrain_every and labels (the whole set)."""

    @extend_schema(responses={200: ProjectSerializer}, tags=["projects"])
    def get(self, request: Request, slug: str) -> Response:
        project, role = access.project_for(request, slug, Role.ANNOTATOR)
        return Response(ProjectSerializer(project_data(project, user=access.caller(request), role=role)).data)

    @extend_schema(request=ProjectUpdateSerializer, responses={200: ProjectSerializer}, tags=["projects"])
    def patch(self, request: Request, slug: str) -> Response:
        project, role = access.project_for(request, slug, Role.OWNER)
        given = ProjectUpdateSerializer(data=request.data)  # every field optional; a label still needs its name
        given.is_valid(raise_exception=True)
        project = project_admin.update_project(project=project, **given.validated_data)
        return Response(ProjectSerializer(project_data(project, user=access.caller(request), role=role)).data)

    @extend_schema(responses={200: DeletedSerializer}, tags=["projects"])
    def delete(self, request: Request, slug: str) -> Response:
        """Delete the project (owner): gone from view at once, restorable within the undo window."""
        project, _ = access.project_for(request, slug, Role.OWNER)
        until = deletion.delete_project(project=project)
        return Response(DeletedSerializer(presenters.deleted_data(project.slug, until)).data)


class MemberListView(APIView):
    """The project's members with their roles (reviewers and owners). POST (owner) with a
    user name and a role: a member's role changes (200, status `member`); anyone else is
    invited (202, status `invited`) and joins only by accepting the invitation
    (`/api/invitations/`). The answer is the same whether or not the name has an account."""

    @extend_schema(responses={200: MemberSerializer(many=True)}, tags=["projects"])
    def get(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.REVIEWER)
        members = Membership.objects.filter(project=project).select_related("user").order_by("user__username")
        return Response(MemberSerializer([presenters.member_data(m) for m in members], many=True).data)

    @extend_schema(
        request=MemberSerializer, responses={200: MemberAddedSerializer, 202: MemberAddedSerializer}, tags=["projects"]
    )
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.OWNER)
        given = MemberSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        username, role = given.validated_data["username"], given.validated_data["role"]
        if Membership.objects.filter(project=project, user__username=username).exists():
            membership = project_admin.set_member(project=project, username=username, role=role)
            data = presenters.member_added_data(username, membership.role, "member")
            return Response(MemberAddedSerializer(data).data)
        invitation = invitations.invite(
            project=project, username=username, role=role, invited_by=access.caller(request)
        )
        data = presenters.member_added_data(invitation.username, invitation.role, "invited")
        return Response(MemberAddedSerializer(data).data, status=status.HTTP_202_ACCEPTED)


class MemberDetailView(APIView):
    """One member (owner): PATCH changes the role, DELETE removes them from the project
    (their annotations stay). The last owner can neither step down nor leave."""

    @extend_schema(request=RoleSerializer, responses={200: MemberSerializer}, tags=["projects"])
    def patch(self, request: Request, slug: str, username: str) -> Response:
        project, _ = access.project_for(request, slug, Role.OWNER)
        if not Membership.objects.filter(project=project, user__username=username).exists():
            raise Http404(f"{username!r} is not a member of this project")
        given = RoleSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        membership = project_admin.set_member(project=project, username=username, role=given.validated_data["role"])
        return Response(MemberSerializer(presenters.member_data(membership)).data)

    @extend_schema(responses={204: None}, tags=["projects"])
    def delete(self, request: Request, slug: str, username: str) -> Response:
        project, _ = access.project_for(request, slug, Role.OWNER)
        project_admin.remove_member(project=project, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProjectInvitationListView(APIView):
    """The invitations to this project still waiting for an answer (owner)."""

    @extend_schema(responses={200: PendingInvitationSerializer(many=True)}, tags=["projects"])
    def get(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.OWNER)
        data = [presenters.pending_invitation_data(i) for i in invitations.pending_for_project(project=project)]
        return Response(PendingInvitationSerializer(data, many=True).data)


class ProjectInvitationDetailView(APIView):
    """DELETE (owner) withdraws the waiting invitation of `username`."""

    @extend_schema(responses={204: None}, tags=["projects"])
    def delete(self, request: Request, slug: str, username: str) -> Response:
        project, _ = access.project_for(request, slug, Role.OWNER)
        invitations.withdraw(project=project, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)
