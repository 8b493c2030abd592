"""Jobs: one whose broker is down waits instead of failing the request and goes once it is
back; a task delivered twice runs its job once; the sweep sends nothing again while in
doubt; the job timings' settings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from annotator.jobs.broker import enqueue, resend_stranded_jobs
from annotator.jobs.liveness import fail_if_stale, sweep_jobs
from annotator.jobs.records import create_job
from annotator.models import Job, ModelVersion
from annotator.tasks import run_export_job, run_training_job
from tests.conftest import OWN_BROKER_PORT


@pytest.mark.worker  # not eager: the task must go through the broker
def test_redis_down_leaves_the_job_queued_and_it_is_sent_when_redis_is_back(
    transactional_db, project, own_broker
) -> None:
    with transaction.atomic():
        job = create_job(kind=Job.Kind.EXPORT, project=project)
        enqueue(job)  # Redis is down: this must not raise
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


# --- Never twice, never in doubt ---------------------------------------------------------------


@pytest.mark.parametrize("status", [Job.Status.RUNNING, Job.Status.SUCCEEDED, Job.Status.FAILED])
def test_a_task_delivered_for_a_job_not_queued_does_nothing(project, owner, status) -> None:
    job = create_job(
        kind=Job.Kind.EXPORT, project=project, user=owner, params={"source": "documents", "format": "jsonl"}
    )
    Job.objects.filter(pk=job.pk).update(status=status, result={"heartbeat": 1.0}, error="as it was")
    run_export_job.delay(job.pk)  # eager: runs here
    training = create_job(kind=Job.Kind.TRAINING, project=project)
    Job.objects.filter(pk=training.pk).update(status=status)
    run_training_job.delay(training.pk)
    after = Job.objects.get(pk=job.pk)
    assert (after.status, after.result, after.error, after.output_file.name) == (
        status,
        {"heartbeat": 1.0},
        "as it was",
        "",
    )
    assert Job.objects.get(pk=training.pk).status == status
    assert not ModelVersion.objects.exists()


def test_an_export_failed_as_lost_deletes_the_file_it_was_writing(project, owner, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.JOB_STALE_AFTER_SECONDS = 5
    job = create_job(kind=Job.Kind.EXPORT, project=project, user=owner)
    half = default_storage.save(f"jobs/output/{job.pk}-aleppo-gold.jsonl", ContentFile(b'{"text": "half a li'))
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, params={"writing": half, "worker": "w:1"}, result={"heartbeat": time.time() - 60}
    )
    assert fail_if_stale(Job.objects.get(pk=job.pk))
    assert not default_storage.exists(half)
    assert "stopped: no heartbeat" in Job.objects.get(pk=job.pk).error


def _in_queue(queue: str = "default") -> int:
    from annotator.celery import app

    with app.connection_for_write() as connection:
        return connection.default_channel.client.llen(queue)


@pytest.mark.worker  # not eager: through the test Redis, with no worker consuming it
def test_the_sweep_leaves_a_job_whose_message_still_waits_in_the_queue(transactional_db, project) -> None:
    from annotator.celery import app

    app.control.purge()
    with transaction.atomic():
        job = create_job(kind=Job.Kind.EXPORT, project=project, params={"source": "documents", "format": "jsonl"})
        enqueue(job)
    job.refresh_from_db()
    task = job.celery_task_id
    assert sweep_jobs(lost_after=timedelta(0)) == {"stranded_sent": 0, "stale_failed": 0, "lost_sent": 0}
    assert _in_queue() == 1 and Job.objects.get(pk=job.pk).celery_task_id == task
    app.control.purge()


@pytest.mark.worker
def test_the_sweep_sends_nothing_again_when_no_worker_answers(transactional_db, project) -> None:
    from annotator.celery import app

    with transaction.atomic():
        job = create_job(kind=Job.Kind.EXPORT, project=project, params={"source": "documents", "format": "jsonl"})
        enqueue(job)
    app.control.purge()  # the message is lost, and no worker runs to say it holds it
    assert sweep_jobs(lost_after=timedelta(0))["lost_sent"] == 0
    assert _in_queue() == 0 and Job.objects.get(pk=job.pk).status == Job.Status.QUEUED


@pytest.mark.worker
def test_the_sweep_does_nothing_while_redis_is_down(transactional_db, project, own_broker) -> None:
    lost = create_job(kind=Job.Kind.EXPORT, project=project)
    Job.objects.filter(pk=lost.pk).update(celery_task_id="a-lost-task", params={"task": run_export_job.name})
    stale = create_job(kind=Job.Kind.IMPORT, project=project)
    Job.objects.filter(pk=stale.pk).update(
        status=Job.Status.RUNNING, celery_task_id="a-quiet-task", result={"heartbeat": time.time() - 3600}
    )
    assert sweep_jobs(lost_after=timedelta(0)) == {"stranded_sent": 0, "stale_failed": 0, "lost_sent": 0}
    assert Job.objects.get(pk=lost.pk).celery_task_id == "a-lost-task"
    assert Job.objects.get(pk=stale.pk).status == Job.Status.RUNNING  # maybe it runs: nobody could be asked
