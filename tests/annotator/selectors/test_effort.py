"""The effort curve read from stored annotations: which suggestions each one was shown, and buckets."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from annotator.models import Document, ModelVersion, Suggestion
from annotator.selectors.effort import effort_curve_for
from tests.helpers import annotate


def _documents(project) -> list[Document]:  # type: ignore[no-untyped-def]
    return list(Document.objects.filter(project=project).order_by("pk"))


def test_a_document_annotated_under_a_promoted_model_counts_the_suggestions_it_was_shown(project, alice) -> None:
    first, second = _documents(project)[:2]
    annotate(first, alice, [("Aleppo", "LOCATION")])  # before any model
    version = ModelVersion.objects.create(
        project=project, version=1, status=ModelVersion.Status.CURRENT, promoted_at=timezone.now() - timedelta(hours=1)
    )
    for start in (0, 10):
        Suggestion.objects.create(
            document=second, model_version=version, start=start, end=start + 3, label="LOCATION", score=0.9
        )
    annotate(second, alice, [])
    points = effort_curve_for(project=project)["points"]
    assert [(p["suggestions_shown"], p["with_suggestions"]) for p in points] == [(0, 0), (2, 1)]


def test_a_suggestion_made_after_the_submission_was_never_shown(project, alice) -> None:
    document = _documents(project)[0]
    annotate(document, alice, [])
    version = ModelVersion.objects.create(
        project=project, version=1, status=ModelVersion.Status.CURRENT, promoted_at=timezone.now() + timedelta(hours=1)
    )
    Suggestion.objects.create(document=document, model_version=version, start=0, end=3, label="LOCATION", score=0.9)
    (point,) = effort_curve_for(project=project)["points"]
    assert point["suggestions_shown"] == 0


def test_a_long_history_is_averaged_into_at_most_max_points(project, alice, bob) -> None:
    documents = _documents(project)
    annotate(documents[0], alice, [("Aleppo", "LOCATION")])
    annotate(documents[1], alice, [])
    annotate(documents[2], bob, [])
    curve = effort_curve_for(project=project, max_points=2)
    assert curve["bucket"] == 2
    assert [(p["first"], p["last"], p["documents"]) for p in curve["points"]] == [(1, 2, 2), (3, 3, 1)]
    assert curve["points"][0]["manual_actions"] == 0.5 and curve["totals"]["added"] == 1


def test_deleted_documents_and_drafts_are_left_out(project, alice) -> None:
    documents = _documents(project)
    annotate(documents[0], alice, [("Aleppo", "LOCATION")])
    annotate(documents[1], alice, [], status="draft")
    Document.objects.filter(pk=documents[0].pk).update(deleted_at=timezone.now())
    assert effort_curve_for(project=project)["annotations"] == 0
