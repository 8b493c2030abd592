"""Jobs: the one way long work reports status, progress, errors and results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from annotator.models import Job


def create_job(*, kind: str, project: Any = None, user: Any = None, params: dict[str, Any] | None = None) -> Job:
    return Job.objects.create(kind=kind, project=project, created_by=user, params=params or {})


def enqueue(job: Job, task: Any, *args: Any, **options: Any) -> None:
    """Queue `task(job.pk, *args)` once the surrounding transaction commits, so the worker
    never looks for a Job row that is not there yet."""

    def send() -> None:
        result = task.apply_async((job.pk, *args), **options)
        if result.id and not job.celery_task_id:
            Job.objects.filter(pk=job.pk).update(celery_task_id=result.id)

    transaction.on_commit(send)


def report_progress(job: Job, done: int, total: int, message: str = "") -> None:
    # An update, not a save: other fields of the row may be changed by the web process.
    job.progress_done, job.progress_total = done, total
    Job.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total, message=message[:500])


def mark_running(job: Job) -> None:
    job.status, job.started_at = Job.Status.RUNNING, timezone.now()
    Job.objects.filter(pk=job.pk).update(status=job.status, started_at=job.started_at, error="")


def mark_succeeded(job: Job, result: dict[str, Any] | None = None, message: str = "") -> None:
    job.status, job.finished_at = Job.Status.SUCCEEDED, timezone.now()
    fields: dict[str, Any] = {"status": job.status, "finished_at": job.finished_at, "result": result or {}}
    if message:
        fields["message"] = message[:500]
    Job.objects.filter(pk=job.pk).update(**fields)


def mark_failed(job: Job, error: str) -> None:
    job.status, job.finished_at, job.error = Job.Status.FAILED, timezone.now(), error
    Job.objects.filter(pk=job.pk).update(status=job.status, finished_at=job.finished_at, error=error)


def run_job(job_id: int, work: Callable[[Job], dict[str, Any] | None]) -> None:
    """Load the job, mark it running, call `work(job)` and record the outcome. A domain
    error (bad file, bad spans) fails the job with its message; anything else fails it
    with the exception's type and text and is re-raised for the worker's log."""
    from annotator.exceptions import AnnotatorError

    job = Job.objects.get(pk=job_id)
    mark_running(job)
    try:
        result = work(job)
    except AnnotatorError as error:
        mark_failed(job, str(error))
        return
    except Exception as error:
        mark_failed(job, f"{type(error).__name__}: {error}")
        raise
    mark_succeeded(job, result)
