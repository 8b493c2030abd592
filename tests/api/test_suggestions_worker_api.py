"""Suggestions and predictions come from the worker (the web never loads the tagger), with a
real Celery worker on Redis: a document served before its batch is predicted on demand and
served with its suggestions, `predict/` is answered by the worker, and a refresh after a
promotion reaches every unfinished document through its batches (issue 17)."""

from __future__ import annotations

import pytest

from annotator.models import Document, Job, ModelVersion, Suggestion
from annotator.services.suggestions import queue_refresh, unfinished_documents
from annotator.services.trainer import train_now
from tests.annotator.services.tagger_data import add_gold, texts
from tests.api.conftest import assign
from tests.conftest import wait_for

pytestmark = pytest.mark.worker


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch, settings) -> None:  # type: ignore[no-untyped-def]
    """Refreshes in batches of 3 (in the worker too), and a patient web (a cold worker loads
    scikit-learn and the model first)."""
    monkeypatch.setenv("SUGGESTIONS_BATCH", "3")
    settings.SUGGESTIONS_WAIT_SECONDS = 120  # a cold child on a busy machine took 45 s
    settings.PREDICT_WAIT_SECONDS = 120


@pytest.fixture
def trained(project):  # type: ignore[no-untyped-def]
    """A current model whose suggestions nobody has computed yet."""
    add_gold(project, 10)
    train_now(project=project)
    return project


def current(project) -> ModelVersion:  # type: ignore[no-untyped-def]
    return ModelVersion.objects.get(project=project, status=ModelVersion.Status.CURRENT)


def test_a_document_served_before_its_batch_comes_with_suggestions_from_the_worker(
    small_batches, celery_worker, trained, client_for, alice
) -> None:
    body = assign(client_for(alice))

    document = Document.objects.get(pk=body["document"]["id"])
    assert document.suggested_by_id == current(trained).pk
    assert body["suggestions_pending"] is False
    stored = Suggestion.objects.filter(document=document, model_version=current(trained))
    assert {s["id"] for s in body["suggestions"]} == {s.pk for s in stored}
    assert body["model_version"]["version"] == 1


def test_opening_a_document_predicts_it_on_demand(small_batches, celery_worker, trained, client_for, reviewer) -> None:
    document = unfinished_documents(project=trained).last()
    response = client_for(reviewer).get(f"/api/documents/{document.pk}/")
    assert response.status_code == 200
    assert response.json()["suggestions_pending"] is False
    assert Document.objects.get(pk=document.pk).suggested_by_id == current(trained).pk


def test_predict_is_answered_by_the_worker(small_batches, celery_worker, trained, client_for, alice) -> None:
    text = texts(1, skip=30)[0]
    response = client_for(alice).post("/api/projects/aleppo/predict/", {"text": text}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["model_version"] == 1 and body["spans"]
    assert all(span["text"] == text[span["start"] : span["end"]] for span in body["spans"])


def test_predict_without_a_model_is_a_conflict_named_by_the_worker(
    small_batches, celery_worker, project, client_for, alice
) -> None:
    response = client_for(alice).post("/api/projects/aleppo/predict/", {"text": "Shelling in Homs."}, format="json")
    assert response.status_code == 409
    assert "no trained model yet" in response.json()["detail"]


def test_a_refresh_after_a_promotion_reaches_every_unfinished_document_in_batches(
    small_batches, celery_worker, trained
) -> None:
    version = current(trained)
    first = queue_refresh(project=trained, version_id=version.pk)
    open_ids = set(unfinished_documents(project=trained).values_list("pk", flat=True))

    def all_done() -> bool:
        jobs = Job.objects.filter(kind=Job.Kind.SUGGESTIONS)
        return jobs.count() > 1 and all(j.status in (Job.Status.SUCCEEDED, Job.Status.FAILED) for j in jobs)

    wait_for(all_done, timeout=180, what="the refresh and its batches")
    jobs = list(Job.objects.filter(kind=Job.Kind.SUGGESTIONS).order_by("pk"))
    assert [j.status for j in jobs] == [Job.Status.SUCCEEDED] * len(jobs), [j.error for j in jobs]
    assert jobs[0].pk == first.pk and jobs[0].result["documents"] == 3
    assert len(jobs) - 1 == jobs[0].result["batches"] >= (len(open_ids) - 3) // 3
    assert all(j.result["documents"] <= 3 for j in jobs[1:])
    predicted = set(Document.objects.filter(suggested_by=version).values_list("pk", flat=True))
    assert predicted == open_ids
