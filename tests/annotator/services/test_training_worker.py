"""The loop with a real Celery worker on Redis: thresholds train, a burst during a training
queues exactly one more, and a worker killed mid-training fails its Job with a reason."""

from __future__ import annotations

import os
import signal
import time

import pytest

from annotator.models import Job, ModelVersion, Suggestion
from annotator.services.training import maybe_start_training
from tests.annotator.services.tagger_data import add_submissions
from tests.conftest import wait_for

pytestmark = pytest.mark.worker


def trainings() -> list[Job]:
    return list(Job.objects.filter(kind=Job.Kind.TRAINING).order_by("pk"))


@pytest.fixture
def paused_training(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's trainings last a few seconds (a test hook), with a heartbeat every second."""
    monkeypatch.setenv("TAGGER_TRAINING_PAUSE_SECONDS", "4")
    monkeypatch.setenv("JOB_HEARTBEAT_SECONDS", "1")


def test_submissions_past_the_threshold_train_promote_and_refresh_and_a_burst_during_it_trains_once_more(
    paused_training, celery_worker, project
) -> None:
    add_submissions(project, "alice", 5)
    first = maybe_start_training(project=project)
    assert first is not None
    wait_for(lambda: Job.objects.get(pk=first.pk).status == Job.Status.RUNNING, what="the first training to start")

    # A burst during the training: one more training is queued, and further submissions join it.
    add_submissions(project, "bob", 5, skip=5)
    second = maybe_start_training(project=project)
    add_submissions(project, "alice", 5, skip=10)
    third = maybe_start_training(project=project)
    assert second is not None and third is not None and second.pk == third.pk != first.pk

    wait_for(
        lambda: all(j.status in (Job.Status.SUCCEEDED, Job.Status.FAILED) for j in trainings()),
        what="both trainings to finish",
    )
    assert [j.status for j in trainings()] == [Job.Status.SUCCEEDED, Job.Status.SUCCEEDED], [
        j.error for j in trainings()
    ]
    versions = list(ModelVersion.objects.filter(project=project).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].training_documents > versions[0].training_documents
    assert ModelVersion.objects.filter(project=project, status=ModelVersion.Status.CURRENT).count() == 1
    current = ModelVersion.objects.get(project=project, status=ModelVersion.Status.CURRENT)

    def refreshed() -> bool:
        jobs = Job.objects.filter(kind=Job.Kind.SUGGESTIONS, params__model_version=current.pk)
        return jobs.filter(status=Job.Status.SUCCEEDED).exists()

    wait_for(refreshed, what="the suggestions' refresh")
    refresh = Job.objects.get(kind=Job.Kind.SUGGESTIONS, params__model_version=current.pk)
    assert refresh.progress_done == refresh.progress_total > 0
    assert Suggestion.objects.filter(model_version=current).exists()


def test_a_worker_killed_mid_training_fails_the_job_promotes_nothing_and_the_next_trigger_trains(
    paused_training, celery_worker, project, settings
) -> None:
    settings.JOB_STALE_AFTER_SECONDS = 3
    add_submissions(project, "alice", 5)
    first = maybe_start_training(project=project)

    def running_with_pid() -> bool:
        job = Job.objects.get(pk=first.pk)
        return job.status == Job.Status.RUNNING and "worker" in job.params and "model_version" in job.params

    wait_for(running_with_pid, what="the training to start")
    job = Job.objects.get(pk=first.pk)
    pid = int(job.params["worker"].rsplit(":", 1)[1])
    os.kill(pid, signal.SIGKILL)  # the process doing the training dies mid-way
    time.sleep(settings.JOB_STALE_AFTER_SECONDS + 1)

    add_submissions(project, "bob", 5, skip=5)
    retry = maybe_start_training(project=project)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "stopped: no heartbeat" in job.error and str(pid) not in job.error  # no worker details in job JSON
    lost = ModelVersion.objects.get(pk=job.params["model_version"])
    assert lost.status == ModelVersion.Status.FAILED and lost.promoted_at is None

    assert retry is not None and retry.pk != first.pk
    wait_for(
        lambda: Job.objects.get(pk=retry.pk).status in (Job.Status.SUCCEEDED, Job.Status.FAILED),
        what="the next training",
    )
    assert Job.objects.get(pk=retry.pk).status == Job.Status.SUCCEEDED
    current = ModelVersion.objects.get(project=project, status=ModelVersion.Status.CURRENT)
    assert current.pk != lost.pk
