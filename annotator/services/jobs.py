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
from typing import Any, TypedDict

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
    # Which worker (host:pid) is for the operators' log (`fail_if_stale`), not for the job's readers.
    return f"the worker running this {job.kind} stopped: no heartbeat for {silent:.0f} s"


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
    # One transaction: whoever sees the job failed also sees what it left cleared.
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, error=reason, finished_at=timezone.now()
        )
        if updated:
            job.status, job.error = Job.Status.FAILED, reason
            _clean_up_lost(job)
    if updated:
        log.warning("job %s failed: %s (worker %s)", job.pk, reason, job.params.get("worker", "unknown"))
    return bool(updated)


def _clean_up_lost(job: Job) -> None:
    """What a job failed as lost leaves behind, by kind (each service knows its own)."""
    if job.kind == Job.Kind.EXPORT:
        from annotator.services.uploads import discard_unfinished_export

        discard_unfinished_export(job=job)
    elif job.kind == Job.Kind.TRAINING:
        from annotator.services.training import fail_unfinished_model

        fail_unfinished_model(job=job)


def fail_stale_jobs() -> int:
    """Fail every running job whose worker is gone (`fail_if_stale`). Returns how many."""
    return sum(fail_if_stale(job) for job in Job.objects.filter(status=Job.Status.RUNNING).select_related("project"))


def _queue_names() -> list[str]:
    from annotator.celery import app

    routes = app.conf.task_routes or {}
    routed = [route.get("queue") for route in routes.values()] if isinstance(routes, dict) else []
    return sorted({app.conf.task_default_queue, *filter(None, routed)})


def _tasks_in_queues(task_ids: list[str]) -> set[str] | None:
    """Which of the tasks still wait in the broker's queues (Redis lists), or None when it
    could not be told (Redis unreachable, or a broker that is not Redis). A message taken by
    a worker is not in the lists any more; `_ask_workers` finds those."""
    from annotator.celery import app

    wanted = {task_id.encode() for task_id in task_ids}
    found: set[bytes] = set()
    try:
        _check_broker()
        with app.connection_for_read() as connection:
            channel = connection.default_channel
            client = channel.client
            for queue in _queue_names():
                for name in {channel._q_for_pri(queue, priority) for priority in channel.priority_steps}:
                    for start in range(0, client.llen(name), 1000):
                        for message in client.lrange(name, start, start + 999):
                            # A task id (a UUID) appears verbatim in its message's headers.
                            found.update(task_id for task_id in wanted - found if task_id in message)
                        if found == wanted:
                            return {task_id.decode() for task_id in found}
    except Exception as error:  # any doubt means "cannot tell", and then nothing is sent
        log.warning("could not look into the task queues: %s: %s", type(error).__name__, error)
        return None
    return {task_id.decode() for task_id in found}


def resend_lost_jobs(*, older_than: timedelta) -> int:
    """Send again the jobs queued longer than `older_than` whose message is gone: in no
    queue of the broker (Redis restarted without its data, a queue purged) and held by no
    worker. When either cannot be told, nothing is sent. Returns how many went.

    A job that was only slow to be picked is harmless to send twice: `claim_job` lets one
    delivery run it and the other does nothing."""
    waiting = list(
        Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=timezone.now() - older_than)
        .exclude(celery_task_id="")
        .only("pk", "params", "celery_task_id")[:100]
    )
    if not waiting:
        return 0
    ids = [job.celery_task_id for job in waiting]
    # The queues first, then the workers: a message moves from the first to the second, so
    # looked at in this order it is seen in one of them.
    queued = _tasks_in_queues(ids)
    if queued is None:
        return 0
    held: set[str] = set()
    if rest := [task_id for task_id in ids if task_id not in queued]:
        replies = _ask_workers(rest)
        if not replies:  # no worker answered: whether one holds the tasks cannot be told
            return 0
        held = {task_id for tasks in replies.values() for task_id in tasks}
    sent = 0
    for job in waiting:
        name = job.params.get("task")
        if job.celery_task_id in queued or job.celery_task_id in held or not name:
            continue
        if not Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).exists():
            continue  # picked and run since the list was read
        log.warning("job %s: its task %s is in no queue and at no worker; sent again", job.pk, job.celery_task_id)
        if _send(job.pk, name, [job.pk, *job.params.get("task_args", [])]):
            sent += 1
    return sent


class SweepReport(TypedDict):
    stranded_sent: int
    stale_failed: int
    lost_sent: int


def sweep_jobs(*, lost_after: timedelta | None = None) -> SweepReport:
    """Put right the jobs the queue lost track of: send the queued jobs that never reached
    the broker, fail the running ones whose worker is gone, and send again the queued ones
    whose message the broker lost. Safe to run anywhere and often; `start_sweeper` runs it
    periodically in the workers (see docs/operations.md)."""
    if lost_after is None:
        lost_after = timedelta(seconds=settings.JOB_LOST_AFTER_SECONDS)
    return {
        "stranded_sent": resend_stranded_jobs(),
        "stale_failed": fail_stale_jobs(),
        "lost_sent": resend_lost_jobs(older_than=lost_after),
    }


SWEEP_LOCK_KEY = "annotator:sweep-jobs"


def sweep_jobs_if_due(*, every: float) -> SweepReport | None:
    """`sweep_jobs`, unless another process (any worker, any machine) swept in the last
    `every` seconds: a Redis key set with NX and an expiry is the turn. None when it was
    not this process's turn, or Redis cannot be reached (nothing a sweep could send then)."""
    from annotator.celery import app

    try:
        with app.connection_for_write() as connection:
            turn = connection.default_channel.client.set(
                SWEEP_LOCK_KEY, f"{socket.gethostname()}:{os.getpid()}", nx=True, px=max(int(every * 900), 100)
            )
    except Exception as error:
        log.warning("job sweep skipped: %s: %s", type(error).__name__, error)
        return None
    if not turn:
        return None
    report = sweep_jobs()
    if any(report.values()):
        log.warning("job sweep: %s", report)
    return report


def start_sweeper(*, every: float) -> threading.Event:
    """Run `sweep_jobs_if_due` every `every` seconds in a daemon thread; set the returned
    event to stop it. Started by each worker (annotator.celery)."""
    stop = threading.Event()

    def loop() -> None:
        from django.db import connections

        while not stop.wait(every):
            try:
                sweep_jobs_if_due(every=every)
            except Exception:  # a busy database, a broker blip: the next round tries again
                log.exception("job sweep failed")
            finally:
                connections.close_all()

    threading.Thread(target=loop, name="job-sweeper", daemon=True).start()
    return stop


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
