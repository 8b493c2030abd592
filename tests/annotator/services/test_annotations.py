"""Saving one's own annotation through the service: a version check, span rules, slots."""

from __future__ import annotations

import pytest

from annotator.exceptions import AnnotatorError, Conflict, InvalidSpans, NotFound, StaleVersion
from annotator.models import Annotation, Document
from annotator.services.annotations import my_annotation, save_my_annotation
from annotator.services.assignment import next_for


def phrase(document: Document, text: str, label: str) -> dict[str, object]:
    start = document.text.index(text)
    return {"start": start, "end": start + len(text), "label": label}


@pytest.fixture
def assigned(project, alice) -> Annotation:  # type: ignore[no-untyped-def]
    """Alice's fresh draft of the first document the queue gives her."""
    annotation = next_for(project=project, user=alice).annotation
    assert annotation is not None
    return annotation


def spans_of(annotation: Annotation) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in Annotation.objects.get(pk=annotation.pk).spans.order_by("start")]


def test_a_save_stores_the_spans_and_moves_the_version_by_one(assigned, alice) -> None:  # type: ignore[no-untyped-def]
    document = assigned.document
    span = phrase(document, "Aleppo", "LOCATION")
    saved = save_my_annotation(
        document=document, user=alice, spans=[span], status=None, expected_version=assigned.version
    )
    assert saved.version == assigned.version + 1
    assert saved.status == "draft"
    assert spans_of(assigned) == [(span["start"], span["end"], "LOCATION")]
    assert my_annotation(document=document, user=alice).version == saved.version


def test_submitting_records_when_and_a_later_save_without_status_keeps_it_submitted(assigned, alice) -> None:  # type: ignore[no-untyped-def]
    document = assigned.document
    submitted = save_my_annotation(
        document=document, user=alice, spans=[], status="submitted", expected_version=assigned.version
    )
    assert submitted.submitted_at is not None
    edited = save_my_annotation(
        document=document,
        user=alice,
        spans=[phrase(document, "Aleppo", "LOCATION")],
        status=None,
        expected_version=submitted.version,
    )
    assert Annotation.objects.get(pk=edited.pk).status == "submitted"


def test_a_save_from_an_old_version_is_refused_and_stores_nothing(assigned, alice) -> None:  # type: ignore[no-untyped-def]
    document = assigned.document
    first = phrase(document, "Aleppo", "LOCATION")
    save_my_annotation(document=document, user=alice, spans=[first], status=None, expected_version=assigned.version)
    with pytest.raises(StaleVersion):
        save_my_annotation(document=document, user=alice, spans=[], status=None, expected_version=assigned.version)
    assert spans_of(assigned) == [(first["start"], first["end"], "LOCATION")]


def test_a_bad_span_is_named_and_nothing_is_stored(assigned, alice) -> None:  # type: ignore[no-untyped-def]
    document = assigned.document
    with pytest.raises(InvalidSpans) as raised:
        save_my_annotation(
            document=document,
            user=alice,
            spans=[phrase(document, "Aleppo", "LOCATION"), {"start": 0, "end": 3, "label": "WEAPON"}],
            status=None,
            expected_version=assigned.version,
        )
    assert [problem.index for problem in raised.value.problems] == [1]
    assert "unknown label 'WEAPON'" in raised.value.problems[0].reason
    assert spans_of(assigned) == []
    assert Annotation.objects.get(pk=assigned.pk).version == assigned.version


def test_an_unknown_status_names_the_field(assigned, alice) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AnnotatorError) as raised:
        save_my_annotation(
            document=assigned.document, user=alice, spans=[], status="done", expected_version=assigned.version
        )
    assert raised.value.details["field"] == "status"


def test_nobody_saves_a_document_not_assigned_to_them(assigned, bob) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        save_my_annotation(document=assigned.document, user=bob, spans=[], status="draft", expected_version=1)
    with pytest.raises(NotFound):
        my_annotation(document=assigned.document, user=bob)


def test_a_skip_cannot_be_taken_back_once_the_slot_went_to_someone_else(project, alice, bob) -> None:  # type: ignore[no-untyped-def]
    project.annotators_per_document = 1
    project.save(update_fields=["annotators_per_document"])
    taken = next_for(project=project, user=alice).annotation
    assert taken is not None
    skipped = save_my_annotation(
        document=taken.document, user=alice, spans=[], status="skipped", expected_version=taken.version
    )
    # Bob is handed the released document (it may not be his first pick, so ask until it is).
    for _ in range(Document.objects.filter(project=project).count()):
        got = next_for(project=project, user=bob).annotation
        assert got is not None
        if got.document_id == taken.document_id:
            break
        save_my_annotation(document=got.document, user=bob, spans=[], status="submitted", expected_version=got.version)
    else:
        pytest.fail("the skipped document never reached bob")
    with pytest.raises(Conflict):
        save_my_annotation(
            document=taken.document, user=alice, spans=[], status="draft", expected_version=skipped.version
        )
    assert Annotation.objects.get(pk=taken.pk).status == "skipped"
