"""The control share (issue 18): a share of the documents is served to everyone without
suggestions, decided per document and kept once someone has started it; next/, the document
view and predict/ show no suggestions on a control document, with a real worker."""

from __future__ import annotations

import pytest

from annotator.models import Document, ModelVersion, Suggestion
from annotator.services.control import is_control
from annotator.services.suggestions import queue_refresh
from annotator.services.trainer import train_now
from tests.annotator.services.tagger_data import add_gold
from tests.api.conftest import assign, save
from tests.conftest import wait_for


def set_share(client, share):  # type: ignore[no-untyped-def]
    return client.patch("/api/projects/aleppo/", {"control_share": share}, format="json")


def test_the_owner_sets_the_share_and_unstarted_documents_follow_it(project, client_for, owner, alice) -> None:
    assert client_for(alice).get("/api/projects/aleppo/").json()["control_share"] == 0.0
    response = set_share(client_for(owner), 0.5)
    assert response.status_code == 200 and response.json()["control_share"] == 0.5
    documents = list(Document.objects.filter(project=project))
    assert all(d.control == is_control(d.external_id, 0.5) for d in documents)
    assert 0 < sum(d.control for d in documents) < len(documents)


def test_a_started_document_keeps_its_condition_when_the_share_changes(project, client_for, owner, alice) -> None:
    set_share(client_for(owner), 0.5)
    started = Document.objects.get(pk=assign(client_for(alice))["document"]["id"])
    set_share(client_for(owner), 0.0)
    assert set(Document.objects.filter(project=project, control=True)) == ({started} if started.control else set())


@pytest.mark.parametrize("share", [0.6, -0.1, "half"])
def test_a_share_outside_0_to_half_is_refused_naming_the_field(project, client_for, owner, share) -> None:
    response = set_share(client_for(owner), share)
    assert response.status_code == 400 and "control_share" in str(response.json())
    assert Document.objects.filter(project=project, control=True).count() == 0


def test_only_owners_set_the_share(project, client_for, reviewer, outsider) -> None:
    assert set_share(client_for(reviewer), 0.3).status_code == 403
    assert set_share(client_for(outsider), 0.3).status_code == 404


def test_a_new_project_has_the_default_share_of_a_tenth(client_for, owner) -> None:
    body = {"slug": "fresh", "labels": [{"name": "LOCATION"}]}
    assert client_for(owner).post("/api/projects/", body, format="json").json()["control_share"] == 0.1


@pytest.fixture
def controlled(project, client_for, owner):  # type: ignore[no-untyped-def]
    """Half the documents are control documents, and a current model whose suggestions the
    worker computes for every unfinished document, control documents included."""
    set_share(client_for(owner), 0.5)
    add_gold(project, 10)
    train_now(project=project)
    version = ModelVersion.objects.get(project=project, status=ModelVersion.Status.CURRENT)
    queue_refresh(project=project, version_id=version.pk)
    unfinished = Document.objects.unfinished(project)
    wait_for(lambda: not unfinished.exclude(suggested_by=version).exists(), what="the refresh")
    return project


@pytest.mark.worker
def test_a_control_document_is_served_without_suggestions_while_the_others_have_them(
    celery_worker, controlled, client_for, reviewer
) -> None:
    unfinished = Document.objects.unfinished(controlled)
    control = unfinished.filter(control=True).first()
    assert Suggestion.objects.filter(document=control).exists()  # computed, never shown
    body = client_for(reviewer).get(f"/api/documents/{control.pk}/").json()
    assert body["control"] is True and body["suggestions"] == [] and body["model_version"] is None
    shown = 0
    for document in unfinished.filter(control=False)[:3]:
        body = client_for(reviewer).get(f"/api/documents/{document.pk}/").json()
        assert body["control"] is False and body["model_version"]["version"] == 1
        stored = Suggestion.objects.filter(document=document, model_version__version=1)
        assert {s["id"] for s in body["suggestions"]} == {s.pk for s in stored}
        shown += len(body["suggestions"])
    assert shown > 0


@pytest.mark.worker
def test_next_shows_suggestions_exactly_on_the_documents_outside_the_control_share(
    celery_worker, controlled, client_for, alice
) -> None:
    seen = set()
    client = client_for(alice)
    for _ in range(4):
        body = assign(client)
        document = Document.objects.get(pk=body["document"]["id"])
        assert body["control"] is document.control
        if document.control:
            assert body["suggestions"] == [] and body["model_version"] is None
        else:
            assert body["model_version"]["version"] == 1
        seen.add(document.control)
        save(client, document.pk, spans=[], status="submitted", version=body["annotation"]["version"])
    assert seen  # at least one document was served


@pytest.mark.worker
def test_predict_refuses_the_text_of_a_control_document(celery_worker, controlled, client_for, alice) -> None:
    control = Document.objects.filter(project=controlled, control=True).first()
    response = client_for(alice).post("/api/projects/aleppo/predict/", {"text": control.text}, format="json")
    assert response.status_code == 409 and "control documents" in response.json()["error"]["message"]
    plain = Document.objects.filter(project=controlled, control=False).first()
    assert (
        client_for(alice).post("/api/projects/aleppo/predict/", {"text": plain.text}, format="json").status_code == 200
    )
