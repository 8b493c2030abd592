"""The document list and progress figures through the service: one status a document,
annotators see only their own documents and figures."""

from __future__ import annotations

import functools

import pytest

from annotator.models import Document, Gold
from annotator.services.deletion import delete_document
from annotator.services.document_queries import document_list, documents_with_status, project_progress
from tests.helpers import annotate


@pytest.fixture
def documents(project) -> list[Document]:  # type: ignore[no-untyped-def]
    return list(Document.objects.filter(project=project).order_by("id"))


@pytest.fixture
def staged(project, documents, alice, bob):  # type: ignore[no-untyped-def]
    """One document of each status: done (two submissions), in progress (a draft), gold,
    unassigned (its only annotator skipped it), and one nobody touched."""
    done, in_progress, gold, skipped, _ = documents
    annotate(done, alice, [("Aleppo", "LOCATION")])
    annotate(done, bob, [])
    annotate(in_progress, alice, [], status="draft")
    Gold.objects.create(document=gold)
    annotate(skipped, bob, [], status="skipped")
    return documents


def statuses(project) -> list[str]:  # type: ignore[no-untyped-def]
    return list(documents_with_status(project=project).order_by("pk").values_list("status", flat=True))


def test_each_document_has_one_status(project, staged) -> None:  # type: ignore[no-untyped-def]
    assert statuses(project) == ["done", "in_progress", "gold", "unassigned", "unassigned"]


def test_progress_counts_gold_as_done_and_gives_each_annotators_figures(project, staged) -> None:  # type: ignore[no-untyped-def]
    progress = project_progress(project=project)
    assert progress["documents"] == 5
    assert progress["done"] == 2
    assert progress["by_status"] == {"unassigned": 2, "in_progress": 1, "done": 1, "gold": 1}
    by_name = {row["username"]: row for row in progress["annotators"]}
    assert (by_name["alice"]["submitted"], by_name["alice"]["drafts"], by_name["alice"]["skipped"]) == (1, 1, 0)
    assert (by_name["bob"]["submitted"], by_name["bob"]["drafts"], by_name["bob"]["skipped"]) == (1, 0, 1)


def test_an_annotator_sees_only_their_own_row_of_progress(project, staged, alice) -> None:  # type: ignore[no-untyped-def]
    assert [row["username"] for row in project_progress(project=project, user=alice)["annotators"]] == ["alice"]


def test_an_annotator_lists_only_documents_assigned_to_them(project, staged, alice) -> None:  # type: ignore[no-untyped-def]
    done, in_progress, *_ = staged
    listed = document_list(project=project, user=alice, sees_all=False)
    assert list(listed.values_list("pk", flat=True)) == [done.pk, in_progress.pk]


def test_the_list_filters_by_status_assignee_label_and_text(project, staged, owner) -> None:  # type: ignore[no-untyped-def]
    done, _, _, skipped, untouched = staged

    def listed(**filters: str) -> list[int]:
        return list(document_list(project=project, user=owner, sees_all=True, **filters).values_list("pk", flat=True))

    assert listed(status="unassigned") == [skipped.pk, untouched.pk]
    assert listed(assignee="bob") == [done.pk, skipped.pk]
    assert listed(label="LOCATION") == [done.pk]
    assert listed(q=untouched.external_id) == [untouched.pk]


def test_a_deleted_document_is_neither_listed_nor_counted(project, staged, owner) -> None:  # type: ignore[no-untyped-def]
    delete_document(document=staged[0])
    assert staged[0].pk not in document_list(project=project, user=owner, sees_all=True).values_list("pk", flat=True)
    assert project_progress(project=project)["documents"] == 4


def test_each_status_filter_lists_exactly_the_documents_of_that_status(project, staged, owner) -> None:  # type: ignore[no-untyped-def]
    by_status = dict(documents_with_status(project=project).values_list("pk", "status"))
    for status in ("unassigned", "in_progress", "done", "gold"):
        listed = document_list(project=project, user=owner, sees_all=True, status=status)
        assert list(listed.values_list("pk", flat=True)) == sorted(pk for pk, s in by_status.items() if s == status)


def test_an_annotators_label_filter_looks_at_their_own_spans_only(project, staged, alice, bob) -> None:  # type: ignore[no-untyped-def]
    done = staged[0]  # alice marked a LOCATION there, bob nothing
    assert list(document_list(project=project, user=alice, sees_all=False, label="LOCATION")) == [done]
    assert list(document_list(project=project, user=bob, sees_all=False, label="LOCATION")) == []


def test_a_keyset_page_starts_after_the_cursor_for_every_filter(project, staged, owner) -> None:  # type: ignore[no-untyped-def]
    _, in_progress, gold, skipped, untouched = staged
    after = in_progress.pk

    def listed(**filters: str) -> list[int]:
        found = document_list(project=project, user=owner, sees_all=True, after=after, **filters)
        return list(found.values_list("pk", flat=True))

    assert listed() == [gold.pk, skipped.pk, untouched.pk]
    assert listed(status="unassigned") == [skipped.pk, untouched.pk]
    assert listed(status="gold") == [gold.pk]
    assert listed(status="done") == []
    assert listed(assignee="bob") == [skipped.pk]
    assert listed(label="LOCATION") == []


def test_counts_stop_at_the_limit_for_a_common_word_and_for_every_filter(project, owner, staged) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection

    from annotator.services.document_queries import document_count

    # A word in most of a project with statistics gathered: on PostgreSQL the planner calls
    # it common and the count reads it from the search index.
    Document.objects.bulk_create(
        Document(
            project=project, external_id=f"s{i}", text=f"Shelling of Kafranbel, report {i}.", content_hash=f"{i:064x}"
        )
        for i in range(300)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    count = functools.partial(document_count, project=project, user=owner, sees_all=True)
    assert count(limit=50, q="kafranbel") == (50, True)
    assert count(limit=1000, q="kafranbel") == (300, False)
    assert count(limit=1000, q="kafranbel shelling 7") == (1, False)  # "7" matches the number only in report 7
    assert count(limit=100, status="unassigned") == (100, True)
    assert count(limit=1000, status="unassigned") == (302, False)
    assert count(limit=1000, status="done", q="kafranbel") == (0, False)
