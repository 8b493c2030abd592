"""Listing, filtering, searching, reading and adding documents."""

from __future__ import annotations

import pytest

from annotator.models import Document, Gold, GoldSpan
from tests.api.conftest import assign, save


def ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [d["id"] for d in response.json()["results"]]


def test_the_list_is_paginated(project, client_for, owner):
    body = client_for(owner).get("/api/projects/aleppo/documents/?page_size=2").json()
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]
    page3 = client_for(owner).get("/api/projects/aleppo/documents/?page_size=2&page=3").json()
    assert len(page3["results"]) == 1 and page3["next"] is None


def test_filter_by_status_assignee_and_label(project, client_for, owner, alice):
    alice_client = client_for(alice)
    doc = assign(alice_client)["document"]
    start = doc["text"].index("Aleppo")
    span = {"start": start, "end": start + 6, "label": "LOCATION"}
    assert save(alice_client, doc["id"], spans=[span], status="submitted", version=1).status_code == 200
    gold_doc = Document.objects.exclude(pk=doc["id"]).first()
    gold = Gold.objects.create(document=gold_doc, origin="imported")
    GoldSpan.objects.create(gold=gold, start=0, end=6, label="PERPETRATOR")
    client = client_for(owner)
    listing = "/api/projects/aleppo/documents/"
    assert ids(client.get(listing + "?status=in_progress")) == [doc["id"]]
    assert ids(client.get(listing + "?status=gold")) == [gold_doc.pk]
    assert len(ids(client.get(listing + "?status=unassigned"))) == 3
    assert ids(client.get(listing + "?status=done")) == []
    assert ids(client.get(listing + "?assignee=alice")) == [doc["id"]]
    assert ids(client.get(listing + "?label=LOCATION")) == [doc["id"]]
    assert ids(client.get(listing + "?label=PERPETRATOR")) == [gold_doc.pk]
    item = client.get(listing + "?assignee=alice").json()["results"][0]
    assert item["assignees"] == [{"username": "alice", "status": "submitted"}]


def test_search_looks_in_text_and_external_id(project, client_for, owner):
    client = client_for(owner)
    some = Document.objects.order_by("pk").first()
    word = some.text.split()[3]
    found = ids(client.get(f"/api/projects/aleppo/documents/?q={word.upper()}"))
    assert some.pk in found
    assert ids(client.get(f"/api/projects/aleppo/documents/?q={some.external_id}")) == [some.pk]
    assert ids(client.get("/api/projects/aleppo/documents/?q=zzzz-no-such-thing")) == []


@pytest.mark.parametrize("query", ["status=finished", "page_size=0", "page_size=10000", "page=0"])
def test_bad_filters_get_400_naming_the_parameter(project, client_for, owner, query):
    response = client_for(owner).get(f"/api/projects/aleppo/documents/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["error"]["fields"]


def test_a_page_past_the_end_gets_404(project, client_for, owner):
    response = client_for(owner).get("/api/projects/aleppo/documents/?page=99")
    assert response.status_code == 404
    assert "Invalid page" in response.json()["error"]["message"]


def test_a_document_reads_with_text_meta_and_suggestions(project, client_for, owner):
    doc = Document.objects.first()
    body = client_for(owner).get(f"/api/documents/{doc.pk}/").json()
    assert body["text"] == doc.text and body["meta"] == doc.meta and body["external_id"] == doc.external_id
    assert body["project"] == "aleppo" and body["model_version"] is None and body["suggestions"] == []


def test_unknown_and_absurd_document_ids_get_404(project, client_for, owner):
    client = client_for(owner)
    assert client.get("/api/documents/999999/").status_code == 404
    assert client.get(f"/api/documents/{2**70}/").status_code == 404
    assert client.get(f"/api/documents/{2**70}/annotations/mine/").status_code == 404


def test_the_owner_adds_a_document(project, client_for, owner):
    client = client_for(owner)
    response = client.post(
        "/api/projects/aleppo/documents/",
        {"text": "Barrel bombs fell on Daraa.", "id": "daraa-1", "meta": {"source": "wire"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["external_id"] == "daraa-1" and body["meta"] == {"source": "wire"}
    again = client.post("/api/projects/aleppo/documents/", {"text": "Other text.", "id": "daraa-1"}, format="json")
    assert again.status_code == 409 and "daraa-1" in again.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id": "x"}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "ok", "meta": [1, 2]}, "meta"),
        ({"text": "ok", "meta": {"a": "nul\u0000"}}, "meta"),
        ({"text": "nul \u0000 char"}, "text"),
        ({"text": "ok", "id": "x" * 300}, "id"),
    ],
)
def test_bad_documents_get_400_and_nothing_is_stored(project, client_for, owner, body, field):
    before = Document.objects.count()
    response = client_for(owner).post("/api/projects/aleppo/documents/", body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in error.get("fields", {}) or error.get("field") == field, error
    assert Document.objects.count() == before
