"""Jobs: a long task's status and progress, and the file it produced."""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.jobs.liveness import fail_if_stale
from annotator.models import Job
from api import access
from api.negotiation import AnyAccept
from api.presenters import job_data
from api.serializers.jobs import JobSerializer


class JobDetailView(APIView):
    """A job's kind, status, progress, message, error, result and download link."""

    @extend_schema(responses={200: JobSerializer}, tags=["jobs"])
    def get(self, request: Request, pk: int) -> Response:
        job = access.readable_job(request, pk)
        fail_if_stale(job)  # a job whose worker was killed says so instead of running forever
        return Response(JobSerializer(job_data(job, request)).data)


class JobDownloadView(APIView):
    """The file a finished job produced (an export), from shared storage."""

    content_negotiation_class = AnyAccept

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="The file.")},
        tags=["jobs"],
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        job = access.readable_job(request, pk)
        if not job.output_file.name or job.status != Job.Status.SUCCEEDED:
            raise Http404("this job has no file (yet)")
        name = job.output_file.name.rsplit("/", 1)[-1]
        try:
            handle = job.output_file.open("rb")
        except FileNotFoundError:
            # The worker wrote it where this machine cannot see: MEDIA_ROOT is not shared
            # storage (docs/operations.md), or the file was removed since.
            raise Http404(f"the file of job {job.pk} is not in this server's MEDIA_ROOT") from None
        return FileResponse(handle, as_attachment=True, filename=name)
