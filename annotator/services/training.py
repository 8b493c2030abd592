"""Training the project's tagger: when to train, on what, and whether the result is promoted.

When: `maybe_start_training` runs (on commit) after every submit and adjudication. It counts
the documents submitted or adjudicated since the last training was *requested* and, once
`project.retrain_every` is reached, calls `start_training`.

One at a time, several machines: the Job table is the lock, so any number of web processes
and workers agree. `start_training` runs in a transaction holding the project row
(`select_for_update`; SQLite serialises writers anyway): if a training Job of the project is
still *queued*, the request joins it; otherwise it queues a new one. So a request during a
running training queues exactly one more, and any number of requests during that wait add
nothing. A worker that picks a training Job while another of the project runs puts it back
(Celery retry) until the first ends.

A lost worker: a running training writes a heartbeat on its Job every
`JOB_HEARTBEAT_SECONDS`; a running Job silent for `JOB_STALE_AFTER_SECONDS` is failed
with the reason, with its unfinished ModelVersion, by `fail_stale_trainings` (called by every
trigger and before each training starts). A model is stored and promoted in one transaction
at the very end, so a training cut short never leaves a half-written current model.

On what: gold where a document has it; otherwise its latest submitted annotation (with
several annotators and no gold yet, the most recent submission stands for the document —
the adjudicator's gold replaces it later). Held-out documents are picked by a hash of the
document id (one in five; at least one once there are two documents), so the split is the
same from one training to the next and old and new models are compared on the same
documents. A new model is promoted unless its micro span F1 on those documents is below the
current model's.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

import sklearn
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from annotator import sql
from annotator.agreement.span_f1 import span_f1
from annotator.exceptions import AnnotatorError
from annotator.models import Annotation, Document, Gold, Job, ModelVersion, Project
from annotator.services.locks import lock_project
from annotator.spans import Span
from annotator.tagger import FEATURE_VERSION, ModelLoadError, SpanTagger, dump_tagger, load_tagger, sha256
from annotator.tokenize import AlignmentError

log = logging.getLogger(__name__)

HELD_OUT_SHARE = 5  # one document in five


@dataclass
class LabelledDocument:
    document_id: int
    text: str
    spans: list[Span]


# --- When -------------------------------------------------------------------------------


# Run after every submission (on commit), so in plain SQL (see annotator.sql): the
# documents submitted or adjudicated since the last training request, and whether a
# training is running (only then can one be stale).
_NEW_DOCUMENTS_SQL = """
WITH last AS (SELECT MAX(created_at) AS at FROM annotator_job WHERE project_id = %s AND kind = %s)
SELECT
  (SELECT COUNT(*) FROM (
     SELECT a.document_id FROM annotator_annotation a
       JOIN annotator_document d ON d.id = a.document_id CROSS JOIN last
     WHERE d.project_id = %s AND d.deleted_at IS NULL AND a.status = %s
       AND (last.at IS NULL OR a.submitted_at > last.at)
     UNION
     SELECT g.document_id FROM annotator_gold g
       JOIN annotator_document d ON d.id = g.document_id CROSS JOIN last
     WHERE d.project_id = %s AND d.deleted_at IS NULL AND (last.at IS NULL OR g.updated_at > last.at)
  ) AS new_documents),
  EXISTS (SELECT 1 FROM annotator_job WHERE project_id = %s AND kind = %s AND status = %s)
"""


def _new_documents_and_running(project: Project) -> tuple[int, bool]:
    training = Job.Kind.TRAINING.value
    submitted = Annotation.Status.SUBMITTED.value
    params = [project.pk, training, project.pk, submitted, project.pk, project.pk, training, Job.Status.RUNNING.value]
    new_documents, running = sql.first_row(_NEW_DOCUMENTS_SQL, params)
    return new_documents, bool(running)


def new_documents_since_last_training(*, project: Project) -> int:
    """Documents submitted or adjudicated since the last training was requested."""
    return _new_documents_and_running(project)[0]


def maybe_start_training(*, project: Project) -> Job | None:
    """Called (on commit) after a document is submitted or adjudicated: starts a training
    once `project.retrain_every` new documents have come in; None when it is not time yet."""
    new_documents, running = _new_documents_and_running(project)
    if running:
        fail_stale_trainings(project=project)
    if new_documents < project.retrain_every:
        return None
    return start_training(project=project, reason="threshold")


def start_training(*, project: Project, user: Any = None, reason: str = "requested") -> Job:
    """Queue a training of `project`'s tagger, or return the one already waiting to run."""
    from annotator import tasks
    from annotator.services.jobs import create_job, enqueue

    fail_stale_trainings(project=project)
    with transaction.atomic():
        lock_project(project.pk)
        waiting = Job.objects.filter(project=project, kind=Job.Kind.TRAINING, status=Job.Status.QUEUED).first()
        if waiting is not None:
            return waiting
        job = create_job(kind=Job.Kind.TRAINING, project=project, user=user, params={"reason": reason})
        enqueue(job, tasks.run_training_job)
    return job


# --- Lost workers -------------------------------------------------------------------------


def fail_stale_trainings(*, project: Project) -> int:
    """Fail the project's running trainings whose worker stopped writing its heartbeat (the
    process was killed, the machine went away), and their unfinished model versions
    (`fail_unfinished_model`, through `fail_if_stale`). Returns how many were failed."""
    from annotator.services.jobs import fail_if_stale

    running = Job.objects.filter(project=project, kind=Job.Kind.TRAINING, status=Job.Status.RUNNING)
    return sum(fail_if_stale(job) for job in running)


def fail_unfinished_model(*, job: Job) -> None:
    """The model version a training failed as lost was writing is failed too, with its error."""
    ModelVersion.objects.filter(pk=job.params.get("model_version"), status=ModelVersion.Status.TRAINING).update(
        status=ModelVersion.Status.FAILED, metrics={"error": job.error}
    )


class TrainingBusy(Exception):
    """Another training of the project is running; the task retries later."""


def claim_training(*, job: Job) -> bool:
    """Mark `job` running unless another training of its project runs (`TrainingBusy`).
    False when `job` is not queued any more (another delivery of its message took it)."""
    from annotator.services.jobs import claim_job

    fail_stale_trainings(project=job.project)
    with transaction.atomic():
        lock_project(job.project_id)
        busy = Job.objects.filter(project_id=job.project_id, kind=Job.Kind.TRAINING, status=Job.Status.RUNNING)
        if busy.exclude(pk=job.pk).exists():
            raise TrainingBusy(f"training {busy.first().pk} of this project is running")
        return claim_job(job)


# --- On what ------------------------------------------------------------------------------


def training_documents(*, project: Project) -> list[LabelledDocument]:
    """Each labelled document once: its gold, else its latest submitted annotation."""
    documents = Document.objects.filter(project=project, deleted_at__isnull=True)
    result: dict[int, LabelledDocument] = {}
    golds = Gold.objects.filter(document__in=documents).select_related("document").prefetch_related("spans")
    for gold in golds:
        spans = [Span(s.start, s.end, s.label) for s in gold.spans.all()]
        result[gold.document_id] = LabelledDocument(gold.document_id, gold.document.text, spans)
    submitted = (
        Annotation.objects.filter(document__in=documents, status=Annotation.Status.SUBMITTED)
        .exclude(document_id__in=list(result))
        .select_related("document")
        .prefetch_related("spans")
        .order_by("document_id", "-submitted_at", "-pk")
    )
    for annotation in submitted:
        if annotation.document_id in result:
            continue  # an older submission of a document already taken
        spans = [Span(s.start, s.end, s.label) for s in annotation.spans.all()]
        result[annotation.document_id] = LabelledDocument(annotation.document_id, annotation.document.text, spans)
    return [result[k] for k in sorted(result)]


def unlabelled_texts(*, project: Project, limit: int) -> list[str]:
    """The self-training pool: at most `limit` texts of the project's documents that have
    neither gold nor a submitted annotation, a sample seeded by the project (so retraining
    on unchanged data sees the same pool), in document order. Held-out documents are
    labelled, so never among them."""
    if limit <= 0:
        return []
    candidates = list(
        Document.objects.filter(project=project, deleted_at__isnull=True, gold__isnull=True)
        .exclude(annotations__status=Annotation.Status.SUBMITTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(candidates) > limit:
        candidates = sorted(random.Random(project.pk).sample(candidates, limit))
    texts = dict(Document.objects.filter(pk__in=candidates).values_list("pk", "text"))
    return [texts[pk] for pk in candidates]


def _held_out(document_id: int) -> bool:
    digest = hashlib.sha256(f"held-out:{document_id}".encode()).digest()
    return digest[0] % HELD_OUT_SHARE == 0


def split(documents: list[LabelledDocument]) -> tuple[list[LabelledDocument], list[LabelledDocument]]:
    """(train, held out): one in five by a hash of the id; at least one held out from two up."""
    held = [d for d in documents if _held_out(d.document_id)]
    if not held and len(documents) >= 2:
        held = [max(documents, key=lambda d: hashlib.sha256(f"held-out:{d.document_id}".encode()).digest())]
    held_ids = {d.document_id for d in held}
    train = [d for d in documents if d.document_id not in held_ids]
    if not train:  # everything hashed out: keep the held-out set to one document
        train, held = held[1:], held[:1]
    return train, held


def _evaluate(tagger: SpanTagger, held: list[LabelledDocument], labels: list[str]) -> dict[str, Any]:
    if not held:
        return {"value": None, "f1": None, "items": 0, "held_out_documents": 0, "per_label": {}}
    predicted = tagger.predict([d.text for d in held])
    result = span_f1([d.spans for d in held], predicted, labels=labels).as_dict()
    result["f1"] = result["value"]  # micro span F1 (exact), under the name the web UI reads
    result["held_out_documents"] = len(held)
    return result


# --- Training -----------------------------------------------------------------------------


def run_training(*, job: Job, queue_refresh: bool = True) -> dict[str, Any]:
    """Train, evaluate, store and (if not worse) promote a model version; then queue the
    suggestions' refresh. Called by the training task with the Job already claimed."""
    from annotator.services.jobs import report_progress

    project = job.project
    # run_job writes the heartbeat (services.jobs.heartbeat) while this runs.
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
    job.params = {**job.params, "model_version": version.pk}
    Job.objects.filter(pk=job.pk).update(params=job.params)
    try:
        return _train_version(
            job=job, project=project, version=version, report=report_progress, queue_refresh=queue_refresh
        )
    except BaseException as error:
        ModelVersion.objects.filter(pk=version.pk).update(
            status=ModelVersion.Status.FAILED, metrics={"error": f"{type(error).__name__}: {error}"}
        )
        raise


def _train_version(
    *, job: Job, project: Project, version: ModelVersion, report: Any, queue_refresh: bool
) -> dict[str, Any]:
    started = time.perf_counter()
    labels = [label.name for label in project.labels.all()]
    documents = training_documents(project=project)
    if not documents:
        raise AnnotatorError("nothing to train on: the project has no gold and no submitted annotations yet")
    train, held = split(documents)
    report(job, 1, 4, f"training on {len(train)} documents, {len(held)} held out")
    if settings.TAGGER_TRAINING_PAUSE_SECONDS:
        time.sleep(settings.TAGGER_TRAINING_PAUSE_SECONDS)
    tagger = SpanTagger(labels=labels, label_weights=project.tagger_label_weights)
    # Self-training on documents nobody has labelled yet, as many as the tagger would use.
    unlabelled = unlabelled_texts(project=project, limit=tagger.unlabelled_wanted(len(train)))
    try:
        tagger.fit([d.text for d in train], [d.spans for d in train], unlabelled=unlabelled)
    except AlignmentError as error:
        raise AnnotatorError(f"a stored span does not line up with the tokenizer: {error}") from None
    report(job, 2, 4, "evaluating on the held-out documents")
    metrics = _evaluate(tagger, held, labels)
    metrics["unlabelled_documents"] = tagger.n_unlabelled_documents_
    current = ModelVersion.objects.filter(project=project, status=ModelVersion.Status.CURRENT).first()
    baseline: dict[str, Any] | None = None
    if current is not None:
        try:
            baseline = _evaluate(load_tagger(current.artifact, expected_sha256=current.artifact_sha256), held, labels)
        except ModelLoadError as error:
            baseline = {"value": None, "error": str(error)}
    new_f1 = metrics.get("value") or 0.0
    old_f1 = (baseline or {}).get("value") or 0.0
    promote = current is None or baseline.get("error") is not None or new_f1 >= old_f1  # type: ignore[union-attr]
    metrics["current_model_on_same_documents"] = (
        {"version": current.version, "value": baseline.get("value")} if current and baseline else None
    )
    report(job, 3, 4, "storing the model")
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
    report(job, 4, 4, "promoted" if promote else "kept the current model: the new one is worse on held-out documents")
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
    from annotator import tasks
    from annotator.services.jobs import create_job, enqueue

    job = create_job(kind=Job.Kind.SUGGESTIONS, project=project, params={"model_version": version_id})
    enqueue(job, tasks.refresh_suggestions_job)
    return job


def train_now(*, project: Project, user: Any = None) -> Job:
    """Train synchronously in this process (the demo's seeding): the same Job, service and
    promotion rule as the Celery task, without a worker; the caller refreshes suggestions."""
    from annotator.services.jobs import mark_failed, mark_succeeded

    with transaction.atomic():
        job = Job.objects.create(kind=Job.Kind.TRAINING, project=project, created_by=user, params={"reason": "sync"})
    claim_training(job=job)
    try:
        result = run_training(job=job, queue_refresh=False)
    except AnnotatorError as error:
        mark_failed(job, str(error))
        raise
    mark_succeeded(job, result)
    job.refresh_from_db()
    return job
