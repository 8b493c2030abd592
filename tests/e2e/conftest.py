"""Browser tests: the real server (gunicorn on a free loopback port, against the test
database) driven by headless Chromium through Playwright. The test's rows must be committed
(transactional_db) for the server process to see them."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from annotator.processes import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import ROOT, served_by_gunicorn

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DIST = ROOT / "frontend" / "dist" / "index.html"
SCREENSHOTS = ROOT / "docs" / "img"


def browser_passwords(*users) -> None:  # type: ignore[no-untyped-def]
    """The suite hashes passwords with MD5 for speed, which the server process (default
    hashers) will not accept; give the cast PBKDF2 hashes it does (few iterations: a test)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    for user in users:
        user.password = hasher.encode(f"{user.username}-password-1", hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])


@pytest.fixture
def server(transactional_db) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app served by gunicorn, as in production, with the built web UI."""
    if not DIST.exists():
        pytest.fail("the web UI is not built: run `make frontend` (scripts/frontend.sh) first")
    with served_by_gunicorn(log_name="e2e-server.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def log_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}-password-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/projects")


# A text that mixes scripts and emoji: offsets past an emoji, a flag and a ZWJ family must
# reach the server as code points (Python `str` indices).
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
MIXED = (
    "Les secours à Alep \U0001f691 ont compté 20 Menschen tués par l'armée syrienne \U0001f1f8\U0001f1fe "
    f"et 45 enfants blessés. في حلب {FAMILY} ont fui vers Azaz."
)


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
    browser_passwords(owner, alice, bob, reviewer)
    return project
