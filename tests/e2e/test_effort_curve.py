"""The Models page's effort curve, after two annotators have marked the mixed-script text
in the browser: one point per submitted document, with the manual actions it took."""

from __future__ import annotations

import pytest

from tests.conftest import wait_for
from tests.e2e.conftest import MIXED, log_in
from tests.e2e.test_journeys import open_document, select, where

pytestmark = [pytest.mark.e2e]


def annotate_and_submit(page, server: str, user: str, marks: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    from annotator.models import Annotation

    open_document(page, server, user)
    for phrase, key in marks:
        select(page, phrase)
        page.keyboard.press(key)
    page.keyboard.press("Control+Enter")
    submitted = Annotation.objects.filter(annotator__username=user, status=Annotation.Status.SUBMITTED)
    wait_for(submitted.exists, timeout=30, what=f"{user}'s submission")
    page.context.clear_cookies()


def test_the_owner_sees_manual_actions_per_document_after_two_submissions(  # type: ignore[no-untyped-def]
    server, page, mixed, alice, bob
):
    from annotator.models import Annotation

    annotate_and_submit(page, server, "alice", [("Alep", "l"), ("20 Menschen", "c"), ("حلب", "l")])
    annotate_and_submit(page, server, "bob", [("Alep", "l")])
    # What the server stored is in code points, past the ambulance emoji and the flag.
    spans = {
        (s.start, s.end, s.label) for s in Annotation.objects.get(document__project=mixed, annotator=alice).spans.all()
    }
    assert spans == {
        (*where("Alep"), "LOCATION"),
        (*where("20 Menschen"), "CASUALTY_COUNT"),
        (*where("حلب"), "LOCATION"),
    }
    assert MIXED[slice(*where("حلب"))] == "حلب"

    log_in(page, server, "olivia")
    page.goto(server + "/projects/mixed/models")
    curve = page.locator("[data-test=effort-curve]")
    curve.wait_for()
    # One point a submitted document: 3 spans added by alice, then 1 by bob.
    assert curve.locator("svg circle").count() == 2
    titles = curve.locator("svg circle title").all_text_contents()
    assert [t.strip().endswith(value) for t, value in zip(titles, ("3.000", "1.000"), strict=True)] == [True, True]
    summary = curve.locator("[data-test=effort-summary]").inner_text()
    assert "2 documents: 4 manual actions for 4 spans" in summary
    assert page.errors == []
