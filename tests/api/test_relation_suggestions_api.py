"""Relation suggestions in the API (#21), tasks run eagerly: served with the span suggestions
by the document view and `next/`, hidden on a control document like them, rejected by id
through the annotation save."""

from __future__ import annotations

import pytest

from annotator.models import Document, ModelVersion, RelationSuggestion
from annotator.services.predictor import refresh_now
from annotator.services.trainer import train_now
from tests.annotator.services.test_relation_suggestions import add_relation_gold
from tests.api.conftest import assign, save


@pytest.fixture
def trained(project):  # type: ignore[no-untyped-def]
    add_relation_gold(project, 15)
    train_now(project=project)
    refresh_now(project=project)
    return project


def with_relation_suggestions(project) -> Document:  # type: ignore[no-untyped-def]
    version = ModelVersion.objects.get(project=project, status=ModelVersion.Status.CURRENT)
    return RelationSuggestion.objects.filter(model_version=version).first().document


def test_the_document_view_serves_relation_suggestions_between_its_span_suggestions(
    trained, client_for, reviewer
) -> None:
    document = with_relation_suggestions(trained)
    body = client_for(reviewer).get(f"/api/documents/{document.pk}/").json()
    shown = {s["id"] for s in body["suggestions"]}
    stored = RelationSuggestion.objects.filter(document=document)
    assert body["relation_suggestions"] == [
        {"id": r.pk, "from_suggestion": r.source_id, "to_suggestion": r.target_id, "type": r.type, "score": r.score}
        for r in stored
    ]
    assert all({r["from_suggestion"], r["to_suggestion"]} <= shown for r in body["relation_suggestions"])


def test_a_control_document_shows_no_relation_suggestions(trained, client_for, reviewer) -> None:
    document = with_relation_suggestions(trained)
    Document.objects.filter(pk=document.pk).update(control=True)
    body = client_for(reviewer).get(f"/api/documents/{document.pk}/").json()
    assert body["suggestions_state"] == "control"
    assert body["suggestions"] == [] and body["relation_suggestions"] == []


def test_next_serves_relation_suggestions_and_a_save_rejects_them_by_id(trained, client_for, alice) -> None:
    body = assign(client_for(alice))
    mine = RelationSuggestion.objects.filter(document_id=body["document"]["id"])
    assert [r["id"] for r in body["relation_suggestions"]] == [r.pk for r in mine]
    elsewhere = RelationSuggestion.objects.exclude(document_id=body["document"]["id"]).first()
    refused = save(
        client_for(alice), body["document"]["id"], spans=[], version=1, rejected_relation_suggestions=[elsewhere.pk]
    )
    assert refused.status_code == 400
    assert "rejected_relation_suggestions" in str(refused.json())
    taken = save(
        client_for(alice),
        body["document"]["id"],
        spans=[],
        version=1,
        rejected_relation_suggestions=[r.pk for r in mine],
    )
    assert taken.status_code == 200
    assert taken.json()["rejected_relation_suggestions"] == sorted(r.pk for r in mine)
