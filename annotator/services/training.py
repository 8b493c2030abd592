"""Training the project's tagger: when to train, and the run that trains, judges and
promotes a model. What it reads is in `annotator.training_data`; the held-out split, the
scores and the promotion rule are in `annotator.evaluation`; the Job's life is in
`annotator.jobs`.

When: `maybe_start_training` runs (on commit) after every submit and adjudication. It counts
the documents submitted or adjudicated since the last training was *requested* and, once
`project.retrain_every` is reached, calls `start_training`.

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
"""

from __future__ import annotations

import logging
import time
from typing import Any

import sklearn
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from annotator import evaluation
from annotator.exceptions import AnnotatorError
from annotator.jobs import broker, liveness
from annotator.jobs.records import claim_job, create_job, project_of, record_leftover, report_progress, run_job
from annotator.models import Job, ModelVersion, Project
from annotator.services.locks import lock_project
from annotator.tagger import FEATURE_VERSION, ModelLoadError, SpanTagger, dump_tagger, load_tagger, sha256
from annotator.tokenize import AlignmentError
from annotator.training_data import new_documents_and_running, training_documents, unlabelled_texts

log = logging.getLogger(__name__)


# --- When -------------------------------------------------------------------------------


def new_documents_since_last_training(*, project: Project) -> int:
    """Documents submitted or adjudicated since the last training was requested."""
    return new_documents_and_running(project=project)[0]


def maybe_start_training(*, project: Project) -> Job | None:
    """Called (on commit) after a document is submitted or adjudicated: starts a training
    once `project.retrain_every` new documents have come in; None when it is not time yet."""
    new_documents, running = new_documents_and_running(project=project)
    if running:
        fail_stale_trainings(project=project)
    if new_documents < project.retrain_every:
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


# --- Training -----------------------------------------------------------------------------


def run_training(*, job: Job, queue_refresh: bool = True) -> dict[str, Any]:
    """Train, evaluate, store and (if not worse) promote a model version; then queue the
    suggestions' refresh. Run by `jobs.records.run_job` (which writes the heartbeat) with the
    Job already claimed."""
    project = project_of(job)
    with transaction.atomic():
        lock_project(project.pk)
        number = (ModelVersion.objects.filter(project=project).aggregate(m=Max("version"))["m"] or 0) + 1
        version = ModelVersion.objects.create(
            project=project,
            version=number,
            status=ModelVersion.Status.TRAINING,
            sklearn_version=sklearn.__version__,
            feature_version=FEATURE_VERSION,
        )
    record_leftover(job, model_version=version.pk)  # failed by the sweep if this worker dies
    try:
        return _train_version(job=job, project=project, version=version, queue_refresh=queue_refresh)
    except BaseException as error:
        ModelVersion.objects.filter(pk=version.pk).update(
            status=ModelVersion.Status.FAILED, metrics={"error": f"{type(error).__name__}: {error}"}
        )
        raise


def _train_version(*, job: Job, project: Project, version: ModelVersion, queue_refresh: bool) -> dict[str, Any]:
    started = time.perf_counter()
    labels = [label.name for label in project.labels.all()]
    documents = training_documents(project=project)
    if not documents:
        raise AnnotatorError("nothing to train on: the project has no gold and no submitted annotations yet")
    train, held = evaluation.split(documents)
    report_progress(job, 1, 4, f"training on {len(train)} documents, {len(held)} held out")
    if settings.TAGGER_TRAINING_PAUSE_SECONDS:
        time.sleep(settings.TAGGER_TRAINING_PAUSE_SECONDS)
    tagger = SpanTagger(labels=labels, label_weights=project.tagger_label_weights)
    # Self-training on documents nobody has labelled yet, as many as the tagger would use.
    unlabelled = unlabelled_texts(project=project, limit=tagger.unlabelled_wanted(len(train)))
    try:
        tagger.fit([d.text for d in train], [d.spans for d in train], unlabelled=unlabelled)
    except AlignmentError as error:
        raise AnnotatorError(f"a stored span does not line up with the tokenizer: {error}") from None
    report_progress(job, 2, 4, "evaluating on the held-out documents")
    metrics = evaluation.evaluate(tagger, held, labels)
    metrics["unlabelled_documents"] = tagger.n_unlabelled_documents_
    current = ModelVersion.objects.current_for(project)
    baseline: dict[str, Any] | None = None
    if current is not None:
        try:
            current_tagger = load_tagger(current.artifact, expected_sha256=current.artifact_sha256)
            baseline = evaluation.evaluate(current_tagger, held, labels)
        except ModelLoadError as error:
            baseline = {"value": None, "error": str(error)}
    promote = evaluation.should_promote(metrics, baseline)
    metrics["current_model_on_same_documents"] = (
        {"version": current.version, "value": baseline.get("value")} if current and baseline else None
    )
    report_progress(job, 3, 4, "storing the model")
    artifact = dump_tagger(tagger)
    duration = time.perf_counter() - started
    with transaction.atomic():
        lock_project(project.pk)
        fields: dict[str, Any] = {
            "metrics": metrics,
            "training_documents": len(train),
            "duration_seconds": round(duration, 3),
            "artifact": artifact,
            "artifact_sha256": sha256(artifact),
            "status": ModelVersion.Status.READY,
        }
        if promote:
            ModelVersion.objects.filter(project=project, status=ModelVersion.Status.CURRENT).update(
                status=ModelVersion.Status.RETIRED
            )
            fields.update(status=ModelVersion.Status.CURRENT, promoted_at=timezone.now())
        ModelVersion.objects.filter(pk=version.pk).update(**fields)
        if promote and queue_refresh:
            _queue_refresh(project=project, version_id=version.pk)
    report_progress(
        job, 4, 4, "promoted" if promote else "kept the current model: the new one is worse on held-out documents"
    )
    return {
        "model_version": version.version,
        "model_version_id": version.pk,
        "promoted": promote,
        "micro_f1": metrics.get("value"),
        "previous_micro_f1": (baseline or {}).get("value"),
        "training_documents": len(train),
        "held_out_documents": len(held),
        "duration_seconds": round(duration, 3),
    }


def _queue_refresh(*, project: Project, version_id: int) -> Job:
    job = create_job(kind=Job.Kind.SUGGESTIONS, project=project, params={"model_version": version_id})
    broker.enqueue(job)
    return job


def train_now(*, project: Project, user: User | None = None) -> Job:
    """Train in this process (the demo's seeding): the same Job, runner, service and
    promotion rule as the Celery task, without a worker; the caller refreshes suggestions.
    A domain error (nothing to train on) fails the Job and is raised."""
    with transaction.atomic():
        job = create_job(kind=Job.Kind.TRAINING, project=project, user=user, params={"reason": "sync"})
    claim_training(job=job)
    run_job(job.pk, lambda job: run_training(job=job, queue_refresh=False), claimed=True, raise_errors=True)
    job.refresh_from_db()
    return job
