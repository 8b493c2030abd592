"""Jobs: one whose broker is down waits instead of failing the request and goes once it is
back; the job timings' settings."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import transaction

from annotator.models import Job
from annotator.services.jobs import create_job, enqueue, resend_stranded_jobs
from annotator.tasks import run_export_job
from tests.conftest import OWN_BROKER_PORT


@pytest.mark.worker  # not eager: the task must go through the broker
def test_redis_down_leaves_the_job_queued_and_it_is_sent_when_redis_is_back(
    transactional_db, project, own_broker
) -> None:
    with transaction.atomic():
        job = create_job(kind=Job.Kind.EXPORT, project=project)
        enqueue(job, run_export_job)  # Redis is down: this must not raise
    job.refresh_from_db()
    assert job.status == "queued" and job.celery_task_id == ""
    assert "Redis unreachable" in job.message

    own_broker()
    assert resend_stranded_jobs(older_than=timedelta(0)) == 1
    job.refresh_from_db()
    assert job.celery_task_id and job.message == ""
    waiting = subprocess.run(
        ["redis-cli", "-p", str(OWN_BROKER_PORT), "llen", "default"], capture_output=True, text=True
    )
    assert waiting.stdout.strip() == "1"


def test_the_old_tagger_names_of_the_job_timings_are_still_read() -> None:
    code = "from django.conf import settings as s; print(s.JOB_HEARTBEAT_SECONDS, s.JOB_STALE_AFTER_SECONDS)"
    env = {**os.environ, "TAGGER_HEARTBEAT_SECONDS": "2", "TAGGER_STALE_AFTER_SECONDS": "7"}
    env.pop("JOB_HEARTBEAT_SECONDS", None)
    env["JOB_STALE_AFTER_SECONDS"] = "9"  # the new name wins over the old one
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "annotator.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["2", "9"]
