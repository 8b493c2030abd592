"""The comparison of documents served with and without suggestions, read from the database
and shown by the help endpoint and the agreement report: a small case computed by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from annotator.models import Annotation, Document, Gold, GoldSpan, ModelVersion, Span, Suggestion
from tests.helpers import annotate

A = {"start": 0, "end": 5, "label": "LOCATION"}
B = {"start": 10, "end": 15, "label": "LOCATION"}
X = {"start": 0, "end": 4, "label": "PERPETRATOR"}
Y = {"start": 20, "end": 24, "label": "LOCATION"}


@pytest.fixture
def small_case(project, alice, bob):  # type: ignore[no-untyped-def]
    """v1 was current before anyone started. On `helped` (with suggestions: A and B) alice
    accepts A and adds B by hand, bob accepts A; on `plain` (control) alice marks X, bob X
    and Y, and the gold is X and Y."""
    version = ModelVersion.objects.create(
        project=project,
        version=1,
        status=ModelVersion.Status.CURRENT,
        metrics={"value": 0.5},
        promoted_at=timezone.now() - timedelta(hours=1),
    )
    helped, plain = Document.objects.filter(project=project).order_by("pk")[:2]
    Document.objects.filter(pk=plain.pk).update(control=True)
    offered = [Suggestion.objects.create(document=helped, model_version=version, score=0.9, **s) for s in (A, B)]
    Document.objects.filter(pk=helped.pk).update(suggested_by=version)
    for user, spans, seconds in ((alice, [A, B], 30), (bob, [A], 50)):
        annotation = annotate(helped, user, spans)
        Annotation.objects.filter(pk=annotation.pk).update(time_spent=seconds)
        Span.objects.filter(annotation=annotation, start=0).update(origin="suggestion_accepted", suggestion=offered[0])
    for user, spans, seconds in ((alice, [X], 100), (bob, [X, Y], 60)):
        annotation = annotate(plain, user, spans)
        Annotation.objects.filter(pk=annotation.pk).update(time_spent=seconds)
    gold = Gold.objects.create(document=plain, origin="imported")
    GoldSpan.objects.bulk_create(GoldSpan(gold=gold, **s) for s in (X, Y))
    return project


def test_the_help_endpoint_compares_documents_with_and_without_suggestions(small_case, client_for, alice) -> None:
    response = client_for(alice).get("/api/projects/aleppo/models/1/help/")
    assert response.status_code == 200
    report = response.json()["suggestions_comparison"]
    assert report["control_share"] == 0.0
    assert report["documents"] == {"with_suggestions": 1, "without_suggestions": 1}
    figures = {name: report[name] for name in ("agreement", "gold", "seconds", "accept_rate")}
    # Pairs: helped A,B vs A -> 2*1/(2+1); plain X vs X,Y -> 2*1/(1+2).
    assert figures["agreement"]["with_suggestions"]["value"] == pytest.approx(2 / 3)
    assert figures["agreement"]["without_suggestions"]["value"] == pytest.approx(2 / 3)
    assert figures["agreement"]["difference"]["value"] == pytest.approx(0.0)
    # Gold on the control document only: alice 1 of (1+2), bob 2 of (2+2) -> 2*3/7.
    assert figures["gold"]["without_suggestions"] == {"value": pytest.approx(6 / 7), "ci95": None, "documents": 1}
    assert figures["gold"]["with_suggestions"]["value"] is None
    assert figures["seconds"]["with_suggestions"]["value"] == pytest.approx(40.0)
    assert figures["seconds"]["without_suggestions"]["value"] == pytest.approx(80.0)
    # Two suggestions shown to each of two annotators, one accepted by each.
    assert figures["accept_rate"]["with_suggestions"]["value"] == pytest.approx(2 / 4)
    assert figures["accept_rate"]["without_suggestions"]["value"] is None


def test_the_agreement_report_carries_the_same_comparison(
    small_case, client_for, reviewer, alice, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).get("/api/projects/aleppo/agreement/")
    if response.status_code == 202:  # computed by the (eager) job: ask again
        response = client_for(reviewer).get("/api/projects/aleppo/agreement/")
    assert response.status_code == 200, response.content
    helped = client_for(alice).get("/api/projects/aleppo/models/1/help/").json()["suggestions_comparison"]
    assert response.json()["suggestions_comparison"] == helped


def test_annotations_made_before_any_model_belong_to_neither_condition(project, client_for, alice, reviewer) -> None:
    annotate(Document.objects.filter(project=project).first(), alice, [A])
    ModelVersion.objects.create(
        project=project, version=1, status=ModelVersion.Status.CURRENT, promoted_at=timezone.now() + timedelta(1)
    )
    report = client_for(alice).get("/api/projects/aleppo/models/1/help/").json()["suggestions_comparison"]
    assert report["documents"] == {"with_suggestions": 0, "without_suggestions": 0}
    assert report["seconds"]["with_suggestions"] == {"value": None, "ci95": None, "documents": 0}
