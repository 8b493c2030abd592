"""The annotation queue through `next_for`: drafts first, K annotators a document, never
twice to one, no gold served, a skip releases its slot."""

from __future__ import annotations

from annotator.models import Annotation, Document, Gold
from annotator.services.annotations import save_my_annotation
from annotator.services.assignment import candidates_for, next_for


def submit(annotation: Annotation, user) -> None:  # type: ignore[no-untyped-def]
    save_my_annotation(
        document=annotation.document, user=user, spans=[], status="submitted", expected_version=annotation.version
    )


def take_everything(project, user) -> list[int]:  # type: ignore[no-untyped-def]
    """Ask for work and submit it until the queue is empty; the documents received, in order."""
    received = []
    while (annotation := next_for(project=project, user=user).annotation) is not None:
        received.append(annotation.document_id)
        submit(annotation, user)
    return received


def test_an_annotators_draft_comes_back_before_anything_new(project, alice) -> None:  # type: ignore[no-untyped-def]
    first = next_for(project=project, user=alice)
    again = next_for(project=project, user=alice)
    assert first.annotation is not None and again.annotation is not None
    assert again.annotation.pk == first.annotation.pk
    assert again.remaining == Document.objects.filter(project=project).count()


def test_each_document_reaches_its_quota_of_different_annotators_and_no_more(project, alice, bob, reviewer) -> None:  # type: ignore[no-untyped-def]
    documents = Document.objects.filter(project=project).count()
    assert sorted(take_everything(project, alice)) == sorted(take_everything(project, bob))
    assert Annotation.objects.filter(document__project=project).count() == 2 * documents
    # Two annotators a document: a third finds nothing left.
    assert next_for(project=project, user=reviewer).annotation is None
    assert next_for(project=project, user=reviewer).remaining == 0


def test_nobody_gets_the_same_document_twice(project, alice) -> None:  # type: ignore[no-untyped-def]
    received = take_everything(project, alice)
    assert len(received) == len(set(received)) == Document.objects.filter(project=project).count()


def test_a_document_with_gold_is_not_served(project, alice) -> None:  # type: ignore[no-untyped-def]
    adjudicated = Document.objects.filter(project=project).order_by("id").first()
    Gold.objects.create(document=adjudicated)
    assert adjudicated.pk not in candidates_for(project=project, user=alice)
    assert adjudicated.pk not in take_everything(project, alice)


def test_a_skip_hands_the_document_to_someone_else_but_never_back_to_the_skipper(project, alice, bob) -> None:  # type: ignore[no-untyped-def]
    project.annotators_per_document = 1
    project.save(update_fields=["annotators_per_document"])
    taken = next_for(project=project, user=alice).annotation
    assert taken is not None
    save_my_annotation(document=taken.document, user=alice, spans=[], status="skipped", expected_version=taken.version)
    assert taken.document_id not in take_everything(project, alice)
    assert taken.document_id in take_everything(project, bob)
