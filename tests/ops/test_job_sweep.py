"""The job sweep a worker runs on its own: a queued job whose message the broker lost (Redis
restarted without its data) is sent again and completes, and a running job whose worker is
gone is failed with the reason, its unfinished model with it. Nobody polls the jobs here."""

from __future__ import annotations

import time

import pytest
from django.db import transaction
from django.utils import timezone

from annotator.celery import app
from annotator.jobs.liveness import SWEEP_LOCK_KEY, sweep_jobs
from annotator.models import Job, ModelVersion
from annotator.services.uploads import start_export
from tests.conftest import wait_for

pytestmark = pytest.mark.worker


def redis():  # type: ignore[no-untyped-def]
    """The test Redis, as the app's broker connection sees it."""
    connection = app.connection_for_write()
    return connection, connection.default_channel.client


@pytest.fixture
def sweeping_worker(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The worker sweeps every second; a job is lost after 2 s in no queue and at no worker,
    stale after 3 s without a heartbeat. The sweep's turn left by an earlier test's worker
    is cleared, so the first round is this worker's."""
    monkeypatch.setenv("JOB_SWEEP_SECONDS", "1")
    monkeypatch.setenv("JOB_LOST_AFTER_SECONDS", "2")
    monkeypatch.setenv("JOB_STALE_AFTER_SECONDS", "3")
    connection, client = redis()
    with connection:
        client.delete(SWEEP_LOCK_KEY)


def test_a_queued_job_whose_message_was_lost_is_sent_again_by_the_sweep_and_completes(
    transactional_db, project, owner, sweeping_worker, request
) -> None:
    with transaction.atomic():
        job = start_export(project=project, user=owner, source="documents", fmt="jsonl")
    job.refresh_from_db()
    lost_task = job.celery_task_id
    connection, client = redis()
    with connection:
        assert client.llen("default") == 1
        client.delete("default")  # what a Redis restarted without persistence has of it
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED

    request.getfixturevalue("celery_worker")
    wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED, what="the export to be sent again")
    job.refresh_from_db()
    assert job.celery_task_id != lost_task
    assert job.output_file and job.result["bytes"] > 0


def test_a_running_job_whose_worker_is_gone_is_failed_by_the_sweep(
    transactional_db, project, sweeping_worker, request
) -> None:
    version = ModelVersion.objects.create(project=project, version=1, status=ModelVersion.Status.TRAINING)
    job = Job.objects.create(
        kind=Job.Kind.TRAINING,
        project=project,
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        celery_task_id="a-task-no-worker-holds",
        params={"worker": "gone-host:4242", "model_version": version.pk},
        result={"heartbeat": time.time() - 60},
    )

    request.getfixturevalue("celery_worker")
    wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.FAILED, what="the sweep to fail the job")
    job.refresh_from_db()
    assert "stopped: no heartbeat" in job.error and "gone-host" not in job.error  # the host is for the log
    version.refresh_from_db()
    assert version.status == ModelVersion.Status.FAILED and version.metrics["error"] == job.error


def test_a_running_job_with_a_silent_heartbeat_that_a_worker_still_runs_is_left_alone(
    transactional_db, project, owner, monkeypatch, settings, request
) -> None:
    """As on SQLite, where a long import holds the write lock and its heartbeat cannot be
    written: silent, but its worker says it is running it."""
    monkeypatch.setenv("EXPORT_PAUSE_SECONDS", "5")
    monkeypatch.setenv("JOB_HEARTBEAT_SECONDS", "600")  # no heartbeat after the claim's
    monkeypatch.setenv("JOB_SWEEP_SECONDS", "0")
    request.getfixturevalue("celery_worker")
    settings.JOB_STALE_AFTER_SECONDS = 1
    with transaction.atomic():
        job = start_export(project=project, user=owner, source="documents", fmt="jsonl")
    wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.RUNNING, what="the export to start")
    time.sleep(2)

    assert sweep_jobs() == {"stranded_sent": 0, "stale_failed": 0, "lost_sent": 0}
    wait_for(lambda: Job.objects.get(pk=job.pk).status != Job.Status.RUNNING, what="the export to end")
    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED
