"""Everyone's annotations of a document, the adjudication view and the gold, over the API."""

from __future__ import annotations

import pytest
from django.utils import timezone

from annotator.models import Annotation, Document
from tests.helpers import annotate


def span(document: Document, phrase: str, label: str) -> dict:
    start = document.text.index(phrase)
    return {"start": start, "end": start + len(phrase), "label": label}


@pytest.fixture
def document(project, alice, bob) -> Document:  # type: ignore[no-untyped-def]
    document = Document.objects.filter(project=project).order_by("id").first()
    annotate(document, alice, [("Aleppo", "LOCATION"), ("Syrian warplanes", "PERPETRATOR")])
    annotate(document, bob, [("Aleppo", "LOCATION")], status="draft")
    return document


def test_reviewers_see_every_annotators_annotation(document, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    body = client_for(reviewer).get(f"/api/documents/{document.pk}/annotations/").json()
    by_annotator = {a["annotator"]: a for a in body["annotations"]}
    assert by_annotator["alice"]["status"] == "submitted" and len(by_annotator["alice"]["spans"]) == 2
    assert by_annotator["bob"]["status"] == "draft" and by_annotator["bob"]["version"] == 1
    assert all("id" in a for a in body["annotations"])


def test_the_adjudication_view(document, client_for, owner, bob) -> None:  # type: ignore[no-untyped-def]
    Annotation.objects.filter(document=document, annotator=bob).update(status="submitted", submitted_at=timezone.now())
    body = client_for(owner).get(f"/api/documents/{document.pk}/adjudication/").json()
    assert body["annotators"] == ["alice", "bob"]
    assert [s["label"] for s in body["agreed"]] == ["LOCATION"]
    assert len(body["disagreements"]["only_one"]) == 1 and body["disagreement_count"] == 1
    assert body["majority"] == body["agreed"] and body["gold"] is None


def test_gold_round_trip_with_versions(document, client_for, reviewer, alice) -> None:  # type: ignore[no-untyped-def]
    client = client_for(reviewer)
    empty = client.get(f"/api/documents/{document.pk}/gold/").json()
    assert empty["version"] == 0 and empty["spans"] == []
    source = Annotation.objects.get(document=document, annotator=alice).pk
    body = {"spans": [span(document, "Aleppo", "LOCATION")], "source_annotation_ids": [source], "version": 0}
    saved = client.put(f"/api/documents/{document.pk}/gold/", body, format="json")
    assert saved.status_code == 200, saved.content
    gold = saved.json()
    assert gold["version"] == 1 and gold["adjudicator"] == "rita" and gold["source_annotations"][0]["id"] == source
    assert client.get(f"/api/documents/{document.pk}/gold/").json()["spans"] == gold["spans"]
    stale = client.put(f"/api/documents/{document.pk}/gold/", {**body, "version": 0}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 1


def test_bad_gold_spans_get_a_400_naming_each(document, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    body = {
        "spans": [{"start": 1, "end": 3, "label": "LOCATION"}, {"start": 0, "end": 4, "label": "NOPE"}],
        "version": 0,
    }
    response = client_for(reviewer).put(f"/api/documents/{document.pk}/gold/", body, format="json")
    assert response.status_code == 400
    assert [p["index"] for p in response.json()["error"]["spans"]] == [0, 1]
    missing = client_for(reviewer).put(f"/api/documents/{document.pk}/gold/", {"spans": []}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()["error"]["message"]


def test_annotators_get_403_and_outsiders_404(document, client_for, alice, outsider) -> None:  # type: ignore[no-untyped-def]
    for url in ("annotations", "adjudication", "gold"):
        path = f"/api/documents/{document.pk}/{url}/"
        assert client_for(alice).get(path).status_code == 403, path
        assert client_for(outsider).get(path).status_code == 404, path
    put = {"spans": [], "version": 0}
    assert client_for(alice).put(f"/api/documents/{document.pk}/gold/", put, format="json").status_code == 403
    assert client_for(outsider).put(f"/api/documents/{document.pk}/gold/", put, format="json").status_code == 404
