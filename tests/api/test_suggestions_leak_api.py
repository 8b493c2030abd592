"""Suggestions never carry one annotator's labels to another, and every unfinished document
gets the model's suggestions (issue 18, items 1 and 2), through the API with a real Celery
worker on Redis: a training learns from annotator 1's idiosyncratic spans on a document, and
annotator 2 opening that document is told why there are no suggestions, while the other
documents are served the same model's; documents imported after a promotion get their
suggestions from the worker's batches."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.models import Document, Job, ModelVersion, Suggestion
from annotator.services.predictor import predict_texts
from annotator.services.suggestions import seen_by
from annotator.services.trainer import train_now
from tests.annotator.services.tagger_data import add_gold, texts
from tests.api.conftest import assign, save
from tests.api.odd_readings import odd_among, odd_spans, trained_article
from tests.conftest import wait_for

pytestmark = pytest.mark.worker


@pytest.fixture
def patient(settings) -> None:  # type: ignore[no-untyped-def]
    """A patient web: a cold worker loads scikit-learn and the model first."""
    settings.SUGGESTIONS_WAIT_SECONDS = 120
    settings.PREDICT_WAIT_SECONDS = 120


def served_until(client, document_id: int) -> dict:  # type: ignore[no-untyped-def]
    """The caller's next/ answers, skipping other documents, until `document_id` comes."""
    for _ in range(10):
        body = assign(client)
        if body["document"]["id"] == document_id:
            return body
        skipped = save(
            client, body["document"]["id"], spans=[], status="skipped", version=body["annotation"]["version"]
        )
        assert skipped.status_code == 200, skipped.content  # type: ignore[attr-defined]
    raise AssertionError(f"document {document_id} was never served")


def train_through_the_api(client) -> ModelVersion:  # type: ignore[no-untyped-def]
    response = client.post("/api/projects/aleppo/models/train/", {}, format="json")
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    wait_for(
        lambda: Job.objects.get(pk=job_id).status in (Job.Status.SUCCEEDED, Job.Status.FAILED),
        timeout=600,
        what="the training",
    )
    job = Job.objects.get(pk=job_id)
    assert job.status == Job.Status.SUCCEEDED, job.error
    return ModelVersion.objects.get(pk=job.result["model_version_id"])


def suggestions_settled() -> bool:
    jobs = Job.objects.filter(kind=Job.Kind.SUGGESTIONS)
    return jobs.exists() and all(j.status in (Job.Status.SUCCEEDED, Job.Status.FAILED) for j in jobs)


def test_a_span_annotator_1_made_never_comes_back_to_annotator_2_on_the_same_document(
    patient, celery_worker, project, client_for, owner, alice, bob, reviewer
) -> None:
    add_gold(project, 10)
    document, reading = trained_article(project)

    first = client_for(alice)
    version_1 = served_until(first, document.pk)["annotation"]["version"]
    submitted = save(first, document.pk, spans=odd_spans(document, reading), status="submitted", version=version_1)
    assert submitted.status_code == 200, submitted.content  # type: ignore[attr-defined]

    version = train_through_the_api(client_for(owner))
    assert version.status == ModelVersion.Status.CURRENT
    assert seen_by(version, [document.pk]) == {document.pk}
    # The leak is real: the model learned alice's reading and gives it back on this article.
    _, (prediction,) = predict_texts(project=project, texts=[document.text])
    assert odd_among([s.as_dict() for s in prediction.spans], document, reading)
    wait_for(suggestions_settled, timeout=300, what="the refresh after the promotion")

    second = served_until(client_for(bob), document.pk)
    assert second["suggestions"] == [] and second["model_version"] is None
    assert second["suggestions_state"] == "excluded_trained_on_it"
    assert not Suggestion.objects.filter(document=document).exists()
    # Nor through the document view, nor by pasting the article into predict/.
    viewed = client_for(reviewer).get(f"/api/documents/{document.pk}/").json()
    assert viewed["suggestions"] == [] and viewed["suggestions_state"] == "excluded_trained_on_it"
    pasted = client_for(bob).post("/api/projects/aleppo/predict/", {"text": document.text}, format="json")
    assert pasted.status_code == 409, pasted.content
    assert "trained on an annotation" in pasted.json()["detail"]

    # Another article nobody has annotated is served the same model's suggestions.
    other = Document.objects.filter(project=project, gold__isnull=True).exclude(pk=document.pk).first()
    assert other is not None
    shown = client_for(reviewer).get(f"/api/documents/{other.pk}/").json()
    assert shown["suggestions_state"] == "ready"
    assert shown["model_version"]["version"] == version.version and shown["suggestions"]


def test_documents_imported_after_a_promotion_get_suggestions_from_the_batches(
    patient, celery_worker, project, client_for, owner, reviewer
) -> None:
    add_gold(project, 10)
    train_now(project=project)
    version = ModelVersion.objects.get(project=project, status=ModelVersion.Status.CURRENT)
    lines = "".join(json.dumps({"id": f"late-{i}", "text": text}) + "\n" for i, text in enumerate(texts(4, skip=30)))
    body = {"file": SimpleUploadedFile("late.jsonl", lines.encode()), "format": "jsonl"}
    response = client_for(owner).post("/api/projects/aleppo/imports/", body, format="multipart")
    assert response.status_code == 202, response.content

    def imported_and_suggested() -> bool:
        late = Document.objects.filter(project=project, external_id__startswith="late-")
        return late.count() == 4 and suggestions_settled()

    wait_for(imported_and_suggested, timeout=300, what="the import and the suggestions it queued")
    late = list(Document.objects.filter(project=project, external_id__startswith="late-"))
    # Computed by the worker's batch, before anyone opened them.
    assert {d.suggested_by_id for d in late} == {version.pk}
    assert Suggestion.objects.filter(document__in=late, model_version=version).exists()
    refresh = Job.objects.filter(kind=Job.Kind.SUGGESTIONS).order_by("pk").first()
    assert refresh is not None and refresh.params["reason"] == "import"
    shown = client_for(reviewer).get(f"/api/documents/{late[0].pk}/").json()
    assert shown["suggestions_state"] == "ready" and shown["model_version"]["version"] == version.version
