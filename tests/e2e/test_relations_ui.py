"""Linking spans on the annotate page (#21), in a real browser on the text with Arabic, accents,
an emoji outside the BMP, a flag and a ZWJ family: a count linked to its perpetrator by
keyboard and to its place by mouse, undone and redone, submitted; the server stores the
links between spans at code-point offsets."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import FAMILY, MIXED
from tests.e2e.test_journeys import open_document, select, version_now, wait_until_saved, where

pytestmark = [pytest.mark.e2e]


def seg_at(page, phrase: str):  # type: ignore[no-untyped-def]
    """The first text segment of `phrase` (segments carry their start in UTF-16 units)."""
    units = len(MIXED[: MIXED.index(phrase)].encode("utf-16-le")) // 2
    return page.locator(f'.seg[data-s="{units}"]').first


def rows(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [" ".join(r.split()) for r in page.locator("[data-test=relation-row]").all_inner_texts()]


def candidate(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("[data-test=link-candidate]").inner_text().strip("“”")


def highlighted(page) -> str:  # type: ignore[no-untyped-def]
    return "".join(page.locator('.seg[title*="candidate target"]').all_inner_texts())


def test_a_count_is_linked_by_keyboard_and_by_mouse_undone_redone_and_submitted(server, page, mixed, alice):  # type: ignore[no-untyped-def]
    from annotator.models import Annotation, Relation

    open_document(page, server, "alice")
    for phrase, key in (("20 Menschen", "c"), ("armée syrienne", "p"), (FAMILY, "p"), ("حلب", "l")):
        select(page, phrase)
        page.keyboard.press(key)

    # By keyboard: the count selected, b starts a BY link; the nearest perpetrator comes first,
    # Tab goes on to the family, Shift+Tab back, Enter links.
    select(page, "20 Menschen")
    page.keyboard.press("Enter")
    page.keyboard.press("b")
    assert candidate(page) == "armée syrienne"
    assert highlighted(page) == "armée syrienne"
    page.keyboard.press("Tab")
    assert candidate(page) == FAMILY
    assert highlighted(page) == FAMILY
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert rows(page) == ["20 Menschen —BY→ armée syrienne ✕"]

    # Esc cancels a link being made.
    page.keyboard.press("r")
    assert page.locator("[data-test=linking]").count() == 1
    page.keyboard.press("Escape")
    assert page.locator("[data-test=linking]").count() == 0

    # By mouse: the count clicked, its Link AT button, then the Arabic place clicked.
    seg_at(page, "20 Menschen").click()
    page.locator("[data-test=link-AT]").click()
    assert candidate(page) == "حلب"
    seg_at(page, "حلب").click()
    assert rows(page) == ["20 Menschen —BY→ armée syrienne ✕", "20 Menschen —AT→ حلب ✕"]

    # A place marked before the count shifts every index; Alt+click links the count to it.
    select(page, "Alep")
    page.keyboard.press("l")
    seg_at(page, "20 Menschen").click()
    seg_at(page, "Alep").click(modifiers=["Alt"])
    assert len(rows(page)) == 3
    page.keyboard.press("Control+z")
    assert len(rows(page)) == 2
    page.keyboard.press("Control+Shift+z")
    assert "20 Menschen —AT→ Alep ✕" in rows(page)

    # Hovering a relation marks its two ends in the text.
    page.locator("[data-test=relation-row]", has_text="armée").hover()
    assert page.locator('.seg[title*="linked: BY"]').count() >= 2
    # Its delete button takes the Alep link away again.
    page.locator("[data-test=relation-row]", has_text="Alep").locator("[data-test=relation-delete]").click()
    assert len(rows(page)) == 2

    page.locator("[data-test=submit]").click()
    page.wait_for_url(lambda url: "/annotate/" not in url or url.endswith("/annotate"))
    annotation = Annotation.objects.get(document__project=mixed, annotator=alice)
    assert annotation.status == "submitted"
    stored = {
        ((r.source.start, r.source.end), (r.target.start, r.target.end), r.type)
        for r in Relation.objects.filter(annotation=annotation).select_related("source", "target")
    }
    assert stored == {
        (where("20 Menschen"), where("armée syrienne"), "BY"),
        (where("20 Menschen"), where("حلب"), "AT"),
    }
    assert page.errors == []


def test_deleting_a_linked_span_takes_its_link_and_undo_brings_both_back(server, page, mixed, alice):  # type: ignore[no-untyped-def]
    from annotator.models import Annotation, Relation

    open_document(page, server, "alice")
    for phrase, key in (("45 enfants", "c"), (FAMILY, "p")):
        select(page, phrase)
        page.keyboard.press(key)
    select(page, "45 enfants")
    page.keyboard.press("Enter")
    page.keyboard.press("r")
    page.keyboard.press("Enter")
    assert rows(page) == [f"45 enfants —BY→ {FAMILY} ✕"]
    select(page, FAMILY)
    page.keyboard.press("Delete")
    assert rows(page) == []
    before = version_now(page)
    page.keyboard.press("Control+z")
    assert rows(page) == [f"45 enfants —BY→ {FAMILY} ✕"]
    wait_until_saved(page, before)
    annotation = Annotation.objects.get(document__project=mixed, annotator=alice)
    stored = [(r.source.label, r.target.label, r.type) for r in Relation.objects.filter(annotation=annotation)]
    assert stored == [("CASUALTY_COUNT", "PERPETRATOR", "BY")]
