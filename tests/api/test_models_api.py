"""The tagger's endpoints: model versions, training, prediction, and the model's help."""

from __future__ import annotations

import pytest

from annotator.models import Job, ModelVersion
from annotator.services.predictor import refresh_now
from annotator.services.trainer import train_now
from tests.annotator.services.tagger_data import add_gold, texts
from tests.api.conftest import assign, save


@pytest.fixture
def trained(project):  # type: ignore[no-untyped-def]
    add_gold(project, 8)
    train_now(project=project)
    refresh_now(project=project)
    return project


def test_members_see_model_versions_with_metrics_and_help(trained, client_for, alice) -> None:
    response = client_for(alice).get("/api/projects/aleppo/models/")
    assert response.status_code == 200
    (model,) = response.json()
    assert model["version"] == 1 and model["status"] == "current"
    assert model["metrics"]["held_out_documents"] >= 1
    assert set(model["metrics"]["per_label"]) == {"CASUALTY_COUNT", "LOCATION", "PERPETRATOR"}
    assert model["sklearn_version"] and model["feature_version"]
    assert model["help"]["annotations"] == 0 and model["help"]["precision"] is None
    assert "artifact" not in model


def test_outsiders_do_not_see_the_models(trained, client_for, outsider) -> None:
    assert client_for(outsider).get("/api/projects/aleppo/models/").status_code == 404
    assert client_for(outsider).post("/api/projects/aleppo/predict/", {"text": "x"}, format="json").status_code == 404


def test_an_owner_queues_a_training_and_gets_its_job(
    project, client_for, owner, django_capture_on_commit_callbacks
) -> None:
    add_gold(project, 8)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post("/api/projects/aleppo/models/train/", {}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["kind"] == "training"
    job = Job.objects.get(pk=body["id"])
    assert job.status == Job.Status.SUCCEEDED, job.error  # tests run tasks eagerly
    assert ModelVersion.objects.get(project=project).status == ModelVersion.Status.CURRENT


def test_annotators_may_not_start_a_training(project, client_for, alice) -> None:
    response = client_for(alice).post("/api/projects/aleppo/models/train/", {}, format="json")
    assert response.status_code == 403


def test_predict_returns_spans_with_scores(trained, client_for, alice) -> None:
    text = texts(1, skip=20)[0]
    response = client_for(alice).post("/api/projects/aleppo/predict/", {"text": text}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["model_version"] == 1 and body["spans"]
    for span in body["spans"]:
        assert span["text"] == text[span["start"] : span["end"]]
        assert 0 < span["score"] <= 1


def test_predict_without_a_model_is_a_conflict_that_says_why(project, client_for, alice) -> None:
    response = client_for(alice).post("/api/projects/aleppo/predict/", {"text": "Jets hit Aleppo."}, format="json")
    assert response.status_code == 409
    assert "no trained model" in response.json()["error"]["message"]


def test_predict_without_text_names_the_field(trained, client_for, alice) -> None:
    response = client_for(alice).post("/api/projects/aleppo/predict/", {}, format="json")
    assert response.status_code == 400
    assert "text" in str(response.json())


def test_next_serves_the_current_models_suggestions(trained, client_for, alice) -> None:
    body = assign(client_for(alice))
    assert body["document"] is not None
    assert body["model_version"]["version"] == 1
    assert body["suggestions"], "a seed article gets the first model's suggestions"
    assert all(0 < s["score"] <= 1 for s in body["suggestions"])


def test_the_help_endpoint_reports_accepted_suggestions(trained, client_for, alice) -> None:
    client = client_for(alice)
    body = assign(client)
    doc_id = body["document"]["id"]
    first = body["suggestions"][0]
    spans = [
        {
            "start": first["start"],
            "end": first["end"],
            "label": first["label"],
            "origin": "suggestion_accepted",
            "suggestion": first["id"],
        }
    ]
    version = body["annotation"]["version"]
    response = save(client, doc_id, spans=spans, status="submitted", version=version)
    assert response.status_code == 200, response.content
    help = client.get("/api/projects/aleppo/models/1/help/").json()
    assert help["annotations"] == 1 and help["from_suggestions"] == 1 and help["accepted_share"] == 1.0


def test_help_for_an_unknown_version_is_404(trained, client_for, alice) -> None:
    assert client_for(alice).get("/api/projects/aleppo/models/9/help/").status_code == 404
