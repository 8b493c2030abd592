"""The web UI end to end: a real server, a real browser, the keyboard. Each test is one
user's story; the screenshots in docs/img/ come from here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import SCREENSHOTS, browser_passwords, log_in

pytestmark = [pytest.mark.e2e]


def saved_version(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator("[data-test=save-state]").get_attribute("data-version"))


def wait_until_saved(page, after: int) -> None:  # type: ignore[no-untyped-def]
    """The (debounced) autosave stored the edits: a newer version, and nothing left unsaved."""
    state = page.locator("[data-test=save-state]")
    for _ in range(100):
        if state.inner_text() == "saved" and saved_version(page) > after:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"not saved: {state.inner_text()!r}, version {saved_version(page)}")


def _phrase(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def model_with_suggestions(project):  # type: ignore[no-untyped-def]
    """A current model version that suggests the first "Aleppo" and "Marjeh" of every document as LOCATIONs."""
    from annotator.models import ModelVersion, Suggestion

    version = ModelVersion.objects.create(
        project=project, version=1, status=ModelVersion.Status.CURRENT, metrics={"f1": 0.61}, training_documents=5
    )
    for document in project.documents.all():
        for phrase, score in (("Aleppo", 0.87), ("Marjeh", 0.64)):
            if phrase in document.text:
                start, end = _phrase(document.text, phrase)
                Suggestion.objects.create(
                    document=document, model_version=version, start=start, end=end, label="LOCATION", score=score
                )
    return version


def test_an_annotator_labels_by_keyboard_accepts_a_suggestion_submits_and_finds_it_in_the_export(
    server, page, project, alice, model_with_suggestions
):  # type: ignore[no-untyped-def]
    from annotator.models import Annotation, Suggestion

    browser_passwords(alice)
    log_in(page, server, "alice")
    page.goto(server + "/projects/aleppo/annotate")
    text = page.locator("[data-test=doc-text]")
    text.wait_for()
    assert text.inner_text().startswith("Syrian warplanes have killed more than 300 people")
    assert page.locator("[data-test=suggestion-count]").inner_text().startswith("2 suggestions from model v1")

    before = saved_version(page)
    # "Syrian warplanes": the cursor starts on the first token; extend by one and press p.
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("p")
    # "more than 300 people": three tokens on, then extend over four tokens, press c.
    for key in ["ArrowRight"] * 3 + ["Shift+ArrowRight"] * 3 + ["c"]:
        page.keyboard.press(key)
    # Tab jumps to the model's suggestion ("Aleppo"); Enter accepts it.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    wait_until_saved(page, before)
    # The other suggestion ("Marjeh") stays open, drawn apart from the annotator's spans.
    assert page.locator("[data-test=suggestion-count]").inner_text().startswith("1 suggestion from")
    assert page.locator(".seg[data-tag='LOCATION?']").inner_text() == "Marjeh"

    # The casualty count's attributes were read from its words.
    page.locator(".seg[data-tag='CASUALTY_COUNT']").click()
    editor = page.locator("[data-test=span-editor]")
    assert editor.locator("[data-attr=value]").input_value() == "300"
    assert editor.locator("[data-attr=qualifier]").input_value() == "more_than"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "annotate.png"))
    page.keyboard.press("Escape")

    document_id = int(page.url.rstrip("/").split("/")[-1])
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda url: not url.endswith(f"/annotate/{document_id}"))

    annotation = Annotation.objects.get(document_id=document_id, annotator=alice)
    assert annotation.status == "submitted"
    spans = {(s.start, s.end, s.label): s for s in annotation.spans.all()}
    text_value = annotation.document.text
    assert set(spans) == {
        (*_phrase(text_value, "Syrian warplanes"), "PERPETRATOR"),
        (*_phrase(text_value, "more than 300 people"), "CASUALTY_COUNT"),
        (*_phrase(text_value, "Aleppo"), "LOCATION"),
    }
    accepted = spans[(*_phrase(text_value, "Aleppo"), "LOCATION")]
    assert accepted.origin == "suggestion_accepted"
    assert accepted.suggestion == Suggestion.objects.get(document_id=document_id, start=accepted.start)
    assert annotation.time_spent > 0

    # The export (the page's direct download of the annotator's own work) has the spans.
    page.goto(server + "/projects/aleppo/data")
    with page.expect_download() as download:
        page.get_by_text("or download directly").click()
    exported_text = Path(download.value.path()).read_text(encoding="utf-8")
    lines = [json.loads(line) for line in exported_text.splitlines() if line.strip()]
    exported = next(line for line in lines if line["text"] == text_value)
    by_label = {s["label"]: s for s in exported["spans"]}
    assert text_value[by_label["LOCATION"]["start"] : by_label["LOCATION"]["end"]] == "Aleppo"
    assert by_label["CASUALTY_COUNT"]["attrs"]["value"] == 300
    assert by_label["CASUALTY_COUNT"]["attrs"]["qualifier"] == "more_than"
    assert page.errors == []


def _submitted(document, user, spans):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from annotator.models import Annotation, Span

    annotation = Annotation.objects.create(
        document=document, annotator=user, status="submitted", version=2, submitted_at=timezone.now()
    )
    for phrase, label in spans:
        start, end = _phrase(document.text, phrase)
        Span.objects.create(annotation=annotation, start=start, end=end, label=label, attrs={})


def test_a_reviewer_settles_each_disagreement_with_one_key_and_the_gold_export_has_it(
    server, page, project, alice, bob, reviewer
):  # type: ignore[no-untyped-def]
    browser_passwords(reviewer)
    document = project.documents.order_by("id").first()
    _submitted(
        document,
        alice,
        [("Syrian warplanes", "PERPETRATOR"), ("more than 300 people", "CASUALTY_COUNT"), ("Aleppo", "LOCATION")],
    )
    _submitted(
        document,
        bob,
        [
            ("Syrian warplanes", "PERPETRATOR"),
            ("300 people", "CASUALTY_COUNT"),
            ("Aleppo", "PERPETRATOR"),
            ("National Coalition", "PERPETRATOR"),
        ],
    )
    log_in(page, server, "rita")
    page.goto(f"{server}/projects/aleppo/review/{document.pk}")
    page.locator("[data-test=disagreement]").first.wait_for()
    assert page.locator("[data-test=count-agree]").inner_text() == "agree 1"
    assert page.locator("[data-test=count-boundary]").inner_text() == "boundary differs 1"
    assert page.locator("[data-test=count-label]").inner_text() == "label differs 1"
    assert page.locator("[data-test=count-only-one]").inner_text() == "only one annotator 1"
    # The majority pre-fill with two annotators is what both marked.
    assert page.locator("[data-test=gold-draft] h3").inner_text() == "Gold draft (1 spans)"

    page.keyboard.press("a")  # boundary: alice's "more than 300 people"
    page.screenshot(path=str(SCREENSHOTS / "review.png"))
    page.keyboard.press("a")  # label: alice's LOCATION
    page.keyboard.press("b")  # only bob: "National Coalition"
    assert page.locator("[data-test=gold-draft] h3").inner_text() == "Gold draft (4 spans)"
    page.locator("[data-test=save-gold]").click()
    page.locator("[data-test=review-message]", has_text="Saved as gold").wait_for()

    response = page.request.get(f"{server}/api/projects/aleppo/export/?format=jsonl&source=gold")
    assert response.ok
    lines = [json.loads(line) for line in response.text().splitlines() if line.strip()]
    gold = next(line for line in lines if line["text"] == document.text)
    found = {(document.text[s["start"] : s["end"]], s["label"]) for s in gold["spans"]}
    assert found == {
        ("Syrian warplanes", "PERPETRATOR"),
        ("more than 300 people", "CASUALTY_COUNT"),
        ("Aleppo", "LOCATION"),
        ("National Coalition", "PERPETRATOR"),
    }
    assert page.errors == []


def test_markup_in_a_document_or_the_guidelines_is_shown_as_text_never_run(server, browser, owner, alice):  # type: ignore[no-untyped-def]
    from annotator.formats.records import Record
    from annotator.models import Role
    from annotator.services.imports import import_documents
    from annotator.services.projects import add_member, create_project

    browser_passwords(alice)
    hostile = '<script>window.__pwned = 1</script><b>bold?</b> <img src=x onerror="window.__pwned = 2"> Aleppo'
    project = create_project(
        slug="markup",
        labels=["LOCATION"],
        guidelines='# Rules\n<img src=x onerror="window.__pwned = 3"> *careful*',
        owner=owner,
    )
    add_member(project=project, user=alice, role=Role.ANNOTATOR)
    import_documents(project=project, records=[Record(text=hostile, id="hostile")])
    # Without the CSP, so what is proven is that the page never turns the text into markup.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, server, "alice")
    page.goto(server + "/projects/markup/annotate")
    text = page.locator("[data-test=doc-text]")
    text.wait_for()
    assert text.inner_text().strip() == hostile
    assert text.locator("script, b, img").count() == 0
    guidelines = page.locator("[data-test=guidelines]")
    assert "<img" in guidelines.inner_text()
    assert guidelines.locator("img").count() == 0
    assert guidelines.locator("em").inner_text() == "careful"
    # Label the last word by keyboard: the page still works on such text.
    before = saved_version(page)
    page.keyboard.press("End")
    page.keyboard.press("l")
    wait_until_saved(page, before)
    assert page.evaluate("window.__pwned") is None
    assert errors == []
    context.close()


def test_a_stale_tab_is_told_its_change_was_not_saved_and_gets_the_latest_version(server, page, project, alice):  # type: ignore[no-untyped-def]
    browser_passwords(alice)
    log_in(page, server, "alice")
    page.goto(server + "/projects/aleppo/annotate")
    page.locator("[data-test=doc-text]").wait_for()
    other = page.context.new_page()  # a second tab, same session
    other.goto(page.url)
    other.locator("[data-test=doc-text]").wait_for()

    # The first tab marks "Aleppo" with the mouse (a drag from inside the word, snapped to it).
    box = page.evaluate(
        """() => {
        const walker = document.createTreeWalker(document.querySelector('.doc'), NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.textContent.indexOf('Aleppo');
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at + 1);
          range.setEnd(node, at + 4);
          const r = range.getBoundingClientRect();
          return {x1: r.left + 1, x2: r.right - 1, y: (r.top + r.bottom) / 2};
        }
      }"""
    )
    before = saved_version(page)
    page.mouse.move(box["x1"], box["y"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y"], steps=4)
    page.mouse.up()
    page.keyboard.press("l")
    wait_until_saved(page, before)
    assert page.locator(".seg[data-tag='LOCATION']").inner_text() == "Aleppo"

    # The second tab, still on the old version, labels something: the server refuses (409),
    # the tab says so and shows what is saved.
    other.keyboard.press("Shift+ArrowRight")
    other.keyboard.press("p")
    notice = other.locator("[data-test=notice]")
    notice.wait_for(timeout=10_000)
    assert "saved from somewhere else" in notice.inner_text()
    assert other.locator(".seg[data-tag='LOCATION']").inner_text() == "Aleppo"
    assert other.locator(".seg[data-tag='PERPETRATOR']").count() == 0
    assert page.errors == []
