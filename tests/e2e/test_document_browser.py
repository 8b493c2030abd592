"""The document browser in a real browser against the real server, on the mixed-text
project: the owner filters, pages, deletes and restores in bulk and opens a row; an
annotator sees only their own documents and reopens a skipped one."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import MIXED, log_in
from tests.helpers import annotate

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def crowded(mixed, alice, bob):  # type: ignore[no-untyped-def]
    """The mixed project with 60 more documents (two pages of 50); on the first, alice and
    bob submitted different spans (a disagreement); alice skipped the second; bob holds a
    draft of the third."""
    from annotator.models import Document
    from annotator.services.uploads import create_document

    for n in range(60):
        create_document(project=mixed, text=f"{MIXED} ({n})", external_id=f"more-{n:02d}")
    first, second, third = Document.objects.filter(project=mixed).order_by("pk")[:3]
    start = first.text.index("Alep")
    annotate(first, alice, [{"start": start, "end": start + 4, "label": "LOCATION"}])
    annotate(first, bob, [])
    annotate(second, alice, [], status="skipped")
    annotate(third, bob, [], status="draft")
    return [first, second, third]


def rows(page) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(row.get_attribute("data-id")) for row in page.locator("[data-test=browser-row]").all()]


def wait_rows(page, count: int) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    expect(page.locator("[data-test=browser-row]")).to_have_count(count, timeout=15_000)


def test_the_owner_filters_pages_deletes_and_restores_in_bulk_and_opens_a_row(server, page, mixed, crowded):  # type: ignore[no-untyped-def]
    from annotator.models import Document

    first, second, third = crowded
    log_in(page, server, "olivia")
    page.goto(server + "/projects/mixed/documents")
    wait_rows(page, 50)
    assert "Alep \U0001f691" in page.locator("[data-test=browser-row]").first.inner_text()
    page.click("[data-test=next-page]")
    wait_rows(page, 11)
    page.click("[data-test=prev-page]")
    wait_rows(page, 50)

    page.select_option("[data-test=filter-disagreement]", "true")
    page.click("[data-test=apply-filters]")
    wait_rows(page, 1)
    assert rows(page) == [first.pk]

    page.select_option("[data-test=filter-disagreement]", "")
    page.select_option("[data-test=filter-annotator-status]", "draft")
    page.click("[data-test=apply-filters]")
    page.locator(f"[data-test=browser-row][data-id='{third.pk}']").wait_for()  # the one row before was another
    wait_rows(page, 1)
    assert rows(page) == [third.pk]

    page.select_option("[data-test=filter-annotator-status]", "")
    page.click("[data-test=apply-filters]")
    wait_rows(page, 50)
    page.locator(f"[data-test=browser-row][data-id='{second.pk}'] [data-test=tick]").check()
    page.locator(f"[data-test=browser-row][data-id='{third.pk}'] [data-test=tick]").check()
    page.click("[data-test=bulk-delete]")
    page.locator("[data-test=bulk-result]", has_text="Deleted: 2 document(s)").wait_for()
    assert set(Document.objects.filter(deleted_at__isnull=False).values_list("pk", flat=True)) == {
        second.pk,
        third.pk,
    }

    page.check("[data-test=filter-deleted]")
    page.click("[data-test=apply-filters]")
    wait_rows(page, 2)
    page.check("[data-test=all-matching]")
    page.click("[data-test=bulk-restore]")
    page.locator("[data-test=bulk-result]", has_text="Restored: 2 document(s)").wait_for()
    assert not Document.objects.filter(deleted_at__isnull=False).exists()

    page.uncheck("[data-test=filter-deleted]")
    page.click("[data-test=apply-filters]")
    wait_rows(page, 50)
    page.locator(f"[data-test=browser-row][data-id='{first.pk}'] [data-test=open-row]").click()
    page.wait_for_url(f"**/projects/mixed/review/{first.pk}")
    assert page.errors == []


def test_an_annotator_sees_only_their_own_documents_and_reopens_a_skipped_one(server, page, mixed, crowded):  # type: ignore[no-untyped-def]
    from annotator.models import Annotation

    first, second, _ = crowded
    log_in(page, server, "alice")
    page.goto(server + "/projects/mixed/documents")
    wait_rows(page, 2)
    assert rows(page) == [first.pk, second.pk]  # bob's draft of the third is not hers to see
    assert page.locator("[data-test=bulk-bar]").count() == 0
    page.locator(f"[data-test=browser-row][data-id='{second.pk}'] [data-test=reopen]").click()
    page.wait_for_url(f"**/projects/mixed/annotate/{second.pk}")
    page.locator("[data-test=doc-text]").wait_for()
    assert Annotation.objects.get(document=second, annotator__username="alice").status == "draft"
    assert page.errors == []
