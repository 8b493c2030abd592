"""Adjudication: the side-by-side view and saving the gold with its provenance."""

from __future__ import annotations

import pytest
from django.utils import timezone

from annotator.exceptions import AnnotatorError, InvalidSpans, StaleVersion
from annotator.models import Document, Gold
from annotator.services import adjudication, training
from tests.helpers import annotate


def span(document: Document, phrase: str, label: str, **attrs: object) -> dict:
    start = document.text.index(phrase)
    return {"start": start, "end": start + len(phrase), "label": label, "attrs": attrs}


@pytest.fixture
def document(project) -> Document:  # type: ignore[no-untyped-def]
    return Document.objects.filter(project=project).order_by("id").first()


def test_the_adjudication_view_sorts_agreements_and_disagreements(document, alice, bob, owner) -> None:  # type: ignore[no-untyped-def]
    annotate(document, alice, [("Aleppo", "LOCATION"), ("Syrian warplanes", "PERPETRATOR")])
    annotate(document, bob, [("Aleppo", "LOCATION"), ("Syrian", "PERPETRATOR"), ("300 people", "CASUALTY_COUNT")])
    annotate(document, owner, [("Aleppo", "LOCATION")], status="draft")  # a draft is not compared
    view = adjudication.adjudication_for(document=document)
    assert view["annotators"] == ["alice", "bob"] and len(view["annotations"]) == 2
    assert [s["label"] for s in view["agreed"]] == ["LOCATION"]
    assert len(view["disagreements"]["boundary"]) == 1 and len(view["disagreements"]["only_one"]) == 1
    assert view["majority"] == view["agreed"]  # two annotators: ties are the adjudicator's
    assert view["gold"] is None


def test_saving_gold_records_who_when_and_from_which_annotations(document, alice, bob, reviewer) -> None:  # type: ignore[no-untyped-def]
    first = annotate(document, alice, [("Aleppo", "LOCATION")])
    second = annotate(document, bob, [("Aleppo", "LOCATION")])
    before = timezone.now()
    gold = adjudication.save_gold(
        document=document,
        user=reviewer,
        spans=[span(document, "Aleppo", "LOCATION"), span(document, "300 people", "CASUALTY_COUNT", value=300)],
        source_annotation_ids=[first.pk, second.pk],
        expected_version=0,
    )
    data = adjudication.gold_data(adjudication.current_gold(document=document))
    assert (
        data is not None and data["version"] == 1 and data["adjudicator"] == "rita" and data["origin"] == "adjudicated"
    )
    assert [s["id"] for s in data["source_annotations"]] == [first.pk, second.pk]
    assert [s["label"] for s in data["spans"]] == ["CASUALTY_COUNT", "LOCATION"]
    assert data["spans"][0]["attrs"] == {"value": 300}
    assert gold.updated_at >= before
    again = adjudication.save_gold(
        document=document, user=reviewer, spans=[], source_annotation_ids=[first.pk], expected_version=1
    )
    assert again.version == 2 and again.spans.count() == 0 and list(again.source_annotations.all()) == [first]


def test_a_stale_version_is_refused_and_nothing_changes(document, reviewer) -> None:  # type: ignore[no-untyped-def]
    adjudication.save_gold(
        document=document,
        user=reviewer,
        spans=[span(document, "Aleppo", "LOCATION")],
        source_annotation_ids=[],
        expected_version=0,
    )
    with pytest.raises(StaleVersion) as error:
        adjudication.save_gold(document=document, user=reviewer, spans=[], source_annotation_ids=[], expected_version=0)
    assert error.value.current == 1
    assert Gold.objects.get(document=document).spans.count() == 1


def test_bad_spans_are_named_and_nothing_is_written(document, reviewer) -> None:  # type: ignore[no-untyped-def]
    bad = [
        span(document, "Aleppo", "LOCATION"),
        {"start": 1, "end": 3, "label": "LOCATION"},
        {"start": 0, "end": 5, "label": "WEATHER"},
    ]
    with pytest.raises(InvalidSpans) as error:
        adjudication.save_gold(
            document=document, user=reviewer, spans=bad, source_annotation_ids=[], expected_version=0
        )
    assert [p.index for p in error.value.problems] == [1, 2]
    assert not Gold.objects.filter(document=document).exists()


def test_source_annotations_must_be_of_this_document(project, document, alice, reviewer) -> None:  # type: ignore[no-untyped-def]
    other = Document.objects.filter(project=project).exclude(pk=document.pk).first()
    elsewhere = annotate(other, alice, [])
    with pytest.raises(AnnotatorError, match="source_annotation_ids"):
        adjudication.save_gold(
            document=document, user=reviewer, spans=[], source_annotation_ids=[elsewhere.pk], expected_version=0
        )
    assert not Gold.objects.filter(document=document).exists()


def test_a_saved_gold_asks_the_tagger_whether_to_retrain_after_commit(
    document, reviewer, monkeypatch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    calls = []
    monkeypatch.setattr(training, "maybe_start_training", lambda *, project: calls.append(project))
    with django_capture_on_commit_callbacks(execute=True):
        adjudication.save_gold(document=document, user=reviewer, spans=[], source_annotation_ids=[], expected_version=0)
        assert calls == []  # not before the commit
    assert calls == [document.project]


@pytest.mark.postgres
@pytest.mark.parametrize("existing", [False, True])
def test_two_reviewers_saving_from_the_same_version_at_once_one_gets_stale(
    transactional_db, project, reviewer, owner, existing
) -> None:  # type: ignore[no-untyped-def]
    import threading

    from django.db import connection

    document = Document.objects.filter(project=project).order_by("id").first()
    start = 0
    if existing:
        adjudication.save_gold(document=document, user=reviewer, spans=[], source_annotation_ids=[], expected_version=0)
        start = 1
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            adjudication.save_gold(
                document=document,
                user=user,
                spans=[span(document, "Aleppo", "LOCATION")],
                source_annotation_ids=[],
                expected_version=start,
            )
            outcomes.append("saved")
        except StaleVersion:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(user,)) for user in (reviewer, owner)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "stale"]
    assert Gold.objects.get(document=document).version == start + 1
