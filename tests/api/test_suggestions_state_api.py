"""Why a document shows the suggestions it shows, or none (`suggestions_state`), and which
model serves a document the current one trained on: the newest promoted version that never
saw an annotation of it (issue 18)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from annotator.models import Document, ModelVersion
from annotator.services.predictor import refresh_now
from annotator.services.trainer import train_now
from tests.annotator.services.tagger_data import add_gold
from tests.api.odd_readings import odd_among, trained_article
from tests.helpers import annotate


def shown(client_for, user, document: Document) -> dict:  # type: ignore[no-untyped-def]
    response = client_for(user).get(f"/api/documents/{document.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def test_without_a_model_the_state_says_no_model(project, client_for, reviewer) -> None:
    body = shown(client_for, reviewer, Document.objects.filter(project=project).first())
    assert body["suggestions"] == [] and body["model_version"] is None
    assert body["suggestions_state"] == "no_model"


def test_a_document_with_the_models_suggestions_is_ready(project, client_for, reviewer, alice) -> None:
    add_gold(project, 10)
    train_now(project=project)
    refresh_now(project=project)
    body = shown(client_for, reviewer, Document.objects.filter(project=project, gold__isnull=True).first())
    assert body["suggestions_state"] == "ready" and body["suggestions"]
    assert body["model_version"]["version"] == 1 and body["suggestions_pending"] is False
    served = client_for(alice).get("/api/projects/aleppo/next/").json()
    assert served["suggestions_state"] == "ready"


def test_a_document_every_model_trained_on_is_excluded(project, client_for, reviewer, alice) -> None:
    add_gold(project, 10)
    document, reading = trained_article(project)
    annotate(document, alice, reading)
    train_now(project=project)
    refresh_now(project=project)
    body = shown(client_for, reviewer, document)
    assert body["suggestions"] == [] and body["model_version"] is None
    assert body["suggestions_state"] == "excluded_trained_on_it"


def test_a_document_the_current_model_trained_on_gets_the_newest_version_that_did_not(
    project, client_for, reviewer, alice
) -> None:
    add_gold(project, 10)
    train_now(project=project)  # v1: the gold only
    document, reading = trained_article(project)
    annotate(document, alice, reading)
    train_now(project=project)  # v2: alice's reading too
    first, second = ModelVersion.objects.filter(project=project).order_by("version")
    if second.status != ModelVersion.Status.CURRENT:  # promoted as an owner would, whatever the held-out score
        ModelVersion.objects.filter(pk=first.pk).update(status=ModelVersion.Status.RETIRED)
        ModelVersion.objects.filter(pk=second.pk).update(status=ModelVersion.Status.CURRENT, promoted_at=timezone.now())
    refresh_now(project=project)  # the batches hand the article to v1

    assert Document.objects.get(pk=document.pk).suggested_by_id == first.pk
    body = shown(client_for, reviewer, document)
    assert body["suggestions_state"] == "ready" and body["model_version"]["version"] == 1
    assert not odd_among(body["suggestions"], document, reading)
    other = Document.objects.filter(project=project, gold__isnull=True).exclude(pk=document.pk).first()
    assert shown(client_for, reviewer, other)["model_version"]["version"] == 2


@pytest.mark.worker  # a real broker, and no worker to answer: the suggestions stay queued
def test_a_document_whose_suggestions_are_queued_is_pending(project, client_for, reviewer, settings) -> None:
    settings.SUGGESTIONS_WAIT_SECONDS = 0
    add_gold(project, 10)
    train_now(project=project)
    body = shown(client_for, reviewer, Document.objects.filter(project=project, gold__isnull=True).first())
    assert body["suggestions_state"] == "pending" and body["suggestions_pending"] is True
    assert body["suggestions"] == [] and body["model_version"]["version"] == 1
