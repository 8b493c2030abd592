"""Jobs: the one way long work reports status, progress, errors and results."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from annotator.models import Job

log = logging.getLogger(__name__)
# Errors that mean "the broker (Redis) cannot be reached": the job waits, the request goes on.
_BROKER_DOWN = (BrokerError, ConnectionError, TimeoutError)


def create_job(*, kind: str, project: Any = None, user: Any = None, params: dict[str, Any] | None = None) -> Job:
    return Job.objects.create(kind=kind, project=project, created_by=user, params=params or {})


def enqueue(job: Job, task: Any, *args: Any, **options: Any) -> None:
    """Queue `task(job.pk, *args)` once the surrounding transaction commits, so the worker
    never looks for a Job row that is not there yet.

    If Redis cannot be reached, the job stays queued with a message saying so, and the
    request that asked for it still succeeds; `resend_stranded_jobs` sends it once Redis is
    back (every later `enqueue` calls it first)."""
    job.params = {**job.params, "task": task.name, "task_args": list(args)}
    Job.objects.filter(pk=job.pk).update(params=job.params)

    def send() -> None:
        resend_stranded_jobs(exclude=job.pk)
        _send(job.pk, task.name, [job.pk, *args], options)

    transaction.on_commit(send)


def _send(job_id: int, task_name: str, args: list[Any], options: dict[str, Any] | None = None) -> bool:
    from annotator.celery import app

    try:
        # Through the registered task, so tests' eager mode and the queue routes both apply.
        result = app.tasks[task_name].apply_async(args=args, **(options or {}))
    except _BROKER_DOWN as error:
        log.warning("job %s waits: the task queue is unreachable (%s)", job_id, error)
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            message="waiting for the task queue (Redis unreachable); it is sent again when Redis is back"
        )
        return False
    # Only a job still queued: a fast worker may have claimed it (and written its own task id) already.
    Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(celery_task_id=result.id or "", message="")
    return True


def resend_stranded_jobs(*, exclude: int | None = None, older_than: timedelta = timedelta(seconds=2)) -> int:
    """Send again the queued jobs that never reached the broker. Returns how many went."""
    stranded = Job.objects.filter(
        status=Job.Status.QUEUED, celery_task_id="", created_at__lt=timezone.now() - older_than
    ).exclude(pk=exclude or 0)
    sent = 0
    for job in stranded.only("pk", "params")[:100]:
        name = job.params.get("task")
        if name and _send(job.pk, name, [job.pk, *job.params.get("task_args", [])]):
            sent += 1
    return sent


def report_progress(job: Job, done: int, total: int, message: str = "") -> None:
    # An update, not a save: other fields of the row may be changed by the web process.
    job.progress_done, job.progress_total = done, total
    Job.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total, message=message[:500])


def mark_succeeded(job: Job, result: dict[str, Any] | None = None, message: str = "") -> None:
    job.status, job.finished_at = Job.Status.SUCCEEDED, timezone.now()
    fields: dict[str, Any] = {"status": job.status, "finished_at": job.finished_at, "result": result or {}}
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
        from django.db import connections

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


def stale_reason(job: Job) -> str | None:
    """Why a running job is taken for dead (no heartbeat for too long), or None."""
    if job.status != Job.Status.RUNNING:
        return None
    beat = (job.result or {}).get("heartbeat") or (job.started_at.timestamp() if job.started_at else 0)
    silent = time.time() - beat
    if silent < settings.JOB_STALE_AFTER_SECONDS:
        return None
    worker = job.params.get("worker", "an unknown worker")
    return f"the worker running this {job.kind} ({worker}) stopped: no heartbeat for {silent:.0f} s"


def _check_broker() -> None:
    """Raise (kombu's OperationalError) at once if the broker cannot be reached: asking
    workers or reading queues would otherwise retry for seconds first."""
    from annotator.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0)


def _ask_workers(task_ids: list[str]) -> dict[str, dict[str, str]] | None:
    """Which of the tasks each answering Celery worker holds, with its state there
    ("active", "reserved", or "scheduled": a countdown): {worker: {task_id: state}}, empty
    when no worker answered within a second. None when the broker cannot be reached."""
    from annotator.celery import app

    transport = app.connection_for_write()  # not connected: for the transport's own error types
    try:
        _check_broker()
        replies = app.control.inspect(timeout=1.0).query_task(*task_ids) or {}
    except (*_BROKER_DOWN, OSError, *transport.connection_errors, *transport.channel_errors):
        return None
    return {worker: {task_id: info[0] for task_id, info in (tasks or {}).items()} for worker, tasks in replies.items()}


def fail_if_stale(job: Job) -> bool:
    """Mark a running job whose worker is gone as failed, with the reason, and clear what
    it left half-done (`_clean_up_lost`). Little is: imports run in one transaction, export
    files are written whole to a nameless temporary file before they are saved, models are
    promoted at the very end.

    A silent heartbeat alone is not proof: on SQLite a long import holds the one write lock,
    so its heartbeat cannot be written. The workers are asked too, and the job fails only
    when none of them is running it (no worker answering counts as none)."""
    reason = stale_reason(job)
    if reason is None:
        return False
    if job.celery_task_id:
        replies = _ask_workers([job.celery_task_id])
        if replies is None or any(tasks.get(job.celery_task_id) == "active" for tasks in replies.values()):
            return False  # running somewhere after all, or no way to ask
    updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED, error=reason, finished_at=timezone.now()
    )
    if updated:
        job.status, job.error = Job.Status.FAILED, reason
        log.warning("job %s failed: %s", job.pk, reason)
        _clean_up_lost(job)
    return bool(updated)


def _clean_up_lost(job: Job) -> None:
    """What a job failed as lost leaves behind, by kind (each service knows its own)."""
    if job.kind == Job.Kind.EXPORT:
        from annotator.services.uploads import discard_unfinished_export

        discard_unfinished_export(job=job)
    elif job.kind == Job.Kind.TRAINING:
        from annotator.services.training import fail_unfinished_model

        fail_unfinished_model(job=job)


def claim_job(job: Job) -> bool:
    """Mark a queued job running in this worker process. False when it is not queued any
    more: another delivery of its message runs it or ran it, or it was failed as lost.

    The one `UPDATE … WHERE status = 'queued'` is what makes every task safe to deliver
    twice (acks_late redelivery, a message the sweep sent again while the first one was
    only late): whichever delivery comes first runs the job, the others do nothing."""
    from celery import current_task

    worker = f"{socket.gethostname()}:{os.getpid()}"
    params = {**job.params, "worker": worker}
    fields: dict[str, Any] = {
        "status": Job.Status.RUNNING,
        "started_at": timezone.now(),
        "params": params,
        "result": {"heartbeat": time.time()},
        "error": "",
        "message": "",
    }
    task_id = getattr(getattr(current_task, "request", None), "id", None)
    if task_id:  # the delivery that runs the job, which workers are asked about (fail_if_stale)
        fields["celery_task_id"] = task_id
    if not Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(**fields):
        return False
    job.status, job.started_at, job.params = Job.Status.RUNNING, fields["started_at"], params
    job.celery_task_id = fields.get("celery_task_id", job.celery_task_id)
    return True


def run_job(job_id: int, work: Callable[[Job], dict[str, Any] | None], *, claimed: bool = False) -> None:
    """Claim the queued job (`claim_job`), call `work(job)` under a heartbeat and record the
    outcome. A job not queued any more (running elsewhere, failed as lost, done) is left
    alone; `claimed=True` is for a caller that claimed it itself (a training waits its
    turn first). A domain error (bad file, bad spans) fails the job with its message;
    anything else fails it with the exception's type and text and is re-raised for the
    worker's log."""
    from annotator.exceptions import AnnotatorError

    job = Job.objects.select_related("project").get(pk=job_id)
    if not claimed and not claim_job(job):
        log.warning("job %s is %s already; not run again", job_id, job.status)
        return
    try:
        with heartbeat(job.pk):
            result = work(job)
    except AnnotatorError as error:
        mark_failed(job, str(error))
        return
    except Exception as error:
        mark_failed(job, f"{type(error).__name__}: {error}")
        raise
    mark_succeeded(job, result)
