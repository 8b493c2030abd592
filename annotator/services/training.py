"""Training the project's tagger: when to train, and the run that trains, judges and
promotes a model. What it reads is in `annotator.training_data`; the held-out split, the
scores and the promotion rule are in `annotator.evaluation`; the Job's life is in
`annotator.jobs`.

When: `maybe_start_training` runs (on commit) after every submit and adjudication. It counts
the documents submitted or adjudicated since the last training was *requested* and, once
`project.retrain_every` is reached, calls `start_training`. That count walks the submissions
of every project since the request (no index of submissions has the project), so it is
asked only when `Project.labelled_since_training` (labelling events since the request,
raised by `count_labelled` in the writes' transactions) says it could reach the threshold.

One at a time, several machines: the Job table is the lock, so any number of web processes
and workers agree. `start_training` runs in a transaction holding the project row
(`lock_project`): if a training Job of the project is still *queued*, the request joins it;
otherwise it queues a new one. So a request during a running training queues exactly one
more, and any number of requests during that wait add nothing. A worker that picks a
training Job while another of the project runs puts it back (Celery retry) until the first
ends.

A lost worker: a running training writes a heartbeat on its Job every
`JOB_HEARTBEAT_SECONDS`; a running Job silent for `JOB_STALE_AFTER_SECONDS` is failed with
the reason, with the unfinished ModelVersion it named as its leftover, by
`fail_stale_trainings` (called by every trigger and before each training starts). A model is
stored and promoted in one transaction at the very end, so a training cut short never
leaves a half-written current model.

The training itself (`services.trainer`) runs in the worker: this module is what the web
needs, and imports neither the tagger nor scikit-learn.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import User
from django.db import transaction

from annotator import sql
from annotator.jobs import broker, liveness
from annotator.jobs.records import claim_job, create_job, project_of
from annotator.models import Job, Project
from annotator.services.locks import lock_project
from annotator.training_data import new_documents_and_running

log = logging.getLogger(__name__)


# --- When -------------------------------------------------------------------------------


def new_documents_since_last_training(*, project: Project) -> int:
    """Documents submitted or adjudicated since the last training was requested."""
    return new_documents_and_running(project=project)[0]


# The trigger's gate. Every labelling event since the request raised the count by one
# (or more), and each document the exact count finds had one, so while the count is below
# retrain_every so is the number of new documents. (The exact count cost 11 ms a submit
# with 30,000 submissions in another project, and grew with them: #17.)
_GATE_SQL = """
SELECT p.labelled_since_training, p.retrain_every,
  EXISTS (SELECT 1 FROM annotator_job j WHERE j.project_id = p.id AND j.kind = %s AND j.status = %s)
FROM annotator_project p WHERE p.id = %s
"""
_COUNT_LABELLED_SQL = (
    "UPDATE annotator_project SET labelled_since_training = labelled_since_training + %s WHERE id = %s"
)
_RESTART_COUNT_SQL = "UPDATE annotator_project SET labelled_since_training = 0 WHERE id = %s"


def count_labelled(project_id: int, events: int = 1) -> None:
    """Add `events` (annotations submitted, gold saved or imported) to the project's count
    since the last training request; inside the write's transaction, so the count commits
    with it."""
    if events:
        sql.execute(_COUNT_LABELLED_SQL, [events, project_id])


def maybe_start_training(*, project: Project) -> Job | None:
    """Called (on commit) after a document is submitted or adjudicated: starts a training
    once `project.retrain_every` new documents have come in; None when it is not time yet."""
    gate = sql.first_row(_GATE_SQL, [Job.Kind.TRAINING.value, Job.Status.RUNNING.value, project.pk])
    if gate is None:  # the project is gone
        return None
    events, retrain_every, running = gate
    if running:
        fail_stale_trainings(project=project)
    if events < retrain_every:
        return None
    new_documents, _ = new_documents_and_running(project=project)
    if new_documents < retrain_every:
        return None
    return start_training(project=project, reason="threshold")


def start_training(*, project: Project, user: User | None = None, reason: str = "requested") -> Job:
    """Queue a training of `project`'s tagger, or return the one already waiting to run."""
    fail_stale_trainings(project=project)
    with transaction.atomic():
        lock_project(project.pk)
        waiting = Job.objects.filter(project=project, kind=Job.Kind.TRAINING, status=Job.Status.QUEUED).first()
        if waiting is not None:
            return waiting
        job = create_job(kind=Job.Kind.TRAINING, project=project, user=user, params={"reason": reason})
        # Under the project's lock: a submission committed before this counts in neither
        # (its submitted_at is before the job's created_at), one after in both.
        sql.execute(_RESTART_COUNT_SQL, [project.pk])
        broker.enqueue(job)
    return job


# --- One at a time ------------------------------------------------------------------------


def fail_stale_trainings(*, project: Project) -> int:
    """Fail the project's running trainings whose worker stopped writing its heartbeat (the
    process was killed, the machine went away), and the model versions they were training.
    Returns how many were failed."""
    return liveness.fail_stale_jobs(project=project, kind=Job.Kind.TRAINING)


class TrainingBusy(Exception):
    """Another training of the project is running; the task retries later."""


def claim_training(*, job: Job) -> bool:
    """Mark `job` running unless another training of its project runs (`TrainingBusy`).
    False when `job` is not queued any more (another delivery of its message took it)."""
    project = project_of(job)
    fail_stale_trainings(project=project)
    with transaction.atomic():
        lock_project(project.pk)
        busy = Job.objects.filter(project=project, kind=Job.Kind.TRAINING, status=Job.Status.RUNNING)
        other = busy.exclude(pk=job.pk).first()
        if other is not None:
            raise TrainingBusy(f"training {other.pk} of this project is running")
        return claim_job(job)
