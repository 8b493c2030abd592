"""Jobs: a long task's status and progress, and the file it produced."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.jobs.liveness import fail_if_stale
from annotator.models import Job, Role
from annotator.selectors import role_for
from api.permissions import RANK
from api.serializers.jobs import JobSerializer
from api.views.projects import MAX_PK

# Job.params kept for the workers' own use: which process runs the job (host:pid), the
# storage path an export is being written to, the task to send again. Not for its readers.
_INTERNAL_PARAMS = ("worker", "writing", "task", "task_args")


def job_data(job: Job, request: Request) -> dict[str, Any]:
    download = None
    if job.output_file and job.status == Job.Status.SUCCEEDED:
        download = request.build_absolute_uri(reverse("job-download", args=[job.pk]))
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "project": job.project.slug if job.project else None,
        "progress": {"done": job.progress_done, "total": job.progress_total, "fraction": round(job.progress, 4)},
        "message": job.message,
        "error": job.error,
        "result": job.result,
        "params": {key: value for key, value in (job.params or {}).items() if key not in _INTERNAL_PARAMS},
        "download_url": download,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


def readable_job_or_404(request: Request, pk: int) -> Job:
    """A job is read with the caller's role in its project *now*, not when it was made:
    reviewers and owners read every job of a live project; an annotator reads only jobs
    they started themselves, and of exports only those of their own annotations (an export
    can hold everyone's spans). Once the caller leaves the project, or the project is
    deleted, the job does not exist for them (404), whoever created it."""
    job = Job.objects.filter(pk=pk).select_related("project").first() if 0 < pk <= MAX_PK else None
    if job is None:
        raise Http404("no such job")
    if job.project is None:  # no project to ask: only its creator
        if job.created_by_id != request.user.pk:
            raise Http404("no such job")
        return job
    role = role_for(project=job.project, user=request.user) if job.project.deleted_at is None else None
    if role is None:
        raise Http404("no such job")
    if RANK[Role(role)] >= RANK[Role.REVIEWER]:
        return job
    own_export = job.params.get("source") == f"annotator:{request.user.username}"
    if job.created_by_id != request.user.pk or (job.kind == Job.Kind.EXPORT and not own_export):
        raise Http404("no such job")
    return job


class JobDetailView(APIView):
    """A job's kind, status, progress, message, error, result and download link."""

    @extend_schema(responses={200: JobSerializer}, tags=["jobs"])
    def get(self, request: Request, pk: int) -> Response:
        job = readable_job_or_404(request, pk)
        fail_if_stale(job)  # a job whose worker was killed says so instead of running forever
        return Response(JobSerializer(job_data(job, request)).data)


class AnyAccept(BaseContentNegotiation):
    """File downloads answer with the file whatever the Accept header says (errors in JSON)."""

    def select_parser(self, request: Request, parsers: list) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: list, format_suffix: str | None = None) -> tuple:
        return renderers[0], renderers[0].media_type


class JobDownloadView(APIView):
    """The file a finished job produced (an export), from shared storage."""

    content_negotiation_class = AnyAccept

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="The file.")},
        tags=["jobs"],
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        job = readable_job_or_404(request, pk)
        if not job.output_file or job.status != Job.Status.SUCCEEDED:
            raise Http404("this job has no file (yet)")
        name = job.output_file.name.rsplit("/", 1)[-1]
        return FileResponse(job.output_file.open("rb"), as_attachment=True, filename=name)
