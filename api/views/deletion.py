"""Soft delete and undo: DELETE a project or document (owners), restore it within the undo
window. Deleted things vanish from every list, queue, export and report until restored."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import Document, Project, Role
from annotator.services import deletion
from api.permissions import require_role


class DeletedSerializer(serializers.Serializer):
    deleted = serializers.CharField(help_text="What was deleted: the project's slug or the document's id.")
    undo_until = serializers.DateTimeField(help_text="Until when it can be restored; after that it is purged.")


class RestoredSerializer(serializers.Serializer):
    restored = serializers.CharField(help_text="What was restored.")


def delete_project_response(request: Request, project: Project) -> Response:
    require_role(request, project, Role.OWNER)
    until = deletion.delete_project(project=project)
    return Response(DeletedSerializer({"deleted": project.slug, "undo_until": until}).data)


def delete_document_response(request: Request, document: Document) -> Response:
    require_role(request, document.project, Role.OWNER)
    until = deletion.delete_document(document=document)
    return Response(DeletedSerializer({"deleted": document.external_id, "undo_until": until}).data)


class ProjectRestoreView(APIView):
    """Restore a deleted project (owner), within the undo window; 409 once it has passed."""

    @extend_schema(request=None, responses={200: RestoredSerializer}, tags=["projects"])
    def post(self, request: Request, slug: str) -> Response:
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise Http404("no such project")
        require_role(request, project, Role.OWNER)
        deletion.restore_project(project=project)
        return Response(RestoredSerializer({"restored": project.slug}).data)


class DocumentRestoreView(APIView):
    """Restore a deleted document (owner), within the undo window; 409 once it has passed."""

    @extend_schema(request=None, responses={200: RestoredSerializer}, tags=["documents"])
    def post(self, request: Request, pk: int) -> Response:
        from api.views.projects import MAX_PK  # (projects imports this module)

        document = Document.objects.filter(pk=pk).select_related("project").first() if 0 < pk <= MAX_PK else None
        if document is None or document.project.deleted_at is not None:
            raise Http404("no such document")
        require_role(request, document.project, Role.OWNER)
        deletion.restore_document(document=document)
        return Response(RestoredSerializer({"restored": document.external_id}).data)
