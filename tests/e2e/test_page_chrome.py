"""What a tab and a wrong address show: a title per page, the app's favicon, and the app's
own "not found" page (never Django's debug page with its list of URL patterns)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import browser_passwords, log_in

pytestmark = [pytest.mark.e2e]


def test_each_page_names_itself_and_the_project_in_the_tab(server, page, project, alice) -> None:  # type: ignore[no-untyped-def]
    browser_passwords(alice)
    log_in(page, server, "alice")
    expect(page).to_have_title("Projects · Annotator")
    page.goto(f"{server}/projects/{project.slug}/annotate")
    expect(page).to_have_title(f"Annotate · {project.slug} · Annotator")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon == "/static/favicon.svg"
    with urllib.request.urlopen(server + icon) as response:
        assert response.headers["Content-Type"].startswith("image/svg+xml")
    assert not page.errors  # type: ignore[attr-defined]


def test_a_wrong_address_shows_the_apps_not_found_page_with_a_404(server, page, project, alice) -> None:  # type: ignore[no-untyped-def]
    browser_passwords(alice)
    log_in(page, server, "alice")
    response = page.goto(f"{server}/no/such/page")
    assert response.status == 404
    page.get_by_role("heading", name="Not found").wait_for()
    expect(page).to_have_title("Not found · Annotator")
    assert "URLconf" not in page.content()
    page.get_by_role("link", name="Your projects").click()
    page.wait_for_url("**/projects")


def test_a_wrong_api_address_answers_json_even_with_debug_on(server) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(server + "/api/no-such-endpoint/")
    assert answer.value.code == 404
    assert answer.value.headers["Content-Type"] == "application/json"
