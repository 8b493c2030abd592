"""The whole of issue #19 in one browser journey, on text mixing scripts and emoji: a site
admin creates a project from scratch (a label with attributes, guidelines), imports a JSONL
file on the Data page, makes a join link; a newcomer opens it in a browser of their own, sets
a password and annotates three documents; a reviewer, added as a member, comments on one, the
annotator answers, the reviewer resolves; the owner finds that document through the document
browser's filters and exports the project. What the server stored is checked in code points
at every step. The tour's screenshots of the create page and the document browser come from
here."""

from __future__ import annotations

import json

import pytest

from annotator.tokenize import tokenize
from tests.e2e.conftest import FAMILY, MIXED, SCREENSHOTS, browser_passwords, log_in

# The import and the export run as jobs: a real worker takes them, as in production.
pytestmark = [pytest.mark.e2e, pytest.mark.worker]

NAME = "Secours à Alep \U0001f691 في حلب"
SLUG = "secours-alep"
GUIDELINES = f"# Règles\n\nMark every count, e.g. {MIXED}\n\n- famille {FAMILY} \U0001f1f8\U0001f1fe\n"
NEWCOMER = "Zoé.حلب"
PASSWORD = "a long walk to Azaz 2026"
# Four reports, each the mixed text with a town of its own (for the text search); the queue
# serves three of them to the newcomer in an order of its choosing.
TOWNS = ["Manbij", "Raqqa", "Idlib", "Deraa"]
TEXTS = {town: f"Rapport de {town} \U0001f4f0 : {MIXED}" for town in TOWNS}
# What the newcomer marks on every document, with the key of its label.
MARKS = [("Alep", "l"), ("20 Menschen", "c"), ("حلب", "l"), (FAMILY, "c")]


def where(phrase: str, text: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def select(page, phrase: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select `phrase` by keyboard: back to the first token, then arrows (as test_journeys)."""
    start, end = where(phrase, text)
    tokens = tokenize(text)
    first = next(i for i, t in enumerate(tokens) if t.start == start)
    last = next(i for i, t in enumerate(tokens) if t.end == end)
    page.keyboard.press("Escape")
    page.keyboard.press("Home")
    for _ in range(first):
        page.keyboard.press("ArrowRight")
    for _ in range(last - first):
        page.keyboard.press("Shift+ArrowRight")


def add_attribute(label, name: str, kind: str) -> object:  # type: ignore[no-untyped-def]
    label.locator("[data-test=add-attribute]").click()
    row = label.locator("[data-test=attribute]").last
    row.locator("[data-test=attr-name]").fill(name)
    row.locator("[data-test=attr-type]").select_option(kind)
    return row


def create_the_project(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("[data-test=new-project]").click()
    page.wait_for_url("**/projects/new")
    page.locator("[data-test=project-name]").fill(NAME)
    page.locator("[data-test=project-slug]").fill(SLUG)
    page.locator("[data-test=annotators-per-document]").fill("1")
    label = page.locator("[data-test=label]").first
    label.locator("[data-test=label-name]").fill("VICTIMES")
    label.locator("[data-test=label-hotkey]").fill("c")
    count = add_attribute(label, "nombre", "integer")
    count.locator("[data-test=attr-min]").fill("0")
    add_attribute(label, "statut", "choice").locator("[data-test=attr-choices]").fill("tués\nblessés\nفي حلب")
    page.locator("[data-test=add-label]").click()
    place = page.locator("[data-test=label]").last
    place.locator("[data-test=label-name]").fill("LIEU")
    place.locator("[data-test=label-hotkey]").fill("l")
    page.locator("[data-test=guidelines]").fill(GUIDELINES)
    page.locator("[data-test=create-project]").click()
    page.wait_for_url(f"**/projects/{SLUG}/settings")


def test_an_owner_runs_a_project_from_the_browser_from_creation_to_export(  # type: ignore[no-untyped-def]
    server, celery_worker, page, browser, owner, reviewer, tmp_path
):
    from django.contrib.auth.models import User
    from playwright.sync_api import expect

    from annotator.models import Annotation, Comment, Document, Label, Membership, Project

    browser_passwords(owner, reviewer)

    # 1. The site admin creates the project from scratch.
    log_in(page, server, "olivia")
    # The top bar's links stand apart (they once ran together as "ProjectsPeople").
    projects, people = (page.locator("header nav a", has_text=name).bounding_box() for name in ("Projects", "People"))
    assert people["x"] - (projects["x"] + projects["width"]) >= 8
    create_the_project(page)
    project = Project.objects.get(slug=SLUG)
    assert [ord(c) for c in project.name] == [ord(c) for c in NAME]
    assert [ord(c) for c in project.guidelines] == [ord(c) for c in GUIDELINES]
    assert project.annotators_per_document == 1
    assert {label.name: (label.hotkey, label.attributes) for label in Label.objects.filter(project=project)} == {
        "VICTIMES": (
            "c",
            {
                "nombre": {"type": "integer", "min": 0},
                "statut": {"type": "choice", "choices": ["tués", "blessés", "في حلب"]},
            },
        ),
        "LIEU": ("l", {}),
    }

    # 2. Imports a JSONL file on the Data page, reached from the project's tabs.
    page.click("nav.tabs >> text=Import / export")
    page.wait_for_url(f"**/projects/{SLUG}/data")
    upload = tmp_path / "rapports.jsonl"
    upload.write_text(
        "".join(
            json.dumps({"id": f"rapport-{town}", "text": text, "source": "SANA"}, ensure_ascii=False) + "\n"
            for town, text in TEXTS.items()
        ),
        encoding="utf-8",
    )
    page.set_input_files("[data-test=import-file]", str(upload))
    page.click("text=Upload")
    page.locator("[data-test=import-job] .chip", has_text="succeeded").wait_for(timeout=30_000)
    stored = {d.external_id: d for d in Document.objects.filter(project=project)}
    assert set(stored) == {f"rapport-{town}" for town in TOWNS}
    for town, text in TEXTS.items():
        assert [ord(c) for c in stored[f"rapport-{town}"].text] == [ord(c) for c in text]
        assert stored[f"rapport-{town}"].meta == {"source": "SANA"}

    # 3. Makes a join link for an annotator on the People page (the top bar's link).
    page.click("header >> text=People")
    page.wait_for_url("**/people")
    page.select_option("select[name=link_project]", SLUG)
    page.select_option("select[name=link_role]", "annotator")
    page.click("[data-test=create-link]")
    url = page.input_value("[data-test=join-url]")
    assert url.startswith(server + "/join/")

    # 4. The newcomer opens it in a browser of their own and sets a password.
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    guest = context.new_page()
    guest_errors: list[str] = []
    guest.on("pageerror", lambda error: guest_errors.append(str(error)))
    guest.goto(url)
    guest.fill("input[name=username]", NEWCOMER)
    guest.fill("input[name=password]", PASSWORD)
    guest.fill("input[name=password2]", PASSWORD)
    guest.click("button[type=submit]")
    guest.wait_for_url(f"**/projects/{SLUG}")
    newcomer = User.objects.get(username=NEWCOMER)
    assert [ord(c) for c in newcomer.username] == [ord(c) for c in NEWCOMER]
    assert Membership.objects.get(project=project, user=newcomer).role == "annotator"

    # 5. ... and annotates three documents, by keyboard, submitting each.
    guest.click("nav.tabs >> text=Annotate")
    done: list[str] = []
    for _ in range(3):
        shown = guest.locator("[data-test=doc-text]")
        shown.wait_for()
        guest.wait_for_function(
            "done => { const t = document.querySelector('[data-test=doc-text]').innerText;"
            " return !done.some((town) => t.includes(town)); }",
            arg=done,
        )
        town = next(town for town in TOWNS if town in shown.inner_text())
        for phrase, key in MARKS:
            select(guest, phrase, TEXTS[town])
            guest.keyboard.press(key)
        assert guest.locator("[data-test=problems]").count() == 0
        guest.keyboard.press("Control+Enter")
        guest.wait_for_function(
            "town => { const t = document.querySelector('[data-test=doc-text]');"
            " return !t || !t.innerText.includes(town); }",
            arg=town,
        )
        done.append(town)
        annotation = Annotation.objects.get(document=stored[f"rapport-{town}"], annotator=newcomer)
        assert annotation.status == "submitted"
        text = TEXTS[town]
        assert {(s.start, s.end, s.label) for s in annotation.spans.all()} == {
            (*where(phrase, text), "LIEU" if key == "l" else "VICTIMES") for phrase, key in MARKS
        }
    commented_town = done[1]
    commented = stored[f"rapport-{commented_town}"]

    # 6. The owner adds the reviewer as a member; the reviewer accepts and comments.
    page.goto(f"{server}/projects/{SLUG}/settings")
    page.fill("[data-test=user-search]", "rita")
    page.locator("form:has([data-test=user-search]) select").select_option("reviewer")
    page.click("text=Invite member")
    page.get_by_text("rita is invited as reviewer").first.wait_for()
    office = browser.new_context(viewport={"width": 1440, "height": 900})
    rita = office.new_page()
    rita_errors: list[str] = []
    rita.on("pageerror", lambda error: rita_errors.append(str(error)))
    log_in(rita, server, "rita")
    rita.locator("[data-test=invitations]").get_by_role("button", name="Accept").click()
    rita.locator("[data-test=invitations]").wait_for(state="detached")
    assert Membership.objects.get(project=project, user=reviewer).role == "reviewer"
    rita.locator("[data-test=project]", has_text=NAME).get_by_role("link").first.click()
    rita.wait_for_url(f"**/projects/{SLUG}")
    rita.click("nav.tabs >> text=Documents")
    rita.locator(f"[data-test=browser-row][data-id='{commented.pk}'] [data-test=open-row]").click()
    rita.wait_for_url(f"**/projects/{SLUG}/review/{commented.pk}")
    question = f"Is the family {FAMILY} counted among the victims of {commented_town}?"
    rita.locator("[data-test=comment-body]").fill(question)
    rita.locator("[data-test=comment-to]").select_option(NEWCOMER)  # else only reviewers see it
    rita.locator("[data-test=comment-send]").click()
    rita.locator("[data-test=thread]").wait_for()
    thread = Comment.objects.get(document=commented, parent=None)
    assert [ord(c) for c in thread.body] == [ord(c) for c in question] and thread.author == reviewer
    assert thread.annotator == newcomer

    # 7. The annotator answers in the thread, from her own list of documents.
    guest.click("nav.tabs >> text=Documents")
    guest.locator(f"[data-test=browser-row][data-id='{commented.pk}'] [data-test=open-comments]").wait_for()
    guest.locator(f"[data-test=browser-row][data-id='{commented.pk}'] [data-test=open-row]").click()
    guest.wait_for_url(f"**/projects/{SLUG}/annotate/{commented.pk}")
    guest.locator("[data-test=thread]").wait_for()
    answer = f"Oui: la famille {FAMILY} compte, 3 personnes في حلب."
    guest.locator("[data-test=reply-body]").fill(answer)
    guest.locator("[data-test=reply-send]").click()
    guest.locator("[data-test=reply]").wait_for()
    reply = thread.replies.get()
    assert reply.author == newcomer and [ord(c) for c in reply.body] == [ord(c) for c in answer]

    # The owner's browser shows the open thread on its row (the tour's screenshot).
    page.click("nav.tabs >> text=Documents")
    page.wait_for_url(f"**/projects/{SLUG}/documents")
    chip = page.locator(f"[data-test=browser-row][data-id='{commented.pk}'] [data-test=open-comments]")
    chip.wait_for()
    assert chip.inner_text().endswith("1")
    assert page.locator("[data-test=browser-row]").count() == len(TOWNS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "documents.png"))

    # 8. The reviewer sees the answer and resolves the thread.
    # Her page reads the threads again when she comes back to its tab: no reload needed.
    assert rita.locator("[data-test=reply]").count() == 0
    rita.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    rita.locator("[data-test=reply]", has_text="la famille").wait_for(timeout=5_000)
    rita.locator("[data-test=resolve]").click()
    rita.locator("[data-test=thread-resolved]").wait_for()
    thread.refresh_from_db()
    assert thread.resolved_by == reviewer

    # 9. The owner finds the document through the browser's filters.
    page.click("[data-test=apply-filters]")
    chip.wait_for(state="detached")  # resolved: no open thread on its row
    page.select_option("[data-test=filter-commented]", "true")
    page.select_option("[data-test=filter-annotator-status]", "submitted")
    page.fill("[data-test=filter-q]", commented_town)
    page.click("[data-test=apply-filters]")
    expect(page.locator("[data-test=browser-row]")).to_have_count(1, timeout=15_000)
    assert page.locator("[data-test=browser-row]").get_attribute("data-id") == str(commented.pk)
    # Resolved: no open comments left; the open-comments filter finds nothing.
    page.select_option("[data-test=filter-open-comments]", "true")
    page.click("[data-test=apply-filters]")
    page.locator("text=Nothing here.").wait_for()

    # 10. ... and exports the project from the export menu: everyone's annotations, JSONL.
    page.click("nav.tabs >> text=Import / export")
    page.select_option("[data-test=export-format]", "jsonl")
    page.select_option("[data-test=export-source]", "all")
    page.click("[data-test=export]")
    with page.expect_download() as download:
        page.locator("[data-test=download]").click()
    lines = [
        json.loads(line) for line in download.value.path().read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    annotated = {line["id"]: line for line in lines if line.get("annotator")}
    assert set(annotated) == {f"rapport-{town}" for town in done}
    for town in done:
        line = annotated[f"rapport-{town}"]
        text = TEXTS[town]
        assert line["text"] == text and line["annotator"] == NEWCOMER
        assert sorted((s["start"], s["end"], s["label"]) for s in line["spans"]) == sorted(
            (*where(phrase, text), "LIEU" if key == "l" else "VICTIMES") for phrase, key in MARKS
        )
        assert {text[s["start"] : s["end"]] for s in line["spans"]} == {phrase for phrase, _ in MARKS}
    threads = annotated[f"rapport-{commented_town}"].get("comments", [])
    assert [(t["body"], t["resolved"], [r["body"] for r in t["replies"]]) for t in threads] == [
        (question, True, [answer])
    ]

    # The create page with the conflict-casualty template, for the README's tour.
    page.goto(f"{server}/projects/new")
    page.locator("[data-test=project-name]").fill("Alep — rapports \U0001f691")
    page.locator("[data-test=use-template]").click()
    page.wait_for_function("() => document.querySelectorAll('[data-test=label]').length === 3")
    page.screenshot(path=str(SCREENSHOTS / "new-project.png"))
    assert page.errors == [] and guest_errors == [] and rita_errors == []
    context.close()
    office.close()
