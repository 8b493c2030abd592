"""The Job row: the one way long work reports status, progress, errors and results, and
`run_job`, the one runner of that work (Celery tasks and in-process runs alike)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from celery import current_task
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connections
from django.utils import timezone

from annotator.exceptions import AnnotatorError
from annotator.models import Job, Project

log = logging.getLogger(__name__)

# What a job leaves half-done if its worker dies, named in its params before it starts on it,
# so the sweep can clear it without knowing the job's kind (`liveness.clear_leftovers`):
LEFTOVER_FILE = "writing"  # a path in the default storage, being written
LEFTOVER_MODEL_VERSION = "model_version"  # a ModelVersion id, a leftover while still `training`

Work = Callable[[Job], dict[str, Any] | None]


def worker_name() -> str:
    """host:pid of this process, for the operators' log."""
    return f"{socket.gethostname()}:{os.getpid()}"


def create_job(
    *,
    kind: str,
    project: Project | None = None,
    user: User | None = None,
    params: dict[str, Any] | None = None,
) -> Job:
    return Job.objects.create(kind=kind, project=project, created_by=user, params=params or {})


def project_of(job: Job) -> Project:
    """The project of a job that belongs to one (imports, exports, trainings, refreshes)."""
    if job.project is None:  # such jobs are always created with their project
        raise AnnotatorError(f"{job.kind} job {job.pk} has no project")
    return job.project


def update_params(job: Job, **params: Any) -> None:
    """Add to the job's params, on the object and the row."""
    job.params = {**job.params, **params}
    Job.objects.filter(pk=job.pk).update(params=job.params)


def record_leftover(job: Job, *, file: str | None = None, model_version: int | None = None) -> None:
    """Name on the row what the job is about to make and might leave half-done (a file in
    the default storage, a model version in training); written before the work starts."""
    leftovers: dict[str, Any] = {}
    if file is not None:
        leftovers[LEFTOVER_FILE] = file
    if model_version is not None:
        leftovers[LEFTOVER_MODEL_VERSION] = model_version
    update_params(job, **leftovers)


def claim_job(job: Job) -> bool:
    """Mark a queued job running in this worker process. False when it is not queued any
    more: another delivery of its message runs it or ran it, or it was failed as lost.

    The one `UPDATE … WHERE status = 'queued'` is what makes every task safe to deliver
    twice (acks_late redelivery, a message the sweep sent again while the first one was
    only late): whichever delivery comes first runs the job, the others do nothing."""
    params = {**job.params, "worker": worker_name()}
    fields: dict[str, Any] = {
        "status": Job.Status.RUNNING,
        "started_at": timezone.now(),
        "params": params,
        "result": {"heartbeat": time.time()},
        "error": "",
        "message": "",
    }
    task_id = getattr(getattr(current_task, "request", None), "id", None)
    if task_id:  # the delivery that runs the job, which workers are asked about (liveness)
        fields["celery_task_id"] = task_id
    if not Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(**fields):
        return False
    job.status, job.started_at, job.params = Job.Status.RUNNING, fields["started_at"], params
    job.celery_task_id = fields.get("celery_task_id", job.celery_task_id)
    return True


def report_progress(job: Job, done: int, total: int, message: str = "") -> None:
    # An update, not a save: other fields of the row may be changed by the web process.
    job.progress_done, job.progress_total = done, total
    Job.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total, message=message[:500])


def mark_succeeded(job: Job, result: dict[str, Any] | None = None, message: str = "") -> None:
    job.status, job.finished_at, job.result = Job.Status.SUCCEEDED, timezone.now(), result or {}
    fields: dict[str, Any] = {"status": job.status, "finished_at": job.finished_at, "result": job.result}
    if message:
        fields["message"] = message[:500]
    Job.objects.filter(pk=job.pk).update(**fields)


def mark_failed(job: Job, error: str) -> None:
    job.status, job.finished_at, job.error = Job.Status.FAILED, timezone.now(), error
    Job.objects.filter(pk=job.pk).update(status=job.status, finished_at=job.finished_at, error=error)


@contextmanager
def heartbeat(job_id: int) -> Iterator[None]:
    """While the body runs, write a heartbeat on the running Job every few seconds, so a
    job whose worker was killed (or whose machine went away) can be told from a slow one."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(result={"heartbeat": time.time()})
                except Exception:  # a busy database: the next beat tries again
                    log.exception("job %s: heartbeat not written", job_id)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()


def run_job(job_id: int, work: Work, *, claimed: bool = False, raise_errors: bool = False) -> Job:
    """Claim the queued job (`claim_job`), call `work(job)` under a heartbeat and record the
    outcome; returns the job as it ended. A job not queued any more (running elsewhere,
    failed as lost, done) is left alone; `claimed=True` is for a caller that claimed it
    itself (a training waits its turn first).

    A domain error (bad file, bad spans) fails the job with its message, and is raised
    again only with `raise_errors` (a caller in the foreground, such as the demo's
    seeding); anything else fails it with the exception's type and text and is raised
    again for the worker's log."""
    job = Job.objects.select_related("project").get(pk=job_id)
    if not claimed and not claim_job(job):
        log.warning("job %s is %s already; not run again", job_id, job.status)
        return job
    try:
        with heartbeat(job.pk):
            result = work(job)
    except AnnotatorError as error:
        mark_failed(job, str(error))
        if raise_errors:
            raise
        return job
    except Exception as error:
        mark_failed(job, f"{type(error).__name__}: {error}")
        raise
    mark_succeeded(job, result)
    return job
