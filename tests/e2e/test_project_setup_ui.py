"""An owner sets a project up in the browser alone: creates it from scratch with a label whose
attributes are edited as a form, a relation type between its labels and guidelines in Markdown
(text mixing scripts and emoji, stored in code points exactly as typed), duplicates it, deletes
it and restores it."""

from __future__ import annotations

import pytest

from annotator.models import Label, Membership, Project, RelationType
from annotator.services.projects import KNOWN_LABELS, create_project
from tests.e2e.conftest import FAMILY, MIXED, browser_passwords, log_in

pytestmark = [pytest.mark.e2e]

NAME = "Secours à Alep \U0001f691 في حلب"
LABEL = "BLESSÉS_في_حلب"
GUIDELINES = f"# Règles\n\nMark every count, e.g. {MIXED}\n\n- famille {FAMILY} \U0001f1f8\U0001f1fe\n"
CHOICES = ["tués", "blessés", "في حلب"]
RELATION = "À_PROXIMITÉ_DE"


def add_attribute(label, name: str, kind: str) -> object:  # type: ignore[no-untyped-def]
    label.locator("[data-test=add-attribute]").click()
    row = label.locator("[data-test=attribute]").last
    row.locator("[data-test=attr-name]").fill(name)
    row.locator("[data-test=attr-type]").select_option(kind)
    return row


def test_the_owner_creates_duplicates_deletes_and_restores_a_project(server, page, owner):  # type: ignore[no-untyped-def]
    browser_passwords(owner)
    log_in(page, server, "olivia")
    page.locator("[data-test=new-project]").click()
    page.wait_for_url("**/projects/new")

    page.locator("[data-test=project-name]").fill(NAME)
    slug = page.locator("[data-test=project-slug]")
    assert slug.input_value() == "secours-a-alep"  # suggested from the name, accents dropped
    slug.fill("Alep!")
    page.locator("[data-test=slug-problem]").wait_for()
    slug.fill("secours-alep")
    assert page.locator("[data-test=slug-problem]").count() == 0

    label = page.locator("[data-test=label]").first
    label.locator("[data-test=label-name]").fill(LABEL)
    label.locator("[data-test=label-hotkey]").fill("b")
    count = add_attribute(label, "nombre", "integer")
    count.locator("[data-test=attr-min]").fill("0")
    count.locator("[data-test=attr-max]").fill("5000")
    add_attribute(label, "statut", "choice").locator("[data-test=attr-choices]").fill("\n".join(CHOICES))
    add_attribute(label, "confirmé", "boolean")  # not a valid attribute name: the server says so
    page.locator("[data-test=add-label]").click()
    page.locator("[data-test=label-name]").last.fill("LIEU")
    page.locator("[data-test=add-relation-type]").click()
    kind = page.locator("[data-test=relation-type]").last
    kind.locator("[data-test=relation-name]").fill(RELATION)
    kind.locator("[data-test=relation-source]").select_option(LABEL)
    kind.locator("[data-test=relation-target]").select_option("LIEU")
    kind.locator("[data-test=relation-hotkey]").fill("r")
    page.locator("[data-test=guidelines]").fill(GUIDELINES)
    assert page.locator("[data-test=guidelines-preview] h1").inner_text() == "Règles"

    page.locator("[data-test=create-project]").click()
    error = page.locator("[data-test=create-error]")
    error.wait_for()
    assert "confirmé" in error.inner_text()
    assert "bad" in (page.locator("[data-test=label]").first.get_attribute("class") or "")
    assert not Project.objects.exists()  # nothing stored half-way
    label.locator("[data-test=attr-name]").last.fill("confirme")

    page.locator("[data-test=create-project]").click()
    page.wait_for_url("**/projects/secours-alep/settings")
    project = Project.objects.get(slug="secours-alep")
    assert [ord(c) for c in project.name] == [ord(c) for c in NAME]
    assert [ord(c) for c in project.guidelines] == [ord(c) for c in GUIDELINES]
    stored = {label.name: label for label in Label.objects.filter(project=project)}
    assert [ord(c) for c in next(iter(stored))] == [ord(c) for c in LABEL]
    assert stored[LABEL].hotkey == "b"
    assert stored[LABEL].attributes == {
        "nombre": {"type": "integer", "min": 0, "max": 5000},
        "statut": {"type": "choice", "choices": CHOICES},
        "confirme": {"type": "boolean"},
    }
    assert list(stored) == [LABEL, "LIEU"]
    (relation,) = RelationType.objects.filter(project=project)
    assert [ord(c) for c in relation.name] == [ord(c) for c in RELATION]
    assert (relation.source, relation.target, relation.hotkey) == (LABEL, "LIEU", "r")
    assert Membership.objects.get(project=project).user == owner
    # The settings page edits the same form, loaded from what was stored.
    assert page.locator("[data-test=label-name]").first.input_value() == LABEL
    assert page.locator("[data-test=attr-choices]").input_value() == "\n".join(CHOICES)
    page.locator("[data-test=attr-max]").fill("9000")
    page.locator("[data-test=save-settings]").click()
    page.locator("[data-test=settings-message]").wait_for()
    stored[LABEL].refresh_from_db()
    assert stored[LABEL].attributes["nombre"] == {"type": "integer", "min": 0, "max": 9000}

    page.locator("[data-test=copy-slug]").fill("secours-alep-2")
    page.locator("[data-test=duplicate-project]").click()
    page.wait_for_url("**/projects/secours-alep-2/settings")
    copy = Project.objects.get(slug="secours-alep-2")
    assert copy.guidelines == GUIDELINES and copy.name == f"{NAME} (copy)"
    assert {label.name: label.attributes for label in copy.labels.all()} == {
        name: label.attributes for name, label in stored.items()
    }
    assert copy.labels.get(name=LABEL).attributes["nombre"]["max"] == 9000
    assert list(copy.relation_types.values_list("name", "source", "target")) == [(RELATION, LABEL, "LIEU")]

    page.goto(f"{server}/projects/secours-alep/settings")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-test=delete-project]").click()
    page.wait_for_url("**/projects")
    deleted = page.locator("[data-test=deleted-project]")
    deleted.wait_for()
    assert NAME in deleted.inner_text()
    assert Project.objects.get(slug="secours-alep").deleted_at is not None
    deleted.locator("[data-test=restore-project]").click()
    page.wait_for_function("() => document.querySelector('[data-test=deleted-project]') === null")
    assert Project.objects.get(slug="secours-alep").deleted_at is None
    assert page.locator("[data-test=project]").count() == 2
    assert page.errors == []


def test_the_conflict_casualty_template_is_one_click_away(server, page, owner, outsider):  # type: ignore[no-untyped-def]
    create_project(slug="homs", labels=["LOCATION"], owner=outsider)  # a slug taken by someone else
    browser_passwords(owner)
    log_in(page, server, "olivia")
    page.goto(f"{server}/projects/new")
    page.locator("[data-test=project-name]").fill("Homs")
    page.locator("[data-test=use-template]").click()
    page.wait_for_function("() => document.querySelectorAll('[data-test=label]').length === 3")
    page.locator("[data-test=create-project]").click()
    taken = page.locator("[data-test=slug-problem]")
    taken.wait_for()
    assert "not available" in taken.inner_text()
    page.locator("[data-test=project-slug]").fill("homs-2")
    assert taken.count() == 0
    page.locator("[data-test=create-project]").click()
    page.wait_for_url("**/projects/homs-2/settings")
    project = Project.objects.get(slug="homs-2")
    assert {label.name: label.attributes for label in project.labels.all()} == {
        name: spec["attributes"] for name, spec in KNOWN_LABELS.items()
    }
    assert project.annotators_per_document == 2 and project.guidelines.startswith("#")
    assert list(project.relation_types.values_list("name", flat=True)) == ["BY", "AT"]
    assert page.errors == []


def test_who_may_not_create_projects_sees_no_button(server, page, alice):  # type: ignore[no-untyped-def]
    browser_passwords(alice)
    log_in(page, server, "alice")
    page.locator("h1", has_text="Projects").wait_for()
    assert page.locator("[data-test=new-project]").count() == 0
    page.goto(f"{server}/projects/new")
    page.locator("[data-test=may-not-create]").wait_for()
    assert page.locator("[data-test=create-project]").count() == 0
