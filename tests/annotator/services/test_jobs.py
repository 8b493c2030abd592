"""A job whose broker is down waits instead of failing the request, and goes once it is back."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import transaction

from annotator.celery import app
from annotator.models import Job
from annotator.services.jobs import create_job, enqueue, resend_stranded_jobs
from annotator.tasks import run_export_job

PORT = 6398  # a Redis of this test's own, stopped and started by it


def _redis(*args: str) -> None:
    subprocess.run(["redis-cli", "-p", str(PORT), *args], capture_output=True, check=False)


@pytest.fixture
def own_broker(tmp_path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Point the Celery app at a Redis that starts stopped; restore the app afterwards."""
    previous = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{PORT}/0"
    _reset_connections()
    yield
    _redis("shutdown", "nosave")
    app.conf.broker_url = previous
    _reset_connections()


def _reset_connections() -> None:
    """Forget the app's cached pools so the next send uses the current URL. (Not closed:
    kombu keeps pools in a global registry by URL and would hand the closed one back.)"""
    app._pool = None
    app.amqp._producer_pool = None


def _start_redis(folder) -> None:  # type: ignore[no-untyped-def]
    subprocess.run(
        [
            "redis-server",
            "--port",
            str(PORT),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--save",
            "",
            "--dir",
            str(folder),
        ],
        check=True,
        capture_output=True,
    )
    for _ in range(50):
        if subprocess.run(["redis-cli", "-p", str(PORT), "ping"], capture_output=True).returncode == 0:
            return
        time.sleep(0.1)


@pytest.mark.worker  # not eager: the task must go through the broker
def test_redis_down_leaves_the_job_queued_and_it_is_sent_when_redis_is_back(
    transactional_db, project, own_broker, tmp_path
) -> None:
    with transaction.atomic():
        job = create_job(kind=Job.Kind.EXPORT, project=project)
        enqueue(job, run_export_job)  # Redis is down: this must not raise
    job.refresh_from_db()
    assert job.status == "queued" and job.celery_task_id == ""
    assert "Redis unreachable" in job.message

    _start_redis(tmp_path)
    assert resend_stranded_jobs(older_than=timedelta(0)) == 1
    job.refresh_from_db()
    assert job.celery_task_id and job.message == ""
    waiting = subprocess.run(["redis-cli", "-p", str(PORT), "llen", "default"], capture_output=True, text=True)
    assert waiting.stdout.strip() == "1"
