"""Comments in the browser, on the mixed-script text: an annotator pins a comment to a span
holding the ZWJ family, a reviewer answers and resolves it, the annotator reads the answer;
the offsets stored are code points. And the pages in dark mode, when the system asks."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import FAMILY, MIXED, log_in
from tests.e2e.test_journeys import open_document, select

pytestmark = [pytest.mark.e2e]

PINNED = f"{FAMILY} ont fui"


def where(phrase: str) -> tuple[int, int]:
    start = MIXED.index(phrase)
    return start, start + len(phrase)


def test_an_annotator_comments_on_the_family_the_reviewer_answers_and_resolves(  # type: ignore[no-untyped-def]
    server, page, mixed, alice, reviewer
) -> None:
    from annotator.models import Comment

    document = mixed.documents.get()
    document.meta = {"source": "SANA", "date": "2026-11-02", "section": "Syria"}
    document.save()
    open_document(page, server, "alice")
    shown = page.locator("[data-test=doc-meta]")
    assert [shown.locator(f"[data-meta={key}]").inner_text() for key in ("source", "date", "section")] == [
        "SANA",
        "2026-11-02",
        "Syria",
    ]
    select(page, PINNED)
    page.keyboard.press("p")
    page.locator(".seg", has_text=FAMILY).first.click()
    page.locator("[data-test=comment-pin]").wait_for()
    assert PINNED in page.locator("[data-test=comments]").inner_text()
    page.locator("[data-test=comment-body]").fill("Is the family the perpetrator? Surely not")
    page.locator("[data-test=comment-send]").click()
    page.locator("[data-test=thread-quote]").wait_for()
    assert page.locator("[data-test=thread-quote]").inner_text() == PINNED
    thread = Comment.objects.get(document=document, parent=None)
    assert (thread.start, thread.end) == where(PINNED)  # code points: the family is 5 of them
    assert MIXED[thread.start : thread.end] == PINNED and len(PINNED) != len(PINNED.encode("utf-16-le")) // 2

    page.context.clear_cookies()
    log_in(page, server, "rita")
    page.goto(f"{server}/projects/mixed/review/{document.pk}")
    page.locator("[data-test=thread]").wait_for()
    assert page.locator("[data-test=thread-quote]").inner_text() == PINNED
    page.locator("[data-test=reply-body]").fill("Right: the family are the victims, 3 of them.")
    page.locator("[data-test=reply-send]").click()
    page.locator("[data-test=reply]").wait_for()
    page.locator("[data-test=resolve]").click()
    page.locator("[data-test=thread-resolved]").wait_for()
    thread.refresh_from_db()
    assert thread.resolved_by == reviewer and thread.replies.get().author == reviewer

    page.context.clear_cookies()
    open_document(page, server, "alice")
    page.locator("[data-test=reply]").wait_for()
    assert "the family are the victims" in page.locator("[data-test=reply]").inner_text()
    assert page.locator("[data-test=thread-resolved]").inner_text() == "resolved by rita"
    assert page.locator("[data-test=resolve]").count() == 0  # annotators do not resolve
    assert page.errors == []


def rgb(css: str) -> tuple[float, ...]:
    """An rgb()/rgba() or color(srgb ...) value as 0-255 channels."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    if css.startswith("color("):
        return tuple(n * 255 for n in numbers[:3])
    return tuple(numbers[:3])


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    def luminance(c: tuple[float, ...]) -> float:
        linear = [(v / 255) / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_annotate_page_follows_the_systems_colour_scheme_and_stays_readable(  # type: ignore[no-untyped-def]
    server, browser, mixed, alice, scheme
) -> None:
    from annotator.models import Annotation, Span

    annotation = Annotation.objects.create(document=mixed.documents.get(), annotator=alice)
    for phrase, label in (("Alep", "LOCATION"), ("20 Menschen", "CASUALTY_COUNT"), ("l'armée syrienne", "PERPETRATOR")):
        Span.objects.create(annotation=annotation, start=where(phrase)[0], end=where(phrase)[1], label=label)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        open_document(page, server, "alice")
        style = "(e, p) => getComputedStyle(e, p)"
        background = rgb(page.evaluate(f"({style})(document.documentElement).backgroundColor"))
        card = page.locator(".text-card")
        panel = rgb(card.evaluate(f"e => ({style})(e).backgroundColor"))
        text = rgb(card.evaluate(f"e => ({style})(e).color"))
        if scheme == "dark":
            assert max(background) < 60 and max(panel) < 60
        else:
            assert min(background) > 200 and min(panel) > 200
        assert contrast(text, panel) >= 7
        tags = page.locator(".seg[data-tag]")
        assert tags.count() == 3
        for index in range(3):
            tag = rgb(tags.nth(index).evaluate(f"e => ({style})(e, '::before').color"))
            assert contrast(tag, panel) >= 4.5, (scheme, tags.nth(index).get_attribute("data-tag"), tag)
    finally:
        context.close()
