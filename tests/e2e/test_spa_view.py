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


@pytest.mark.parametrize("path", ["/api/nothing-here/", "/admin/nothing/", "/static/missing.js", "/elsewhere"])
def test_the_app_page_does_not_swallow_other_urls(built, path: str) -> None:
    response = Client().get(path)
    assert b'<div id="app">' not in response.content


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
