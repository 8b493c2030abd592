"""The Celery app: Redis broker, tasks autodiscovered, settings from Django's CELERY_*, and
the job sweep each worker runs."""

from __future__ import annotations

import os
import threading

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")

app = Celery("annotator")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["annotator"])


# --- The job sweep ---------------------------------------------------------------------------
# Every worker runs services.jobs.sweep_jobs every JOB_SWEEP_SECONDS in a thread of its main
# process; a Redis key lets one of them sweep per period (docs/operations.md says why here
# and not in Celery beat).
_sweeper: threading.Event | None = None


@worker_ready.connect
def _start_job_sweeper(**_: object) -> None:
    global _sweeper
    from django.conf import settings

    from annotator.services.jobs import start_sweeper

    if settings.JOB_SWEEP_SECONDS > 0 and _sweeper is None:
        _sweeper = start_sweeper(every=settings.JOB_SWEEP_SECONDS)


@worker_shutdown.connect
def _stop_job_sweeper(**_: object) -> None:
    if _sweeper is not None:
        _sweeper.set()
