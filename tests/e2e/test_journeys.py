"""Annotating and reviewing a text that mixes scripts and emoji, in a real browser against
the real server: offsets past an emoji, a flag and a ZWJ family must reach the server as
code points (Python `str` indices), and every step works from the keyboard."""

from __future__ import annotations

import pytest

from annotator.tokenize import tokenize
from tests.e2e.conftest import FAMILY, MIXED, log_in

pytestmark = [pytest.mark.e2e]


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


def wait_until_saved(page, after: int) -> int:  # type: ignore[no-untyped-def]
    state = page.locator("[data-test=save-state]")
    for _ in range(100):
        version = int(state.get_attribute("data-version"))
        if state.inner_text() == "saved" and version > after:
            return version
        page.wait_for_timeout(100)
    raise AssertionError(f"not saved: {state.inner_text()!r}")


def version_now(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator("[data-test=save-state]").get_attribute("data-version"))


def test_attributes_by_keyboard_then_an_edit_after_submit_keeps_it_submitted_until_withdrawn(  # type: ignore[no-untyped-def]
    server, page, mixed, alice
):
    from annotator.models import Annotation

    open_document(page, server, "alice")
    before = version_now(page)
    select(page, "20 Menschen")
    page.keyboard.press("c")
    # F2 reaches the attribute fields; Tab goes from one to the next; Esc back to the text.
    page.keyboard.press("F2")
    editor = page.locator("[data-test=span-editor]")
    assert editor.locator("[data-attr=value]").evaluate("el => el === document.activeElement")
    page.keyboard.press("Tab")  # qualifier
    page.keyboard.press("Tab")  # status
    page.keyboard.press("k")  # killed
    page.keyboard.press("Tab")  # victims
    page.keyboard.press("u")  # unspecified
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    select(page, "Alep")
    page.keyboard.press("l")
    wait_until_saved(page, before)
    page.keyboard.press("Control+Enter")
    page.locator("[data-test=all-done]").wait_for()
    assert page.locator("[data-test=done-note]").inner_text().startswith("Submitted mixed-1")
    annotation = Annotation.objects.get(document__project=mixed, annotator=alice)
    assert annotation.status == "submitted"
    count = annotation.spans.get(label="CASUALTY_COUNT")
    assert (count.start, count.end) == where("20 Menschen")
    assert count.attrs == {"value": 20, "qualifier": "exact", "status": "killed", "victims": "unspecified"}
    submitted_version = annotation.version

    # Back to the submitted document: an edit is a new version of the submission.
    page.goto(f"{server}/projects/mixed/annotate/{annotation.document_id}")
    page.locator("[data-test=doc-text]").wait_for()
    assert page.locator("[data-test=status]").inner_text() == "submitted"
    select(page, "Azaz")
    page.keyboard.press("l")
    wait_until_saved(page, submitted_version)
    annotation.refresh_from_db()
    assert annotation.status == "submitted"
    assert annotation.version > submitted_version
    assert ("Azaz", "LOCATION") in stored(annotation)
    assert page.locator("[data-test=status]").inner_text() == "submitted"

    # Only Withdraw, on purpose, makes it a draft again.
    page.locator("[data-test=withdraw]").click()
    page.locator("[data-test=status]", has_text="draft").wait_for()
    annotation.refresh_from_db()
    assert annotation.status == "draft"
    assert page.errors == []


def test_a_clicked_suggestion_is_selected_and_its_key_or_enter_accepts_it(server, page, mixed, alice):  # type: ignore[no-untyped-def]
    from annotator.models import Annotation, ModelVersion, Suggestion

    document = mixed.documents.get()
    version = ModelVersion.objects.create(
        project=mixed, version=1, status=ModelVersion.Status.CURRENT, training_documents=5
    )
    army = Suggestion.objects.create(
        document=document,
        model_version=version,
        start=where("l'armée syrienne")[0],
        end=where("l'armée syrienne")[1],
        label="PERPETRATOR",
        score=0.8,
    )
    children = Suggestion.objects.create(
        document=document,
        model_version=version,
        start=where("45 enfants")[0],
        end=where("45 enfants")[1],
        label="CASUALTY_COUNT",
        score=0.7,
    )
    open_document(page, server, "alice")
    before = version_now(page)
    # A click on the last word of the multi-word suggestion selects all of it; its key accepts it.
    page.locator(".seg", has_text="syrienne").first.click()
    page.keyboard.press("p")
    page.locator(".seg", has_text="enfants").first.click()
    page.keyboard.press("Enter")
    wait_until_saved(page, before)
    annotation = Annotation.objects.get(document=document, annotator=alice)
    got = {(s.start, s.end, s.label, s.origin, s.suggestion_id) for s in annotation.spans.all()}
    assert got == {
        (*where("l'armée syrienne"), "PERPETRATOR", "suggestion_accepted", army.pk),
        (*where("45 enfants"), "CASUALTY_COUNT", "suggestion_accepted", children.pk),
    }
    assert page.errors == []


def test_span_boundaries_move_by_keyboard_and_keep_the_attributes(server, page, mixed, bob):  # type: ignore[no-untyped-def]
    from annotator.models import Annotation

    open_document(page, server, "bob")
    before = version_now(page)
    select(page, "Menschen")
    page.keyboard.press("c")
    page.keyboard.press("F2")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("w")  # status wounded
    page.keyboard.press("Escape")
    page.keyboard.press("[")  # start one token earlier: "20 Menschen"
    page.keyboard.press("]")  # end one token later: "20 Menschen tués"
    page.keyboard.press("}")  # and back: "20 Menschen"
    assert page.locator("[data-test=span-editor] h3").inner_text() == "“20 Menschen”"
    # The flag and the family: one step each.
    select(page, "syrienne")
    page.keyboard.press("l")
    page.keyboard.press("Enter")
    page.keyboard.press("]")  # over the flag: "syrienne 🇸🇾"
    wait_until_saved(page, before)
    annotation = Annotation.objects.get(document__project=mixed, annotator=bob)
    spans = {(s.start, s.end, s.label): s.attrs for s in annotation.spans.all()}
    assert spans[(*where("20 Menschen"), "CASUALTY_COUNT")]["status"] == "wounded"
    assert (*where("syrienne \U0001f1f8\U0001f1fe"), "LOCATION") in spans

    # Skip has a key.
    page.keyboard.press("Control+Shift+S")
    page.locator("[data-test=all-done]").wait_for()
    annotation.refresh_from_db()
    assert annotation.status == "skipped"
    assert page.errors == []


def submitted(document, user, spans) -> None:  # type: ignore[no-untyped-def]
    """`user`'s submitted annotation of `document`: (phrase, label, attrs, nth occurrence)."""
    from django.utils import timezone

    from annotator.models import Annotation, Span

    annotation = Annotation.objects.create(
        document=document, annotator=user, status="submitted", version=2, submitted_at=timezone.now()
    )
    for phrase, label, attrs, nth in spans:
        start = -1
        for _ in range(nth + 1):
            start = document.text.index(phrase, start + 1)
        Span.objects.create(annotation=annotation, start=start, end=start + len(phrase), label=label, attrs=attrs)


def move_to(page, phrase: str) -> None:  # type: ignore[no-untyped-def]
    """The keyboard cursor over `phrase` (Home, then arrows; no Escape, which would leave the gold editor)."""
    first, last = token_range(phrase)
    page.keyboard.press("Home")
    for _ in range(first):
        page.keyboard.press("ArrowRight")
    for _ in range(last - first):
        page.keyboard.press("Shift+ArrowRight")


def in_view(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    return page.locator(selector).first.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )


def test_a_reviewer_decides_an_attribute_disagreement_edits_the_gold_by_keyboard_saves_and_goes_on(  # type: ignore[no-untyped-def]
    server, page, mixed, alice, bob
):
    from annotator.formats.records import Record
    from annotator.models import Gold
    from annotator.services.imports import import_documents

    document = mixed.documents.get()
    killed, wounded = {"value": 45, "status": "killed"}, {"value": 45, "status": "wounded"}
    submitted(
        document,
        alice,
        [
            ("Alep", "LOCATION", {}, 0),
            ("20 Menschen", "CASUALTY_COUNT", {"value": 20}, 0),
            ("\U0001f1f8\U0001f1fe", "LOCATION", {}, 0),
            ("45 enfants", "CASUALTY_COUNT", killed, 0),
        ],
    )
    submitted(
        document,
        bob,
        [
            ("Alep", "LOCATION", {}, 0),
            ("Menschen", "CASUALTY_COUNT", {}, 0),
            ("45 enfants", "CASUALTY_COUNT", wounded, 0),
        ],
    )
    long_text = "\n".join(f"Ligne {i} : frappe à Alep \U0001f1f8\U0001f1fe ce matin." for i in range(30))
    import_documents(project=mixed, records=[Record(text=long_text, id="long")])
    long_document = mixed.documents.get(external_id="long")
    submitted(long_document, alice, [("Alep", "LOCATION", {}, i) for i in range(30)])
    submitted(long_document, bob, [("Alep", "PERPETRATOR", {}, i) for i in range(30)])

    log_in(page, server, "rita")
    page.goto(f"{server}/projects/mixed/review/{document.pk}")
    page.locator("[data-test=disagreement]").first.wait_for()
    assert page.locator("[data-test=count-agree]").inner_text() == "agree 1"
    assert page.locator("[data-test=count-attributes]").inner_text() == "attributes differ 1"
    kinds = [el.get_attribute("data-kind") for el in page.locator("[data-test=disagreement]").all()]
    assert kinds == ["boundary", "only_one", "attributes"]
    assert "status=wounded" in page.locator("[data-test=disagreement][data-kind=attributes]").inner_text()

    page.keyboard.press("a")  # boundary: alice's "20 Menschen"
    page.keyboard.press("a")  # only alice: the flag
    page.keyboard.press("b")  # attributes: bob's "wounded"
    # The gold column is a full editor: g gives it the keyboard.
    page.keyboard.press("g")
    page.locator("[data-test=editing-gold]").wait_for()
    move_to(page, "Azaz")
    page.keyboard.press("l")  # a new gold span
    move_to(page, "20 Menschen")
    page.keyboard.press("]")  # moved: "20 Menschen tués", attributes kept
    page.keyboard.press("Control+s")
    page.locator("[data-test=review-message]", has_text="Saved as gold").wait_for()

    gold = Gold.objects.get(document=document)
    spans = {(document.text[s.start : s.end], s.label): s.attrs for s in gold.spans.all()}
    assert spans == {
        ("Alep", "LOCATION"): {},
        ("20 Menschen tués", "CASUALTY_COUNT"): {"value": 20},
        ("\U0001f1f8\U0001f1fe", "LOCATION"): {},
        ("45 enfants", "CASUALTY_COUNT"): wounded,
        ("Azaz", "LOCATION"): {},
    }
    assert {(s.start, s.end) for s in gold.spans.filter(label="LOCATION")} >= {
        where("Azaz"),
        where("\U0001f1f8\U0001f1fe"),
    }

    # On to the next document waiting for review, by keyboard.
    page.locator("[data-test=next-review]").wait_for()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+N")
    page.wait_for_url(f"**/review/{long_document.pk}")
    page.locator("[data-test=count-label]", has_text="label differs 30").wait_for()
    # Keyboard review keeps the current disagreement in sight.
    for _ in range(22):
        page.keyboard.press("j")
    page.wait_for_timeout(300)
    assert page.locator("[data-test=disagreement]").nth(22).get_attribute("class").split().count("on") == 1
    assert in_view(page, ".group.on")
    assert in_view(page, "[data-test=gold-draft] .seg.sel")
    assert page.errors == []


def test_an_edit_made_after_the_session_expired_is_saved_after_logging_in_again(server, page, mixed, alice):  # type: ignore[no-untyped-def]
    from annotator.models import Annotation

    open_document(page, server, "alice")
    document_id = mixed.documents.get().pk
    select(page, "Alep")
    page.keyboard.press("l")
    page.context.clear_cookies()  # the session expires before the autosave
    page.wait_for_url("**/login**")
    assert not Annotation.objects.get(document_id=document_id, annotator=alice).spans.exists()
    log_in(page, server, "alice")
    page.goto(f"{server}/projects/mixed/annotate/{document_id}")
    wait_until_saved(page, 1)
    assert stored(Annotation.objects.get(document_id=document_id, annotator=alice)) == {("Alep", "LOCATION")}
    assert page.errors == []


def test_pages_say_which_role_they_need_and_an_empty_project_says_it_is_empty(server, page, mixed, owner, alice):  # type: ignore[no-untyped-def]
    from annotator.models import Role
    from annotator.services.projects import add_member, create_project
    from tests.conftest import LABELS

    empty = create_project(slug="empty", labels=LABELS, guidelines="", annotators_per_document=1, owner=owner)
    add_member(project=empty, user=alice, role=Role.ANNOTATOR)
    log_in(page, server, "alice")
    page.goto(f"{server}/projects/empty/annotate")
    assert "no documents yet" in page.locator("[data-test=all-done]").inner_text()

    page.goto(f"{server}/projects/mixed/review/{mixed.documents.get().pk}")
    page.locator("[data-test=needs-reviewer]").wait_for()
    save_gold = page.locator("[data-test=save-gold]")
    assert save_gold.count() == 0 or save_gold.is_disabled()
    page.goto(f"{server}/projects/mixed/settings")
    page.locator("[data-test=needs-owner]").wait_for()
    assert page.locator("[data-test=save-settings]").count() == 0
    assert page.errors == []


def test_a_refused_settings_save_is_reported_beside_the_button_and_can_be_reverted(server, page, mixed, owner):  # type: ignore[no-untyped-def]
    log_in(page, server, "olivia")
    page.goto(f"{server}/projects/mixed/settings")
    field = page.locator("label.field", has_text="Annotators per document").locator("input")
    field.fill("0")
    page.locator("[data-test=save-settings]").click()
    page.locator("[data-test=settings-error]").wait_for()
    assert "The form still shows your change" in page.locator("[data-test=settings-error]").inner_text()
    page.locator("[data-test=revert-settings]").click()
    page.wait_for_function("() => document.querySelector('[data-test=revert-settings]') === null")
    assert field.input_value() == "2"
    mixed.refresh_from_db()
    assert mixed.annotators_per_document == 2


@pytest.mark.worker  # the agreement page's report is computed by a worker
def test_review_keeps_decisions_over_a_reload_warns_of_undecided_ones_and_pages_its_list(  # type: ignore[no-untyped-def]
    server, page, mixed, alice, bob, celery_worker
):
    from playwright.sync_api import expect

    from annotator.formats.records import Record
    from annotator.models import Gold
    from annotator.services.imports import import_documents

    document = mixed.documents.get()
    submitted(document, alice, [("Alep", "LOCATION", {}, 0), ("Azaz", "LOCATION", {}, 0), ("حلب", "LOCATION", {}, 0)])
    submitted(document, bob, [("Alep", "PERPETRATOR", {}, 0)])

    log_in(page, server, "rita")
    page.goto(f"{server}/projects/mixed/review/{document.pk}")
    page.locator("[data-test=disagreement]").first.wait_for()
    assert page.locator("[data-test=disagreement]").count() == 3
    page.keyboard.press("a")
    # Waited for, not read at once: the list is drawn again after the key is handled.
    expect(page.locator("[data-test=disagreement]").first).to_contain_text("took alice")
    page.keyboard.press("Control+z")  # undo takes the decision back, not only its spans
    expect(page.locator("[data-test=disagreement]").first).not_to_contain_text("took")
    page.keyboard.press("k")
    page.keyboard.press("a")
    page.reload()
    page.locator("[data-test=review-message]", has_text="restored").wait_for()
    assert "took alice" in page.locator("[data-test=disagreement]").first.inner_text()

    page.keyboard.press("Control+s")
    page.locator("[data-test=review-message]", has_text="2 of 3 disagreements are not decided").wait_for()
    assert not Gold.objects.filter(document=document).exists()
    page.keyboard.press("Control+s")
    page.locator("[data-test=review-message]", has_text="Saved as gold").wait_for()
    assert Gold.objects.filter(document=document).exists()

    # The agreement page says it is computing, then (the worker done) what its gold figures
    # count and why an interval is missing.
    page.goto(f"{server}/projects/mixed/agreement")
    page.locator("[data-test=vs-gold-note]").wait_for(timeout=60_000)
    assert page.locator("[data-test=agreement-computing]").count() == 0
    assert "1 document has gold" in page.locator("[data-test=vs-gold-note]").inner_text()
    assert "fewer than two documents" in page.locator("[data-test=no-ci]").inner_text()

    # The review list pages through more than 50 documents.
    import_documents(project=mixed, records=[Record(text=f"Frappe {i} à Alep.", id=f"more-{i}") for i in range(55)])
    for other in mixed.documents.exclude(pk=document.pk):
        submitted(other, alice, [])
        submitted(other, bob, [])
    page.goto(f"{server}/projects/mixed/review")
    page.locator("[data-test=page-of]", has_text="1–50 of 55").wait_for()
    page.locator("[data-test=next-page]").click()
    page.locator("[data-test=page-of]", has_text="51–55 of 55").wait_for()
    assert page.locator("[data-test=review-row]").count() == 5
    # ... and searches words on the index: an external id, accents not needed.
    page.locator("input[placeholder^='search text']").fill("more-7")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("1 document(s)").wait_for()
    page.locator("input[placeholder^='search text']").fill("ALEP more-1*")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("11 document(s)").wait_for()
    assert page.errors == []


def word_point(page, word: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The middle of `word`'s first occurrence in the document text, on screen."""
    box = page.evaluate(
        """word => {
            const doc = document.querySelector('[data-test=doc-text]');
            const walker = document.createTreeWalker(doc, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.textContent.indexOf(word);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + word.length);
                const r = range.getBoundingClientRect();
                return [r.left + r.width / 2, r.top + r.height / 2];
            }
            return null;
        }""",
        word,
    )
    return box[0], box[1]


def test_span_ends_can_be_dragged_by_their_handles_and_keep_the_attributes(server, page, mixed, alice):  # type: ignore[no-untyped-def]
    from annotator.models import Annotation

    open_document(page, server, "alice")
    before = version_now(page)
    select(page, "Menschen")
    page.keyboard.press("c")
    page.keyboard.press("Enter")  # selects the span: its ends get handles
    page.keyboard.press("F2")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("m")  # status missing
    page.keyboard.press("Escape")
    start = page.locator(".seg.active.hs").bounding_box()
    page.mouse.move(start["x"] + 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(*word_point(page, "20"))
    page.mouse.up()
    page.locator("[data-test=span-editor] h3", has_text="“20 Menschen”").wait_for()
    end = page.locator(".seg.active.he").bounding_box()
    page.mouse.move(end["x"] + end["width"] - 2, end["y"] + end["height"] / 2)
    page.mouse.down()
    page.mouse.move(*word_point(page, "tués"))
    page.mouse.up()
    page.locator("[data-test=span-editor] h3", has_text="“20 Menschen tués”").wait_for()
    wait_until_saved(page, before)
    annotation = Annotation.objects.get(document__project=mixed, annotator=alice)
    [span] = annotation.spans.all()
    assert (span.start, span.end) == where("20 Menschen tués")
    assert span.attrs["status"] == "missing"
    assert page.errors == []


def test_the_toolbar_stays_in_view_the_side_list_scrolls_to_a_span_and_a_narrow_window_fits(  # type: ignore[no-untyped-def]
    server, page, mixed, owner, alice
):
    from annotator.formats.records import Record
    from annotator.models import Role
    from annotator.services.imports import import_documents
    from annotator.services.projects import add_member, create_project
    from tests.conftest import LABELS

    project = create_project(slug="long", labels=LABELS, guidelines="", annotators_per_document=1, owner=owner)
    add_member(project=project, user=alice, role=Role.ANNOTATOR)
    long_text = "\n".join(f"Paragraphe {i} : les secours à Alep \U0001f691 comptent des blessés." for i in range(80))
    import_documents(project=project, records=[Record(text=long_text, id="long")])
    page.set_viewport_size({"width": 1400, "height": 800})
    log_in(page, server, "alice")
    page.goto(server + "/projects/long/annotate")
    page.locator("[data-test=doc-text]", has_text="Paragraphe 0").wait_for()
    # Mark the first and the last "Alep".
    page.keyboard.press("Home")
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("l")
    page.keyboard.press("End")
    for _ in range(7):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("l")
    assert in_view(page, "[data-test=submit]")  # the toolbar came along to the end of the text
    page.locator("[data-test=span-row]").first.click()
    page.wait_for_timeout(300)
    assert in_view(page, ".seg.active")  # the text scrolled back to the first span
    assert page.locator("[data-test=span-editor] h3").inner_text() == "“Alep”"

    page.set_viewport_size({"width": 800, "height": 800})
    page.wait_for_timeout(300)
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))
            .slice(0, 8)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), wide
    submit = page.locator("[data-test=submit]").bounding_box()
    assert submit["x"] + submit["width"] <= 800
    assert page.errors == []
