"""Training the tagger from the project's data: when, on what, promotion, lost workers."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotator import evaluation, training_data
from annotator.models import Annotation, Document, Job, ModelVersion, Project, Role, Suggestion
from annotator.services import training
from annotator.services.adjudication import save_gold
from annotator.services.annotations import save_my_annotation
from annotator.services.assignment import next_for
from annotator.services.projects import add_member, create_project
from annotator.services.suggestions import seen_by
from annotator.services.trainer import train_now
from annotator.services.training import (
    fail_stale_trainings,
    maybe_start_training,
    new_documents_since_last_training,
    start_training,
)
from annotator.spans import Span
from annotator.training_data import training_documents
from tests.annotator.services.tagger_data import add_gold, add_submissions, seed_gold


def test_below_the_threshold_nothing_trains(project) -> None:
    add_submissions(project, "alice", 4)
    assert new_documents_since_last_training(project=project) == 4
    assert maybe_start_training(project=project) is None
    assert not Job.objects.filter(kind=Job.Kind.TRAINING).exists()


def test_reaching_the_threshold_trains_promotes_and_refreshes_suggestions(
    project, django_capture_on_commit_callbacks
) -> None:
    add_submissions(project, "alice", 8)
    with django_capture_on_commit_callbacks(execute=True):
        job = maybe_start_training(project=project)
    assert job is not None
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    model = ModelVersion.objects.get(project=project)
    assert model.status == ModelVersion.Status.CURRENT
    assert model.training_documents + model.metrics["held_out_documents"] == 8
    assert model.metrics["per_label"].keys() == {"CASUALTY_COUNT", "LOCATION", "PERPETRATOR"}
    assert model.sklearn_version and model.feature_version and len(model.artifact_sha256) == 64
    refresh = Job.objects.get(kind=Job.Kind.SUGGESTIONS)
    assert refresh.status == Job.Status.SUCCEEDED
    # 5 seeds + 8 submitted once (2 wanted), less those the model trained on: no document is
    # shown suggestions from a model that learned from an annotation of it (issue 18).
    served = 13 - model.training_documents
    assert refresh.progress_done == refresh.progress_total == served
    assert Suggestion.objects.filter(model_version=model).exists()
    assert Document.objects.filter(project=project, model_uncertainty__isnull=False).count() == served
    trained = seen_by(model, Document.objects.filter(project=project).values_list("pk", flat=True))
    assert len(trained) == model.training_documents
    assert not Suggestion.objects.filter(model_version=model, document_id__in=trained).exists()


def test_the_count_restarts_after_each_training_request(project, django_capture_on_commit_callbacks) -> None:
    add_submissions(project, "alice", 5)
    with django_capture_on_commit_callbacks(execute=True):
        maybe_start_training(project=project)
    assert new_documents_since_last_training(project=project) == 0
    assert maybe_start_training(project=project) is None


def test_a_submission_and_a_gold_save_count_towards_the_next_training(project, alice, reviewer) -> None:
    add_submissions(project, "alice", 3)  # imported as alice's: three of the five
    assert maybe_start_training(project=project) is None
    given = next_for(project=project, user=alice).annotation
    assert given is not None
    save_my_annotation(document=given.document, user=alice, spans=[], status="submitted", expected_version=1)
    assert maybe_start_training(project=project) is None  # four
    other = Document.objects.filter(project=project).exclude(annotations__annotator=alice).first()
    save_gold(document=other, user=reviewer, spans=[], source_annotation_ids=[], expected_version=0)
    job = maybe_start_training(project=project)  # five: queued (on_commit never fires here)
    assert job is not None and job.status == Job.Status.QUEUED
    assert Project.objects.get(pk=project.pk).labelled_since_training == 0


def test_below_the_threshold_the_trigger_reads_no_submissions_of_any_project(project, alice) -> None:
    """The trigger runs after every submit; below the threshold it reads the project's row
    and not the submissions, whose walk grew with every project's work (#17)."""
    elsewhere = create_project(slug="elsewhere", labels=list(project.label_schemas()), retrain_every=1_000_000)
    add_member(project=elsewhere, user=alice, role=Role.ANNOTATOR)
    add_submissions(elsewhere, "alice", 6)
    add_submissions(project, "alice", 4)
    with CaptureQueriesContext(connection) as queries:
        assert maybe_start_training(project=project) is None
    assert queries.captured_queries
    assert not [query for query in queries.captured_queries if "annotator_annotation" in query["sql"]]


def test_a_request_while_one_waits_joins_it(project) -> None:
    add_submissions(project, "alice", 5)
    first = start_training(project=project)  # queued: on_commit never fires inside the test's transaction
    second = start_training(project=project)
    assert first.pk == second.pk
    assert Job.objects.filter(kind=Job.Kind.TRAINING).count() == 1


def test_a_request_while_one_runs_queues_exactly_one_more(project) -> None:
    add_submissions(project, "alice", 5)
    running = start_training(project=project)
    Job.objects.filter(pk=running.pk).update(status=Job.Status.RUNNING, result={"heartbeat": time.time()})
    more = {start_training(project=project).pk for _ in range(3)}
    assert len(more) == 1 and running.pk not in more


def test_a_second_training_waits_while_the_first_runs(project) -> None:
    add_submissions(project, "alice", 5)
    running = start_training(project=project)
    Job.objects.filter(pk=running.pk).update(status=Job.Status.RUNNING, result={"heartbeat": time.time()})
    waiting = start_training(project=project)
    with pytest.raises(training.TrainingBusy):
        training.claim_training(job=waiting)


def test_gold_wins_over_submissions_and_the_latest_submission_stands_for_the_rest(project, alice, bob) -> None:
    add_submissions(project, "alice", 3)
    add_submissions(project, "bob", 3)  # later than alice's: bob's stand
    add_gold(project, 1)  # the first document has gold
    Annotation.objects.filter(annotator=bob, document__external_id=_external_id(project, 1)).update(
        submitted_at=timezone.now() - timezone.timedelta(days=1)
    )
    docs = {d.document_id: d for d in training_documents(project=project)}
    assert len(docs) == 3
    gold_doc = Document.objects.get(project=project, gold__isnull=False)
    gold_spans = {Span(s.start, s.end, s.label) for s in gold_doc.gold.spans.all()}
    assert set(docs[gold_doc.pk].spans) == gold_spans


def _external_id(project, index: int) -> str:  # type: ignore[no-untyped-def]
    return Document.objects.filter(project=project).order_by("pk")[5 + index].external_id


def test_a_worse_model_is_stored_but_not_promoted(project, monkeypatch) -> None:
    add_gold(project, 8)
    first = ModelVersion.objects.get(pk=train_now(project=project).result["model_version_id"])
    scores = iter([{"value": 0.2, "f1": 0.2, "per_label": {}}, {"value": 0.5, "f1": 0.5}])
    monkeypatch.setattr(evaluation, "evaluate", lambda tagger, held, labels: next(scores))
    job = train_now(project=project)
    assert job.result["promoted"] is False
    second = ModelVersion.objects.get(pk=job.result["model_version_id"])
    assert second.status == ModelVersion.Status.READY
    first.refresh_from_db()
    assert first.status == ModelVersion.Status.CURRENT
    assert second.metrics["current_model_on_same_documents"] == {"version": 1, "value": 0.5}


def test_a_model_as_good_as_the_current_one_is_promoted_and_the_old_one_retired(project) -> None:
    add_gold(project, 8)
    first = train_now(project=project)
    second = train_now(project=project)  # same data, same seed: the same figures
    assert second.result["promoted"] is True
    statuses = dict(ModelVersion.objects.values_list("version", "status"))
    assert statuses == {1: ModelVersion.Status.RETIRED, 2: ModelVersion.Status.CURRENT}
    assert first.result["micro_f1"] == second.result["micro_f1"]


def test_training_with_nothing_labelled_fails_with_a_reason(project) -> None:
    with pytest.raises(Exception, match="nothing to train on"):
        train_now(project=project)
    job = Job.objects.get(kind=Job.Kind.TRAINING)
    assert job.status == Job.Status.FAILED and "nothing to train on" in job.error
    assert not ModelVersion.objects.filter(status=ModelVersion.Status.CURRENT).exists()


def test_a_training_whose_worker_went_silent_is_failed_on_the_next_trigger(project, settings) -> None:
    settings.JOB_STALE_AFTER_SECONDS = 30
    add_submissions(project, "alice", 5)
    job = start_training(project=project)
    version = ModelVersion.objects.create(project=project, version=1, status=ModelVersion.Status.TRAINING)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        params={"worker": "host:123", "model_version": version.pk},
        result={"heartbeat": time.time() - 120},
    )
    assert fail_stale_trainings(project=project) == 1
    job.refresh_from_db()
    version.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "no heartbeat" in job.error and "host:123" not in job.error  # which worker: in the log only
    assert version.status == ModelVersion.Status.FAILED
    # ... and the next trigger trains again.
    assert start_training(project=project).pk != job.pk


def test_a_live_training_is_not_taken_for_a_lost_one(project, settings) -> None:
    settings.JOB_STALE_AFTER_SECONDS = 30
    add_submissions(project, "alice", 5)
    job = start_training(project=project)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, result={"heartbeat": time.time()})
    assert fail_stale_trainings(project=project) == 0


def test_seed_gold_lines_up_with_the_seed_documents(project) -> None:
    """The seeds' gold is importable onto the project's seed articles (same texts)."""
    from annotator.services.imports import import_documents

    report = import_documents(project=project, records=seed_gold(), as_gold=True)
    assert report.created == 0 and report.gold == 5


def test_the_model_self_trains_on_the_documents_nobody_labelled_yet(project, alice) -> None:
    add_submissions(project, "alice", 6)
    draft = Document.objects.filter(project=project, gold__isnull=True, annotations__isnull=True).first()
    Annotation.objects.create(document=draft, annotator=alice, status=Annotation.Status.DRAFT)
    pool = training_data.unlabelled_texts(project=project, limit=100)
    labelled = {d.text for d in training_documents(project=project)}
    assert len(pool) == 5  # the seed articles; a draft does not make a document labelled
    assert draft.text in pool and not labelled & set(pool)
    assert training_data.unlabelled_texts(project=project, limit=2) == training_data.unlabelled_texts(
        project=project, limit=2
    )
    assert len(training_data.unlabelled_texts(project=project, limit=2)) == 2

    job = train_now(project=project)
    model = ModelVersion.objects.get(pk=job.result["model_version_id"])
    assert model.metrics["unlabelled_documents"] == 5
