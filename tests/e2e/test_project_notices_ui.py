"""The project page tells its owner, and nobody else, that the project is too large for
SQLite (LARGE_PROJECT_SQLITE_DOCUMENTS, lowered here to the mixed project's one document)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.conftest import served_by_gunicorn
from tests.e2e.conftest import DIST, log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the notice is SQLite's"),
]


@pytest.fixture
def small_threshold_server(transactional_db) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if not DIST.exists():
        pytest.fail("the web UI is not built: run `make frontend` (scripts/frontend.sh) first")
    with served_by_gunicorn(log_name="e2e-notices.log", LARGE_PROJECT_SQLITE_DOCUMENTS="1") as base:
        yield base


def test_the_owner_reads_the_notice_on_the_project_page(small_threshold_server, page, mixed) -> None:  # type: ignore[no-untyped-def]
    log_in(page, small_threshold_server, "olivia")
    page.goto(f"{small_threshold_server}/projects/mixed")

    notice = page.locator("[data-test=project-notice]")
    expect(notice).to_contain_text("This project holds 1 document on SQLite")
    expect(notice).to_contain_text("PostgreSQL")
    assert not page.errors  # type: ignore[attr-defined]


def test_an_annotator_does_not(small_threshold_server, page, mixed) -> None:  # type: ignore[no-untyped-def]
    log_in(page, small_threshold_server, "alice")
    page.goto(f"{small_threshold_server}/projects/mixed")

    page.get_by_role("heading", name="mixed").wait_for()
    expect(page.locator("[data-test=project-notice]")).to_have_count(0)
    assert not page.errors  # type: ignore[attr-defined]
