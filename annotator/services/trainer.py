"""Training a model version: the worker's side of `services.training` (which says when a
training runs, and one at a time). Trains, judges and promotes a model, then queues the
refresh of its suggestions. Imports the tagger and scikit-learn: run by the Celery task and
the demo's seeding, never imported by web processes.
"""

from __future__ import annotations

import time
from typing import Any

import sklearn
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max

from annotator import evaluation, idsets
from annotator.evaluation import LabelledDocument
from annotator.exceptions import AnnotatorError
from annotator.jobs.records import create_job, project_of, record_leftover, report_progress, run_job
from annotator.models import Job, ModelVersion, Project, Promotion, RelationType, TrainedDocuments
from annotator.services import promotion
from annotator.services.locks import lock_project
from annotator.services.training import claim_training
from annotator.tagger import (
    FEATURE_VERSION,
    ModelLoadError,
    SpanTagger,
    dump_relations,
    dump_tagger,
    load_tagger,
    sha256,
)
from annotator.tagger import relations as relation_model
from annotator.tokenize import AlignmentError
from annotator.training_data import training_documents, unlabelled_texts


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
    decision = evaluation.promotion_decision(metrics, baseline, current_version=current.version if current else None)
    promote = decision["promoted"]
    metrics["current_model_on_same_documents"] = (
        {"version": current.version, "value": baseline.get("value")} if current and baseline else None
    )
    metrics["promotion"] = decision  # the figures the decision rests on, and the rule in words
    relation_artifact, metrics["relations"] = train_relations(project=project, train=train, held=held)
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
            "relation_artifact": relation_artifact,
            "relation_artifact_sha256": sha256(relation_artifact) if relation_artifact else "",
            "status": ModelVersion.Status.READY,
        }
        ModelVersion.objects.filter(pk=version.pk).update(**fields)
        # What it learned from, so no document is served this version's suggestions once an
        # annotation of it was in the training (services.suggestions.serving_version).
        TrainedDocuments.objects.create(
            model_version=version, count=len(train), ids=idsets.pack(d.document_id for d in train)
        )
        if promote:  # retires the current one, records the change, queues the refresh
            promotion.make_current(
                project=project, version=version, kind=Promotion.Kind.AUTOMATIC, queue_refresh=queue_refresh
            )
    report_progress(
        job, 4, 4, "promoted" if promote else "kept the current model: the new one is worse on held-out documents"
    )
    return {
        "model_version": version.version,
        "model_version_id": version.pk,
        "promoted": promote,
        "reason": decision["reason"],
        "micro_f1": metrics.get("value"),
        "previous_micro_f1": (baseline or {}).get("value"),
        "training_documents": len(train),
        "held_out_documents": len(held),
        "duration_seconds": round(duration, 3),
    }


def train_relations(
    *, project: Project, train: list[LabelledDocument], held: list[LabelledDocument]
) -> tuple[bytes | None, dict[str, Any]]:
    """The relation classifier of the project's relation types, trained on the relations of
    the tagger's training documents (#21), as bytes, and what the version's metrics say of it:
    whether one was trained (and if not, why), on how many relations, how long it took, and
    its relation F1 on the held-out documents given their true spans. None without relation
    types or without a relation to learn from: suggestions then carry no relations."""
    started = time.process_time()
    types = [
        relation_model.RelationType(kind.name, kind.source, kind.target)
        for kind in RelationType.objects.filter(project=project)
    ]
    if not types:
        return None, {"trained": False, "reason": "the project has no relation types"}
    names = {kind.name for kind in types}
    linked = sum(1 for d in train for r in d.relations if r[2] in names)
    if not linked:
        return None, {"trained": False, "reason": "no relations in the training documents yet"}
    classifier = relation_model.RelationClassifier(types)
    classifier.fit((d.text, d.spans, _relations_of(d, names)) for d in train)
    true_positives = predicted = expected = 0
    for document in held:
        wanted = relation_model.relation_keys(document.spans, _relations_of(document, names))
        found = relation_model.relation_keys(
            document.spans, [item.relation for item in classifier.predict(document.text, document.spans)]
        )
        true_positives, predicted, expected = (
            true_positives + len(wanted & found),
            predicted + len(found),
            expected + len(wanted),
        )
    precision = true_positives / predicted if predicted else None
    recall = true_positives / expected if expected else None
    f1 = 2 * true_positives / (predicted + expected) if predicted + expected else None
    return dump_relations(classifier), {
        "trained": True,
        "types": sorted(names),
        "training_relations": linked,
        "cpu_seconds": round(time.process_time() - started, 3),
        # Given the held-out documents' true spans: the classifier alone, not the tagger's errors.
        "held_out_relations": expected,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def _relations_of(document: LabelledDocument, names: set[str]) -> list[relation_model.Relation]:
    return [relation_model.Relation(a, b, kind) for a, b, kind in document.relations if kind in names]


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
