"""File imports by upload: stored, then read by a Celery worker as a job with progress."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import Role
from annotator.services import uploads
from api import access
from api.presenters import job_data
from api.serializers.documents import ImportSerializer
from api.serializers.jobs import JobSerializer

_ENVELOPE_BYTES = 64 * 1024


class ImportView(APIView):
    """Upload a file to import (owner): multipart with `file`, optional `format`,
    `as_annotator` or `as_gold`. Answers 202 with the job; poll jobs/{id}/. The import is
    all or nothing: a bad line fails the job with the line and reason, storing nothing.
    Uploads above MAX_UPLOAD_BYTES get 413."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportSerializer}, responses={202: JobSerializer}, tags=["documents"]
    )
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.OWNER)
        # Refuse an oversized body before reading it, by its declared length (less an
        # allowance for the multipart envelope); the file itself is checked by start_import.
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_UPLOAD_BYTES + _ENVELOPE_BYTES:
            uploads.check_upload_size(declared)
        given = ImportSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        job = uploads.start_import(
            project=project,
            user=access.caller(request),
            upload=data["file"],
            fmt=data.get("format") or None,
            as_annotator=data.get("as_annotator") or None,
            as_gold=data.get("as_gold", False),
        )
        job.refresh_from_db()
        return Response(JobSerializer(job_data(job, request)).data, status=status.HTTP_202_ACCEPTED)
