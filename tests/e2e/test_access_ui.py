"""In the browser: an owner invites a user who joins by accepting, and a reviewer is told
that a gold is stale because a source annotation was edited after it."""

from __future__ import annotations

from django.utils import timezone

from tests.e2e.conftest import browser_passwords, log_in


def test_an_invited_user_joins_a_project_by_accepting_on_the_projects_page(server, browser, project, owner, outsider):  # type: ignore[no-untyped-def]
    browser_passwords(owner, outsider)
    context = browser.new_context()
    page = context.new_page()
    log_in(page, server, "olivia")
    page.goto(f"{server}/projects/aleppo/settings")
    page.fill("input[placeholder='user name']", "oscar")
    page.get_by_role("button", name="Invite member").click()
    page.get_by_text("oscar is invited as annotator").first.wait_for()
    assert page.locator("[data-test=invited]").inner_text().startswith("oscar")
    context.close()

    context = browser.new_context()
    page = context.new_page()
    log_in(page, server, "oscar")
    invitation = page.locator("[data-test=invitations]")
    invitation.get_by_text("olivia invites you to").wait_for()
    invitation.get_by_role("button", name="Accept").click()
    page.locator("[data-test=project]").first.wait_for()
    # The list of invitations goes once the accepted one is gone (after the projects reload).
    page.locator("[data-test=invitations]").wait_for(state="detached")
    assert project.memberships.get(user=outsider).role == "annotator"
    context.close()


def test_the_review_page_says_which_sources_changed_since_the_gold(server, page, project, alice, bob, reviewer):  # type: ignore[no-untyped-def]
    from annotator.models import Annotation
    from annotator.services.adjudication import save_gold
    from annotator.services.annotations import save_my_annotation

    browser_passwords(reviewer)
    document = project.documents.order_by("id").first()
    sources = [
        Annotation.objects.create(document=document, annotator=user, status="submitted", submitted_at=timezone.now())
        for user in (alice, bob)
    ]
    save_gold(
        document=document, user=reviewer, spans=[], source_annotation_ids=[a.pk for a in sources], expected_version=0
    )
    save_my_annotation(document=document, user=alice, spans=[], status="submitted", expected_version=1)

    log_in(page, server, "rita")
    page.goto(f"{server}/projects/aleppo/review/{document.pk}")
    notice = page.locator("[data-test=gold-stale]")
    notice.wait_for()
    assert "alice (gold cites version 1, now 2)" in notice.inner_text() and "bob" not in notice.inner_text()
    assert page.errors == []
