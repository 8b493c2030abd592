"""Annotating and reviewing a text that mixes scripts and emoji, in a real browser against
the real server: offsets past an emoji, a flag and a ZWJ family must reach the server as
code points (Python `str` indices), and every step works from the keyboard."""

from __future__ import annotations

import pytest

from annotator.tokenize import tokenize
from tests.e2e.conftest import browser_passwords, log_in

pytestmark = [pytest.mark.e2e]

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
MIXED = (
    "Les secours à Alep \U0001f691 ont compté 20 Menschen tués par l'armée syrienne \U0001f1f8\U0001f1fe "
    f"et 45 enfants blessés. في حلب {FAMILY} ont fui vers Azaz."
)


def where(phrase: str, text: str = MIXED) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def token_range(phrase: str) -> tuple[int, int]:
    """The first and last token index of `phrase` in MIXED (the browser's tokens are the same)."""
    start, end = where(phrase)
    tokens = tokenize(MIXED)
    first = next(i for i, t in enumerate(tokens) if t.start == start)
    last = next(i for i, t in enumerate(tokens) if t.end == end)
    return first, last


def select(page, phrase: str) -> None:  # type: ignore[no-untyped-def]
    """Select `phrase` with the keyboard alone: back to the first token, then arrows."""
    first, last = token_range(phrase)
    page.keyboard.press("Escape")
    page.keyboard.press("Home")
    for _ in range(first):
        page.keyboard.press("ArrowRight")
    for _ in range(last - first):
        page.keyboard.press("Shift+ArrowRight")


def stored(annotation) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    text = annotation.document.text
    return {(text[s.start : s.end], s.label) for s in annotation.spans.all()}


@pytest.fixture
def mixed(db, owner, alice, bob, reviewer):  # type: ignore[no-untyped-def]
    """A project with one document in French, German, Arabic and emoji."""
    from annotator.formats.records import Record
    from annotator.models import Role
    from annotator.services.imports import import_documents
    from annotator.services.projects import add_member, create_project
    from tests.conftest import LABELS

    project = create_project(slug="mixed", labels=LABELS, guidelines="", annotators_per_document=2, owner=owner)
    for user, role in ((alice, Role.ANNOTATOR), (bob, Role.ANNOTATOR), (reviewer, Role.REVIEWER)):
        add_member(project=project, user=user, role=role)
    import_documents(project=project, records=[Record(text=MIXED, id="mixed-1")])
    browser_passwords(alice, bob, reviewer)
    return project


def open_document(page, server: str, user: str) -> None:  # type: ignore[no-untyped-def]
    log_in(page, server, user)
    page.goto(server + "/projects/mixed/annotate")
    page.locator("[data-test=doc-text]").wait_for()


def test_spans_after_an_emoji_a_flag_and_a_family_submit_with_code_point_offsets(server, page, mixed, alice):  # type: ignore[no-untyped-def]
    from annotator.models import Annotation

    open_document(page, server, "alice")
    for phrase, key in (
        ("Alep", "l"),
        ("20 Menschen", "c"),
        ("\U0001f1f8\U0001f1fe", "l"),
        ("حلب", "l"),
        (FAMILY, "p"),
    ):
        select(page, phrase)
        page.keyboard.press(key)
    # The arrows step over the flag and the family as one character each.
    select(page, FAMILY)
    assert page.locator(".seg.sel, .seg.cur").first.inner_text() == FAMILY
    assert page.locator("[data-test=problems]").count() == 0
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda url: "/annotate/" not in url or url.endswith("/annotate"))
    annotation = Annotation.objects.get(document__project=mixed, annotator=alice)
    assert annotation.status == "submitted"
    assert stored(annotation) == {
        ("Alep", "LOCATION"),
        ("20 Menschen", "CASUALTY_COUNT"),
        ("\U0001f1f8\U0001f1fe", "LOCATION"),
        ("حلب", "LOCATION"),
        (FAMILY, "PERPETRATOR"),
    }
    assert {(s.start, s.end) for s in annotation.spans.filter(label="CASUALTY_COUNT")} == {where("20 Menschen")}
    assert page.errors == []
