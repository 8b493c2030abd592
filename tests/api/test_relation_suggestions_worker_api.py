"""Relation suggestions through the API with a real Celery worker (#21): after a training on
the relation gold, `next/` on an unannotated seed document offers relations between its span
suggestions, computed by the worker on demand; accepting one (its two spans and the link)
is counted by the model's help report."""

from __future__ import annotations

import pytest

from annotator.models import ModelVersion
from annotator.services.trainer import train_now
from tests.annotator.services.test_relation_suggestions import add_relation_gold
from tests.api.conftest import assign, save

pytestmark = pytest.mark.worker


@pytest.fixture
def patient(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SUGGESTIONS_WAIT_SECONDS = 120  # a cold worker loads scikit-learn and the models first


def served_with_relations(client) -> dict:  # type: ignore[no-untyped-def]
    """The first seed document `next/` serves with relation suggestions (others skipped)."""
    for _ in range(6):
        body = assign(client)
        assert body["document"] is not None, "no seed document came with relation suggestions"
        assert body["suggestions_state"] == "ready"
        if body["relation_suggestions"]:
            return body
        response = save(client, body["document"]["id"], spans=[], status="skipped", version=1)
        assert response.status_code == 200, response.content
    raise AssertionError("no seed document came with relation suggestions")


def test_next_offers_relation_suggestions_from_the_worker_and_the_help_report_counts_an_accepted_one(
    patient, celery_worker, project, client_for, alice, owner
) -> None:
    add_relation_gold(project, 40)
    train_now(project=project)
    version = ModelVersion.objects.get(project=project, status=ModelVersion.Status.CURRENT)
    assert version.metrics["relations"]["trained"] is True

    body = served_with_relations(client_for(alice))

    suggestions = {s["id"]: s for s in body["suggestions"]}
    for link in body["relation_suggestions"]:
        assert link["from_suggestion"] in suggestions and link["to_suggestion"] in suggestions
        assert suggestions[link["from_suggestion"]]["label"] == "CASUALTY_COUNT"
        assert link["type"] in {"BY", "AT"} and 0 < link["score"] <= 1
    accepted, *others = body["relation_suggestions"]
    spans = [
        {**{k: suggestions[i][k] for k in ("start", "end", "label")}, "origin": "suggestion_accepted", "suggestion": i}
        for i in (accepted["from_suggestion"], accepted["to_suggestion"])
    ]
    response = save(
        client_for(alice),
        body["document"]["id"],
        spans=spans,
        status="submitted",
        version=body["annotation"]["version"],
        relations=[{"from": 0, "to": 1, "type": accepted["type"]}],
        rejected_relation_suggestions=[r["id"] for r in others],
    )
    assert response.status_code == 200, response.content
    assert response.json()["rejected_relation_suggestions"] == sorted(r["id"] for r in others)

    report = client_for(owner).get(f"/api/projects/aleppo/models/{version.version}/help/")
    assert report.status_code == 200, report.content
    help = report.json()
    assert help["relations_accepted"] == 1 and help["submitted_relations"] == 1
    assert help["relation_suggestions_shown"] == len(body["relation_suggestions"])
    assert help["relation_acceptance_rate"] == 1 / len(body["relation_suggestions"])
    assert help["relations_rejected"] == len(others)
