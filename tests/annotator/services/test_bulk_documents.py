"""Bulk actions on documents through the service: all or nothing, the queue kept right, and
the disagreement filter's definition (spans differ; attributes alone do not)."""

from __future__ import annotations

import pytest

from annotator.exceptions import AnnotatorError, Conflict
from annotator.models import Annotation, Document, Gold
from annotator.services import queue
from annotator.services.bulk_documents import bulk_documents
from annotator.services.document_browser import browse_filters
from tests.helpers import annotate


@pytest.fixture
def documents(project) -> list[Document]:  # type: ignore[no-untyped-def]
    return list(Document.objects.filter(project=project).order_by("pk"))


def live_ids(project) -> list[int]:  # type: ignore[no-untyped-def]
    return list(Document.objects.live().filter(project=project).order_by("pk").values_list("pk", flat=True))


def test_a_deleted_document_leaves_the_queue_and_comes_back_when_restored(project, documents) -> None:  # type: ignore[no-untyped-def]
    open_before = queue.open_documents(project.pk)
    result = bulk_documents(project=project, action="delete", ids=[documents[0].pk, documents[1].pk])
    assert result["documents"] == 2 and result["undo_until"] is not None
    assert queue.open_documents(project.pk) == open_before - 2
    bulk_documents(project=project, action="restore", ids=[documents[0].pk, documents[1].pk])
    assert queue.open_documents(project.pk) == open_before
    assert queue.check_queue_state(project=project) == []


def test_requeue_empties_a_done_document_and_reopens_it(project, documents, alice, bob) -> None:  # type: ignore[no-untyped-def]
    annotate(documents[0], alice, [("Aleppo", "LOCATION")])
    annotate(documents[0], bob, [])
    assert not Document.objects.get(pk=documents[0].pk).queue_open
    result = bulk_documents(project=project, action="requeue", ids=[documents[0].pk])
    assert result["annotations_discarded"] == 2
    assert Document.objects.get(pk=documents[0].pk).queue_open
    assert not Annotation.objects.filter(document=documents[0]).exists()


def test_a_document_of_another_project_refuses_the_whole_action(project, documents, owner) -> None:  # type: ignore[no-untyped-def]
    from annotator.services.projects import create_project
    from annotator.services.uploads import create_document

    other = create_project(slug="elsewhere", labels=["LOCATION"], owner=owner)
    stranger = create_document(project=other, text="Somewhere else entirely.")
    with pytest.raises(AnnotatorError) as refused:
        bulk_documents(project=project, action="delete", ids=[documents[0].pk, stranger.pk])
    assert str(stranger.pk) in str(refused.value)
    assert live_ids(project) == [d.pk for d in documents]


def test_requeue_with_one_gold_document_changes_nothing(project, documents, alice) -> None:  # type: ignore[no-untyped-def]
    annotate(documents[0], alice, [], status="draft")
    Gold.objects.create(document=documents[1])
    with pytest.raises(Conflict):
        bulk_documents(project=project, action="requeue", ids=[documents[0].pk, documents[1].pk])
    assert Annotation.objects.filter(document=documents[0]).exists()


def test_spans_that_differ_only_in_attributes_are_no_disagreement(project, documents, alice, bob, owner) -> None:  # type: ignore[no-untyped-def]
    start = documents[0].text.index("300")
    span = {"start": start, "end": start + 3, "label": "CASUALTY_COUNT"}
    annotate(documents[0], alice, [{**span, "attrs": {"value": 300}}])
    annotate(documents[0], bob, [{**span, "attrs": {"value": 301}}])
    base = Document.objects.live().filter(project=project)
    found = browse_filters(base, project=project, user=owner, sees_all=True, has_disagreement=True)
    assert not found.exists()
