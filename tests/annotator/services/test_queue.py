"""The queue's stored state (slots taken, open, the open count) equals a recount from
scratch after every path that changes a slot, and `next/` reads it through its indexes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from annotator.exceptions import Conflict
from annotator.formats import Record
from annotator.models import Annotation, Document, Gold, ModelVersion
from annotator.services.active_learning import RANDOM_EVERY
from annotator.services.adjudication import save_gold
from annotator.services.annotations import save_my_annotation
from annotator.services.assignment import _PICK_SQL, candidates_for, next_for
from annotator.services.deletion import delete_document, restore_document
from annotator.services.imports import import_documents
from annotator.services.project_admin import remove_member, update_project
from annotator.services.projects import create_project
from annotator.services.queue import (
    check_queue_state,
    open_documents,
    recount_queue_state,
    stored_queue_state,
)
from annotator.services.uploads import create_document
from tests.conftest import LABELS


def assert_stored_equals_recount(project) -> None:  # type: ignore[no-untyped-def]
    stored, counted = stored_queue_state(project), recount_queue_state(project)
    assert stored.documents == counted.documents
    assert stored.open_documents == counted.open_documents


def assigned(project, user) -> Annotation:  # type: ignore[no-untyped-def]
    annotation = next_for(project=project, user=user).annotation
    assert annotation is not None
    return annotation


def save(annotation: Annotation, user, status: str) -> Annotation:  # type: ignore[no-untyped-def]
    return save_my_annotation(
        document=annotation.document, user=user, spans=[], status=status, expected_version=annotation.version
    )


def test_a_new_project_has_every_document_open(project) -> None:  # type: ignore[no-untyped-def]
    assert_stored_equals_recount(project)
    assert open_documents(project.pk) == Document.objects.filter(project=project).count() == 5


def test_assignments_fill_a_document_and_close_it_at_its_quota(project, alice, bob) -> None:  # type: ignore[no-untyped-def]
    first = assigned(project, alice)
    assert_stored_equals_recount(project)
    assert Document.objects.get(pk=first.document_id).queue_open  # one of two slots taken
    second = assigned(project, bob)
    assert second.document_id == first.document_id  # import order: the first open document
    assert_stored_equals_recount(project)
    assert not Document.objects.get(pk=first.document_id).queue_open
    assert open_documents(project.pk) == 4


def test_submitting_keeps_the_slot_and_skipping_releases_it_and_taking_it_back_holds_it(project, alice, bob) -> None:  # type: ignore[no-untyped-def]
    annotation = save(assigned(project, alice), alice, "submitted")
    assert_stored_equals_recount(project)
    assigned(project, bob)
    assert open_documents(project.pk) == 4
    skipped = save(annotation, alice, "skipped")
    assert_stored_equals_recount(project)
    assert open_documents(project.pk) == 5
    save(skipped, alice, "draft")
    assert_stored_equals_recount(project)
    assert open_documents(project.pk) == 4


def test_a_taken_back_skip_is_refused_once_its_slot_went_elsewhere_and_nothing_moves(project, alice, bob) -> None:  # type: ignore[no-untyped-def]
    update_project(project=project, annotators_per_document=1)
    skipped = save(assigned(project, alice), alice, "skipped")
    assert assigned(project, bob).document_id == skipped.document_id
    with pytest.raises(Conflict):
        save(skipped, alice, "draft")
    assert_stored_equals_recount(project)


def test_deleting_a_document_closes_it_and_restoring_reopens_it(project, alice) -> None:  # type: ignore[no-untyped-def]
    document = assigned(project, alice).document
    delete_document(document=document)
    assert_stored_equals_recount(project)
    assert open_documents(project.pk) == 4
    restore_document(document=document)
    assert_stored_equals_recount(project)
    assert open_documents(project.pk) == 5


def test_gold_closes_a_document(project, alice, owner) -> None:  # type: ignore[no-untyped-def]
    annotation = save(assigned(project, alice), alice, "submitted")
    save_gold(
        document=annotation.document, user=owner, spans=[], source_annotation_ids=[annotation.pk], expected_version=0
    )
    assert_stored_equals_recount(project)
    assert open_documents(project.pk) == 4
    assert annotation.document_id not in candidates_for(project=project, user=owner)


def test_imported_documents_annotations_and_gold_are_counted(project, alice) -> None:  # type: ignore[no-untyped-def]
    import_documents(project=project, records=[Record(text=f"Shelling in district {i}.", id=f"n{i}") for i in range(3)])
    assert_stored_equals_recount(project)
    assert open_documents(project.pk) == 8
    import_documents(project=project, records=[Record(text="Shelling in district 0.", id="n0", spans=[])], as_gold=True)
    import_documents(
        project=project, records=[Record(text="Shelling in district 1.", id="n1", spans=[])], as_annotator="alice"
    )
    assert_stored_equals_recount(project)
    assert open_documents(project.pk) == 7  # n0 has gold; n1 has one of its two slots taken
    assert Document.objects.get(project=project, external_id="n1").slots_taken == 1


def test_a_document_created_through_the_api_is_open(project) -> None:  # type: ignore[no-untyped-def]
    create_document(project=project, text="Airstrike near the market.")
    assert_stored_equals_recount(project)
    assert open_documents(project.pk) == 6


def test_changing_the_quota_opens_and_closes_documents(project, alice, bob) -> None:  # type: ignore[no-untyped-def]
    assigned(project, alice)
    update_project(project=project, annotators_per_document=1)
    assert_stored_equals_recount(project)
    assert open_documents(project.pk) == 4
    update_project(project=project, annotators_per_document=3)
    assert_stored_equals_recount(project)
    assert open_documents(project.pk) == 5


def test_removing_a_member_keeps_their_slots_and_the_state_right(project, alice) -> None:  # type: ignore[no-untyped-def]
    assigned(project, alice)
    remove_member(project=project, username="alice")
    assert_stored_equals_recount(project)


def test_the_check_finds_a_state_written_behind_the_queues_back_and_repairs_it(project, alice) -> None:  # type: ignore[no-untyped-def]
    document = Document.objects.filter(project=project).order_by("id").first()
    Gold.objects.create(document=document)  # not through save_gold
    problems = check_queue_state(project=project)
    assert any(f"document {document.pk}" in problem for problem in problems)
    assert any("open documents: stored 5, counted 4" in problem for problem in problems)
    assert check_queue_state(project=project, repair=True) == problems
    assert check_queue_state(project=project) == []
    assert_stored_equals_recount(project)


def test_the_check_command_says_right_or_repairs(project, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("check_queue", project.slug)
    assert "queue state right" in capsys.readouterr().out
    Document.objects.filter(project=project).update(queue_open=False)
    with pytest.raises(SystemExit):
        call_command("check_queue", project.slug)
    call_command("check_queue", project.slug, "--repair")
    assert "queue state repaired" in capsys.readouterr().out
    assert_stored_equals_recount(project)


def test_a_stale_open_flag_is_corrected_when_the_queue_meets_it(project, alice) -> None:  # type: ignore[no-untyped-def]
    first = Document.objects.filter(project=project).order_by("id").first()
    Gold.objects.create(document=first)  # the stored state still says open
    annotation = assigned(project, alice)
    assert annotation.document_id != first.pk
    assert not Document.objects.get(pk=first.pk).queue_open
    assert_stored_equals_recount(project)


def test_remaining_is_the_callers_drafts_and_the_open_documents_they_never_had(project, alice, bob) -> None:  # type: ignore[no-untyped-def]
    for user in (alice, bob, alice):
        result = next_for(project=project, user=user)
        drafts = Annotation.objects.filter(annotator=user, status="draft").count()
        assert result.remaining == drafts + len(candidates_for(project=project, user=user))
        if result.annotation is not None:
            save(result.annotation, user, "submitted")


def with_a_model(project) -> None:  # type: ignore[no-untyped-def]
    """A current model whose uncertainty rises with the document id; one left unscored."""
    ModelVersion.objects.create(project=project, version=1, status=ModelVersion.Status.CURRENT)
    ids = list(Document.objects.filter(project=project).order_by("id").values_list("pk", flat=True))
    for rank, pk in enumerate(ids[1:]):
        Document.objects.filter(pk=pk).update(model_uncertainty=float(rank))


def test_with_a_model_the_least_certain_come_first_and_every_fifth_pick_is_random(project, alice) -> None:  # type: ignore[no-untyped-def]
    import_documents(project=project, records=[Record(text=f"Shelling in district {i}.", id=f"n{i}") for i in range(5)])
    with_a_model(project)
    ids = list(Document.objects.filter(project=project).order_by("id").values_list("pk", flat=True))
    by_doubt = [*reversed(ids[1:]), ids[0]]  # the unscored one last
    served = []
    for _ in range(len(ids)):
        annotation = save(assigned(project, alice), alice, "submitted")
        served.append(annotation.document_id)
    assert sorted(served) == sorted(ids)
    assert served[: RANDOM_EVERY - 1] == by_doubt[: RANDOM_EVERY - 1]
    # Outside the random place, the rest still comes most uncertain first.
    rest = [pk for place, pk in enumerate(served, start=1) if place % RANDOM_EVERY]
    assert rest == [pk for pk in by_doubt if pk in rest]
    assert_stored_equals_recount(project)


@pytest.mark.parametrize("name", ["import", "scored", "unscored", "random"])
def test_each_pick_reads_a_queue_index(project, alice, name: str) -> None:  # type: ignore[no-untyped-def]
    # The shape of a project in full swing: most documents finished and closed, a few open,
    # and statistics gathered. On five fresh rows the planner's choice is a coin toss (the
    # primary key with a filter serves the import order too, and PostgreSQL took it once in CI).
    Document.objects.bulk_create(
        Document(project=project, external_id=f"done-{i}", text="Done.", content_hash=f"{i:064x}", queue_open=False)
        for i in range(3000)
    )
    params = [project.pk, alice.pk] + ([0] if name == "random" else [])
    statement = _PICK_SQL[name]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN " + statement, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement, params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "document_queue_" in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan  # served in the index's order


def test_admin_deletions_of_annotations_and_documents_keep_the_state_right(project, alice, owner) -> None:  # type: ignore[no-untyped-def]
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().post("/admin/")
    request.user = owner
    annotation = assigned(project, alice)
    assigned(project, owner)  # the document's second slot: it is closed now
    admin.site._registry[Annotation].delete_queryset(request, Annotation.objects.filter(pk=annotation.pk))
    assert_stored_equals_recount(project)
    assert open_documents(project.pk) == 5
    admin.site._registry[Document].delete_model(request, Document.objects.get(pk=annotation.document_id))
    assert_stored_equals_recount(project)
    assert open_documents(project.pk) == 4


def test_saving_a_document_never_writes_back_the_queue_state_it_was_loaded_with(project, alice, bob) -> None:  # type: ignore[no-untyped-def]
    document = Document.objects.filter(project=project).order_by("id").first()
    assigned(project, alice)
    assigned(project, bob)  # closes it behind the loaded copy's back
    document.meta = {"source": "wire"}
    document.save()
    assert_stored_equals_recount(project)
    assert Document.objects.get(pk=document.pk).meta == {"source": "wire"}


def test_a_first_import_with_gold_into_a_fresh_project_counts_each_open_document_once(owner) -> None:  # type: ignore[no-untyped-def]
    """No open count is stored for a new project yet: the import's recount of its gold and its
    new documents, over several batches, must not count the same documents twice; and each
    new document draws its own random key (the queue's random share)."""
    project = create_project(slug="fresh", labels=LABELS, guidelines="", annotators_per_document=2, owner=owner)
    plain = [Record(text=f"Shelling of Idlib, report {i}.", id=f"d{i}", line=i + 1) for i in range(6)]
    gold = Record(text="Gold report: 3 killed.", id="g", line=7, annotator="gold", spans=[])
    import_documents(project=project, records=[*plain, gold], batch_size=2)
    assert open_documents(project.pk) == 6
    assert_stored_equals_recount(project)
    assert len(set(Document.objects.filter(project=project).values_list("queue_key", flat=True))) == 7
