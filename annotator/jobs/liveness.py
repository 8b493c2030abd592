"""Keeping jobs alive: a running job whose worker is gone is failed with the reason and its
leftovers cleared; queued jobs the broker never got or lost are sent again. Every worker
runs the sweep in a thread (the signals below; `annotator.celery` names this module in its
`include`), one process per period across all machines (docs/operations.md says why here
and not in Celery beat)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import TypedDict

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from annotator.jobs import broker
from annotator.jobs.records import LEFTOVER_FILE, LEFTOVER_MODEL_VERSION, worker_name
from annotator.models import Job, ModelVersion, Project

log = logging.getLogger(__name__)


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


def fail_if_stale(job: Job) -> bool:
    """Mark a running job whose worker is gone as failed, with the reason, and clear what
    it left half-done (`clear_leftovers`). Little is: imports run in one transaction, export
    files are written whole to a nameless temporary file before they are saved, models are
    promoted at the very end.

    A silent heartbeat alone is not proof: on SQLite a long import holds the one write lock,
    so its heartbeat cannot be written. The workers are asked too, and the job fails only
    when none of them is running it (no worker answering counts as none)."""
    reason = stale_reason(job)
    if reason is None:
        return False
    if job.celery_task_id:
        replies = broker.ask_workers([job.celery_task_id])
        if replies is None or any(tasks.get(job.celery_task_id) == "active" for tasks in replies.values()):
            return False  # running somewhere after all, or no way to ask
    # One transaction: whoever sees the job failed also sees what it left cleared.
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, error=reason, finished_at=timezone.now()
        )
        if updated:
            job.status, job.error = Job.Status.FAILED, reason
            clear_leftovers(job)
    if updated:
        log.warning("job %s failed: %s (worker %s)", job.pk, reason, job.params.get("worker", "unknown"))
    return bool(updated)


def clear_leftovers(job: Job) -> None:
    """What a job failed as lost named on its row (`records.record_leftover`): the file it
    was saving is deleted, whole or half (a failed job offers no download, so nobody could
    have fetched it), and the model version it was training is failed with the job's error.
    A model version already out of training is the job's result or someone else's: kept."""
    if target := job.params.get(LEFTOVER_FILE):
        storage = job.output_file.storage
        if storage.exists(target):
            storage.delete(target)
        Job.objects.filter(pk=job.pk, output_file=target).update(output_file="")
    if version_id := job.params.get(LEFTOVER_MODEL_VERSION):
        ModelVersion.objects.filter(pk=version_id, status=ModelVersion.Status.TRAINING).update(
            status=ModelVersion.Status.FAILED, metrics={"error": job.error}
        )


def fail_stale_jobs(*, project: Project | None = None, kind: str | None = None) -> int:
    """Fail every running job (of `project`, of `kind`) whose worker is gone (`fail_if_stale`).
    Returns how many."""
    running = Job.objects.filter(status=Job.Status.RUNNING).select_related("project")
    if project is not None:
        running = running.filter(project=project)
    if kind is not None:
        running = running.filter(kind=kind)
    return sum(fail_if_stale(job) for job in running)


class SweepReport(TypedDict):
    stranded_sent: int
    stale_failed: int
    lost_sent: int


def sweep_jobs(*, lost_after: timedelta | None = None) -> SweepReport:
    """Put right the jobs the queue lost track of: send the queued jobs that never reached
    the broker, fail the running ones whose worker is gone, and send again the queued ones
    whose message the broker lost. Safe to run anywhere and often; each worker runs it
    periodically (`start_sweeper`, see docs/operations.md)."""
    if lost_after is None:
        lost_after = timedelta(seconds=settings.JOB_LOST_AFTER_SECONDS)
    return {
        "stranded_sent": broker.resend_stranded_jobs(),
        "stale_failed": fail_stale_jobs(),
        "lost_sent": broker.resend_lost_jobs(older_than=lost_after),
    }


SWEEP_LOCK_KEY = "annotator:sweep-jobs"


def sweep_jobs_if_due(*, every: float) -> SweepReport | None:
    """`sweep_jobs`, unless another process (any worker, any machine) swept in the last
    `every` seconds. None when it was not this process's turn, or Redis cannot be reached
    (nothing a sweep could send then)."""
    if not broker.take_turn(SWEEP_LOCK_KEY, holder=worker_name(), every=every):
        return None
    report = sweep_jobs()
    if any(report.values()):
        log.warning("job sweep: %s", report)
    return report


def start_sweeper(*, every: float) -> threading.Event:
    """Run `sweep_jobs_if_due` every `every` seconds in a daemon thread; set the returned
    event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            try:
                sweep_jobs_if_due(every=every)
            except Exception:  # a busy database, a broker blip: the next round tries again
                log.exception("job sweep failed")
            finally:
                connections.close_all()

    threading.Thread(target=loop, name="job-sweeper", daemon=True).start()
    return stop


# --- The worker signals: each worker's main process runs the sweeper while it is up ---------
_sweeper: threading.Event | None = None


def _start_job_sweeper(**_: object) -> None:
    global _sweeper
    if settings.JOB_SWEEP_SECONDS > 0 and _sweeper is None:
        _sweeper = start_sweeper(every=settings.JOB_SWEEP_SECONDS)


def _stop_job_sweeper(**_: object) -> None:
    if _sweeper is not None:
        _sweeper.set()


worker_ready.connect(_start_job_sweeper)
worker_shutdown.connect(_stop_job_sweeper)
