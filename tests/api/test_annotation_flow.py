"""The annotation queue and saving one's own annotation, as an annotator meets them."""

from __future__ import annotations

import pytest

from annotator.models import Annotation, Document, Gold
from tests.api.conftest import assign, save


def first_word_span(text: str, word: str, label: str) -> dict:
    start = text.index(word)
    return {"start": start, "end": start + len(word), "label": label}


def test_next_assigns_a_document_with_a_draft_annotation(project, alice, client_for):
    body = assign(client_for(alice))
    assert body["document"]["text"]
    assert body["annotation"]["status"] == "draft"
    assert body["annotation"]["version"] == 1
    assert body["annotation"]["spans"] == []
    assert body["remaining"] == 5  # the 5 seeds are all open to her, this one included
    assert body["model_version"] is None and body["suggestions"] == []


def test_next_returns_the_same_draft_until_it_is_saved_as_submitted(project, alice, client_for):
    client = client_for(alice)
    first = assign(client)
    again = assign(client)
    assert again["document"]["id"] == first["document"]["id"]
    doc = first["document"]
    response = save(client, doc["id"], spans=[], status="submitted", version=1)
    assert response.status_code == 200, response.content
    assert assign(client)["document"]["id"] != doc["id"]


def test_each_document_goes_to_exactly_k_annotators(project, alice, bob, reviewer, client_for):
    seen: dict[int, list[str]] = {}
    for user in (alice, bob, reviewer):
        client = client_for(user)
        while True:
            body = assign(client)
            if body["document"] is None:
                assert body["remaining"] == 0
                break
            seen.setdefault(body["document"]["id"], []).append(user.username)
            assert save(client, body["document"]["id"], spans=[], status="submitted", version=1).status_code == 200
    assert len(seen) == 5
    assert all(len(names) == 2 and len(set(names)) == 2 for names in seen.values())
    assert Annotation.objects.count() == 10


def test_documents_with_gold_are_not_served(project, alice, client_for):
    for doc in Document.objects.all():
        Gold.objects.create(document=doc, origin="imported")
    body = assign(client_for(alice))
    assert body == {
        "document": None,
        "annotation": None,
        "model_version": None,
        "suggestions": [],
        "relation_suggestions": [],
        "suggestions_stale": False,
        "suggestions_pending": False,
        "control": False,
        "suggestions_state": None,
        "remaining": 0,
    }


def test_a_skipped_document_is_not_offered_again_but_frees_its_slot(project, alice, bob, reviewer, client_for):
    project.annotators_per_document = 1
    project.save()
    alice_client = client_for(alice)
    doc_id = assign(alice_client)["document"]["id"]
    assert save(alice_client, doc_id, spans=[], status="skipped", version=1).status_code == 200
    assert assign(alice_client)["document"]["id"] != doc_id  # not handed back to her
    # Bob gets the skipped document: the skip released its only slot.
    assert assign(client_for(bob))["document"]["id"] == doc_id


def test_saving_spans_stores_them_and_raises_the_version(project, alice, client_for):
    client = client_for(alice)
    doc = assign(client)["document"]
    span = first_word_span(doc["text"], "Aleppo", "LOCATION")
    response = save(client, doc["id"], spans=[{**span, "attrs": {}}], version=1, time_spent=12.5)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    assert body["time_spent"] == 12.5
    assert [(s["start"], s["end"], s["label"], s["origin"]) for s in body["spans"]] == [
        (span["start"], span["end"], "LOCATION", "manual")
    ]
    mine = client.get(f"/api/documents/{doc['id']}/annotations/mine/").json()
    assert mine["spans"] == body["spans"] and mine["version"] == 2


def test_a_stale_version_gets_409_with_the_current_version_and_changes_nothing(project, alice, client_for):
    client = client_for(alice)
    doc = assign(client)["document"]
    span = first_word_span(doc["text"], "Aleppo", "LOCATION")
    assert save(client, doc["id"], spans=[span], version=1).status_code == 200
    response = save(client, doc["id"], spans=[], status="submitted", version=1)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "stale_version" and error["current_version"] == 2
    assert "version 1 is stale" in error["message"]
    annotation = Annotation.objects.get(document_id=doc["id"], annotator=alice)
    assert annotation.status == "draft" and annotation.spans.count() == 1


def test_bad_spans_get_400_naming_each_span_and_nothing_is_written(project, alice, client_for):
    client = client_for(alice)
    doc = assign(client)["document"]
    good = first_word_span(doc["text"], "Aleppo", "LOCATION")
    assert save(client, doc["id"], spans=[good], version=1).status_code == 200
    bad = [
        good,
        {"start": 5, "end": 2, "label": "LOCATION"},
        {"start": good["start"], "end": good["end"], "label": "WEAPON"},
        {"start": 0, "end": len(doc["text"]) + 10, "label": "PERPETRATOR"},
        "not a span",
    ]
    response = save(client, doc["id"], spans=bad, version=2)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_spans"
    reasons = {p["index"]: p["reason"] for p in error["spans"]}
    assert set(reasons) == {1, 2, 3, 4}
    assert "start must be before end" in reasons[1]
    assert "unknown label 'WEAPON'" in reasons[2]
    assert "outside the text" in reasons[3]
    assert "must be an object" in reasons[4]
    annotation = Annotation.objects.get(document_id=doc["id"], annotator=alice)
    assert annotation.version == 2 and annotation.spans.count() == 1


def test_a_span_inside_a_word_is_refused(project, alice, client_for):
    client = client_for(alice)
    doc = assign(client)["document"]
    start = doc["text"].index("Aleppo")
    response = save(client, doc["id"], spans=[{"start": start + 1, "end": start + 6, "label": "LOCATION"}], version=1)
    assert response.status_code == 400
    assert "inside the word 'Aleppo'" in response.json()["error"]["spans"][0]["reason"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"spans": [], "status": "finished", "version": 1}, "status"),
        ({"spans": [], "status": "draft"}, "version"),
        ({"spans": [], "status": "draft", "version": 0}, "version"),
        ({"spans": "x", "status": "draft", "version": 1}, "spans"),
        ({"spans": [], "status": "draft", "version": 1, "time_spent": -3}, "time_spent"),
        ({"spans": [], "status": "draft", "version": 1, "rejected_suggestions": ["a"]}, "rejected_suggestions"),
    ],
)
def test_malformed_saves_get_400_naming_the_field(project, alice, client_for, body, field):
    client = client_for(alice)
    doc = assign(client)["document"]
    response = client.put(f"/api/documents/{doc['id']}/annotations/mine/", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"], error
    assert Annotation.objects.get(document_id=doc["id"], annotator=alice).version == 1


def test_an_unknown_suggestion_reference_is_refused(project, alice, client_for):
    client = client_for(alice)
    doc = assign(client)["document"]
    span = {**first_word_span(doc["text"], "Aleppo", "LOCATION"), "origin": "suggestion_accepted", "suggestion": 999}
    response = save(client, doc["id"], spans=[span], version=1)
    assert response.status_code == 400
    assert "suggestion 999 was not made for document" in response.json()["error"]["spans"][0]["reason"]
    response = save(client, doc["id"], spans=[], version=1, rejected_suggestions=[999])
    assert response.status_code == 400
    assert "rejected_suggestions" in response.json()["error"]["message"]


def test_an_annotator_who_was_not_assigned_cannot_read_or_save(project, alice, bob, client_for):
    doc_id = assign(client_for(alice))["document"]["id"]
    bob_client = client_for(bob)
    assert bob_client.get(f"/api/documents/{doc_id}/annotations/mine/").status_code == 404
    assert save(bob_client, doc_id, spans=[], version=1).status_code == 404
    assert bob_client.get(f"/api/documents/{doc_id}/").status_code == 404
    assert not Annotation.objects.filter(annotator=bob).exists()


def test_annotators_are_blind_to_each_others_spans(project, alice, bob, client_for):
    alice_client, bob_client = client_for(alice), client_for(bob)
    doc = assign(alice_client)["document"]
    assert save(alice_client, doc["id"], spans=[first_word_span(doc["text"], "Aleppo", "LOCATION")], version=1)
    bob_body = assign(bob_client)
    assert bob_body["document"]["id"] == doc["id"]  # K=2: bob gets the same document
    assert bob_body["annotation"]["spans"] == []
    assert "annotations" not in bob_body["document"]


def test_submitting_triggers_the_retrain_check_after_commit(
    project, alice, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(
        "annotator.services.training.maybe_start_training", lambda *, project: calls.append(project.slug)
    )
    client = client_for(alice)
    doc = assign(client)["document"]
    with django_capture_on_commit_callbacks(execute=True):
        assert save(client, doc["id"], spans=[], status="draft", version=1).status_code == 200
    assert calls == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert save(client, doc["id"], spans=[], status="submitted", version=2).status_code == 200
    assert calls == ["aleppo"] and len(callbacks) == 1


def test_un_skipping_is_refused_once_someone_else_took_the_slot(project, alice, bob, client_for):
    project.annotators_per_document = 1
    project.save()
    alice_client = client_for(alice)
    doc_id = assign(alice_client)["document"]["id"]
    assert save(alice_client, doc_id, spans=[], status="skipped", version=1).status_code == 200
    assert assign(client_for(bob))["document"]["id"] == doc_id
    response = save(alice_client, doc_id, spans=[], status="draft", version=2)
    assert response.status_code == 409
    assert "went to other annotators" in response.json()["error"]["message"]
    assert Annotation.objects.filter(document_id=doc_id, status__in=["draft", "submitted"]).count() == 1


def test_the_queue_and_save_answers_have_the_documented_shapes(project, alice, client_for):
    """next/ and mine/ answer plain dicts for speed; they must stay what the schema says."""
    from api.serializers.annotations import AnnotationSerializer, NextSerializer

    client = client_for(alice)
    body = assign(client)
    assert set(body) == set(NextSerializer().fields)
    assert set(body["document"]) == set(NextSerializer().fields["document"].fields)
    assert set(body["annotation"]) == set(AnnotationSerializer().fields)
    doc = body["document"]
    span = {**first_word_span(doc["text"], "Aleppo", "LOCATION"), "attrs": {}}
    saved = save(client, doc["id"], spans=[span], version=1).json()
    assert set(saved) == set(AnnotationSerializer().fields)
    assert set(saved["spans"][0]) == set(AnnotationSerializer().fields["spans"].child.fields)
    assert AnnotationSerializer(data=saved).is_valid(), "the answer passes its own serializer"


def test_editing_a_submitted_annotation_without_a_status_keeps_it_submitted(project, alice, client_for):
    client = client_for(alice)
    doc = assign(client)["document"]
    span = {**first_word_span(doc["text"], "Aleppo", "LOCATION"), "attrs": {}}
    submitted = save(client, doc["id"], spans=[span], status="submitted", version=1).json()
    first_submitted_at = submitted["submitted_at"]

    body = {"spans": [], "version": submitted["version"]}
    edited = client.put(f"/api/documents/{doc['id']}/annotations/mine/", body, format="json")
    assert edited.status_code == 200, edited.content
    assert edited.json()["status"] == "submitted"
    assert edited.json()["version"] == submitted["version"] + 1
    assert edited.json()["submitted_at"] == first_submitted_at

    withdrawn = save(client, doc["id"], spans=[], status="draft", version=edited.json()["version"])
    assert withdrawn.json()["status"] == "draft"
