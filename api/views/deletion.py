"""Undo of a soft delete: restore a project or document (owners) within the undo window.
Deleted things vanish from every list, queue, export and report until restored; the
DELETE itself is on the project's and the document's own endpoints."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import Role
from annotator.services import deletion
from api import access, presenters
from api.serializers.deletion import RestoredSerializer


class ProjectRestoreView(APIView):
    """Restore a deleted project (owner), within the undo window; 409 once it has passed."""

    @extend_schema(request=None, responses={200: RestoredSerializer}, tags=["projects"])
    def post(self, request: Request, slug: str) -> Response:
        project = access.deleted_or_live_project(request, slug, Role.OWNER)
        deletion.restore_project(project=project)
        return Response(RestoredSerializer(presenters.restored_data(project.slug)).data)


class DocumentRestoreView(APIView):
    """Restore a deleted document (owner), within the undo window; 409 once it has passed."""

    @extend_schema(request=None, responses={200: RestoredSerializer}, tags=["documents"])
    def post(self, request: Request, pk: int) -> Response:
        document = access.deleted_or_live_document(request, pk, Role.OWNER)
        deletion.restore_document(document=document)
        return Response(RestoredSerializer(presenters.restored_data(document.external_id)).data)
