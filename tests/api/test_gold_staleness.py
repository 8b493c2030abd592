"""A gold cites the versions of the annotations it was adjudicated from; when one of them is
edited afterwards the gold says it is stale and which sources moved."""

from __future__ import annotations

import pytest

from annotator.formats import Record
from annotator.models import Annotation, Document
from annotator.services.imports import import_documents
from tests.api.conftest import save
from tests.api.test_gold_api import annotate, span


@pytest.fixture
def adjudicated(project, alice, bob, client_for, reviewer):  # type: ignore[no-untyped-def]
    """Alice's and Bob's submitted annotations of a document, and a gold made from both."""
    document = Document.objects.filter(project=project).order_by("id").first()
    sources = [
        annotate(document, alice, [("Aleppo", "LOCATION")]),
        annotate(document, bob, [("Aleppo", "LOCATION"), ("Syrian", "PERPETRATOR")]),
    ]
    body = {
        "spans": [span(document, "Aleppo", "LOCATION")],
        "source_annotation_ids": [a.pk for a in sources],
        "version": 0,
    }
    saved = client_for(reviewer).put(f"/api/documents/{document.pk}/gold/", body, format="json")
    assert saved.status_code == 200, saved.content
    return document


def gold_of(client, document: Document) -> dict:  # type: ignore[no-untyped-def]
    return client.get(f"/api/documents/{document.pk}/gold/").json()


def test_a_fresh_gold_cites_the_versions_it_was_made_from_and_is_not_stale(adjudicated, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    gold = gold_of(client_for(reviewer), adjudicated)
    assert gold["stale"] is False and gold["stale_sources"] == []
    assert [(s["annotator"], s["cited_version"], s["version"]) for s in gold["source_annotations"]] == [
        ("alice", 1, 1),
        ("bob", 1, 1),
    ]


def test_editing_a_source_after_adjudication_makes_the_gold_stale_naming_it(
    adjudicated, client_for, reviewer, alice
) -> None:  # type: ignore[no-untyped-def]
    edited = save(client_for(alice), adjudicated.pk, spans=[], status="submitted", version=1)
    assert edited.status_code == 200, edited.content
    gold = gold_of(client_for(reviewer), adjudicated)
    mine = Annotation.objects.get(document=adjudicated, annotator=alice)
    assert gold["stale"] is True
    assert gold["stale_sources"] == [{"id": mine.pk, "annotator": "alice", "cited_version": 1, "current_version": 2}]
    adjudication = client_for(reviewer).get(f"/api/documents/{adjudicated.pk}/adjudication/").json()
    assert adjudication["gold"]["stale"] is True


def test_adjudicating_again_from_the_new_version_clears_the_staleness(adjudicated, client_for, reviewer, alice) -> None:  # type: ignore[no-untyped-def]
    save(client_for(alice), adjudicated.pk, spans=[], status="submitted", version=1)
    ids = list(Annotation.objects.filter(document=adjudicated).values_list("pk", flat=True))
    body = {"spans": [], "source_annotation_ids": ids, "version": 1}
    again = client_for(reviewer).put(f"/api/documents/{adjudicated.pk}/gold/", body, format="json").json()
    assert again["stale"] is False and {s["cited_version"] for s in again["source_annotations"]} == {1, 2}


def test_an_imported_gold_cites_no_annotations(adjudicated, client_for, reviewer, alice) -> None:  # type: ignore[no-untyped-def]
    record = Record(text=adjudicated.text, id=adjudicated.external_id, spans=[], line=1)
    import_documents(project=adjudicated.project, records=[record], as_gold=True)
    save(client_for(alice), adjudicated.pk, spans=[], status="submitted", version=1)
    gold = gold_of(client_for(reviewer), adjudicated)
    assert gold["origin"] == "imported" and gold["source_annotations"] == [] and gold["stale"] is False


def test_a_source_edited_between_reading_and_saving_leaves_the_new_gold_stale(
    adjudicated, client_for, reviewer, alice
) -> None:  # type: ignore[no-untyped-def]
    mine = Annotation.objects.get(document=adjudicated, annotator=alice)
    read = {str(mine.pk): 1}  # what the reviewer had on screen
    save(client_for(alice), adjudicated.pk, spans=[], status="submitted", version=1)  # meanwhile
    body = {"spans": [], "source_annotation_ids": [mine.pk], "source_versions": read, "version": 1}
    saved = client_for(reviewer).put(f"/api/documents/{adjudicated.pk}/gold/", body, format="json").json()
    assert saved["stale_sources"] == [{"id": mine.pk, "annotator": "alice", "cited_version": 1, "current_version": 2}]


def test_source_versions_keyed_by_something_else_than_ids_get_400(adjudicated, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    body = {"spans": [], "source_annotation_ids": [], "source_versions": {"alice": 1}, "version": 1}
    response = client_for(reviewer).put(f"/api/documents/{adjudicated.pk}/gold/", body, format="json")
    assert response.status_code == 400 and "source_versions" in response.content.decode()
