"""Exports: streamed as they are written, or (large ones, or on request) as a job."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.formats.registry import EXPORT_FORMATS, export_format
from annotator.models import Document, Role
from annotator.services import exports, uploads
from api import access
from api.negotiation import AnyAccept
from api.presenters import job_data
from api.serializers.exports import ExportQuerySerializer
from api.serializers.jobs import JobSerializer

log = logging.getLogger(__name__)


def streamed(chunks: Iterable[str | bytes], *, fmt: str, slug: str) -> Iterator[bytes]:
    """The export's chunks as bytes. An export that fails part-way cannot change its 200
    any more, so it ends in a way a client can tell: a JSONL stream gets a last line
    ``{"error": {...}}`` (which no importer takes for a document), and then the error is
    raised again, so the server drops the connection without ending the chunked body
    (curl: "transfer closed with outstanding read data", requests: ChunkedEncodingError).
    Export jobs (`async=1`) are all or nothing: see docs/operations.md, "Bad input"."""
    try:
        for chunk in chunks:
            yield chunk if isinstance(chunk, bytes) else chunk.encode("utf-8")
    except Exception:
        log.exception("the %s export of project %s failed part-way", fmt, slug)
        if fmt == "jsonl":
            message = "the export failed part-way and this file is incomplete; ask for it as a job (async=1)"
            yield (json.dumps({"error": {"code": "export_failed", "message": message}}) + "\n").encode()
        raise


class ExportView(APIView):
    """Export the project (reviewers and owners; annotators only `source=annotator:<themselves>`).
    Streams the file (200); with `async=1`, or when the project has more than
    EXPORT_STREAM_MAX_DOCUMENTS documents, queues a job and answers 202 with it (its
    `download_url` serves the file when it is done)."""

    content_negotiation_class = AnyAccept

    @extend_schema(
        parameters=[
            ExportQuerySerializer,
            OpenApiParameter(
                "async", OpenApiTypes.BOOL, description="1 to export as a job (202) with a download link."
            ),
        ],
        responses={
            **{
                (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The export file, streamed.")
                for media_type in sorted({spec.media_type.split(";")[0] for spec in EXPORT_FORMATS.values()})
            },
            202: JobSerializer,
        },
        tags=["export"],
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse | Response:
        project, role = access.project_for(request, slug, Role.ANNOTATOR)
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fmt, source = query.validated_data["format"], query.validated_data["source"]
        access.check_export_source(request, role, source)
        filters = {k: v for k, v in query.validated_data.items() if k in ExportQuerySerializer.FILTERS}
        as_job = request.query_params.get("async", "").lower() in ("1", "true", "yes", "on")
        large = Document.objects.live().filter(project=project).count()
        if as_job or large > settings.EXPORT_STREAM_MAX_DOCUMENTS:
            job = uploads.start_export(
                project=project, user=access.caller(request), source=source, fmt=fmt, filters=filters
            )
            job.refresh_from_db()
            return Response(JobSerializer(job_data(job, request)).data, status=status.HTTP_202_ACCEPTED)
        spec = export_format(fmt)
        chunks = exports.export(project=project, source=source, fmt=fmt, **filters)
        response = StreamingHttpResponse(streamed(chunks, fmt=fmt, slug=project.slug), content_type=spec.media_type)
        name = f"{project.slug}-{source}.{spec.extension.lstrip('.')}"
        filename = "".join(c if c.isalnum() or c in "._-" else "-" for c in name)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
