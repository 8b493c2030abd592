"""The Django side of the web UI: one page for every client route, with the CSRF cookie the
app echoes on writes; the API, admin and static files keep their own URLs. No browser."""

from __future__ import annotations

import pytest
from django.test import Client

from annotator import views_spa


@pytest.fixture
def built(tmp_path, settings):  # type: ignore[no-untyped-def]
    page = '<!doctype html><div id="app"></div><script src="/static/assets/x.js"></script>'
    (tmp_path / "index.html").write_text(page)
    settings.FRONTEND_DIST = tmp_path
    return tmp_path


@pytest.mark.parametrize("path", ["/", "/login", "/projects", "/projects/aleppo/annotate/12", "/projects/a/review/3"])
def test_every_client_route_gets_the_app_page_and_a_csrf_cookie(built, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert b'<div id="app">' in response.content
    assert "csrftoken" in response.cookies
    assert response["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/api/nothing-here/", "/admin/nothing/", "/static/missing.js"])
def test_the_app_page_does_not_swallow_other_urls(built, path: str) -> None:
    response = Client().get(path)
    assert b'<div id="app">' not in response.content


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_path_is_the_apps_not_found_page_never_the_url_list(built, settings, debug: bool) -> None:
    settings.DEBUG = debug
    response = Client().get("/elsewhere/deeper")
    assert response.status_code == 404
    assert b'<div id="app">' in response.content
    assert b"URLconf" not in response.content


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_api_path_is_a_json_404(built, settings, debug: bool) -> None:
    settings.DEBUG = debug
    response = Client().get("/api/nothing-here/")
    assert response.status_code == 404
    assert response.json()["detail"] == "not found: no API endpoint at /api/nothing-here/"
    assert response.json()["error"]["code"] == "not_found"


def test_an_api_path_without_its_slash_says_where_the_endpoint_is(built) -> None:
    response = Client().post("/api/projects", {"slug": "x"})
    assert response.status_code == 404
    assert "the endpoint is /api/projects/ (with the slash)" in response.json()["detail"]


def test_the_admin_without_its_slash_still_redirects(built) -> None:
    response = Client().get("/admin")
    assert response.status_code == 301
    assert response["Location"] == "/admin/"


def test_the_favicon_is_served_where_browsers_look_for_it(built) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"


def test_without_a_build_the_page_says_how_to_build_it(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FRONTEND_DIST = tmp_path / "missing"
    response = Client().get("/projects")
    assert response.status_code == 503
    assert b"make frontend" in response.content


def test_the_app_page_only_answers_reads(built) -> None:  # type: ignore[no-untyped-def]
    assert Client().post("/projects").status_code == 405


def test_built_assets_are_served_under_static_url() -> None:
    """Vite writes /static/assets/... URLs (base "/static/"), which WhiteNoise serves from
    frontend/dist; checked on the real build when there is one."""
    index = views_spa.Path(views_spa.settings.FRONTEND_DIST) / "index.html"
    if not index.exists():
        pytest.skip("the web UI is not built here")
    html = index.read_text(encoding="utf-8")
    assert 'src="/static/assets/' in html
