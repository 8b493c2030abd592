"""The web UI's one HTML page. The Vue app (frontend/, built into frontend/dist/) routes on
the client, so every client route gets the same index.html; its scripts and styles are
static files WhiteNoise serves under STATIC_URL. The page sets the csrftoken cookie the
app sends back as X-CSRFToken with every write to the API (session auth)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

NOT_BUILT = (
    "<!doctype html><title>Annotator</title><h1>The web UI is not built</h1>"
    "<p>Run <code>make frontend</code> (or <code>scripts/frontend.sh</code>), then reload. "
    "The API is at <a href='/api/docs/'>/api/docs/</a>.</p>"
)


@cache
def _index_html(path: Path, mtime: float) -> str:
    # Keyed on the file's mtime, so a rebuild is picked up without restarting the server.
    return path.read_text(encoding="utf-8")


@require_safe
@ensure_csrf_cookie
def app(request: HttpRequest, client_path: str = "", status: int = 200) -> HttpResponse:
    """index.html for any client route; the app itself asks the API who is logged in."""
    index = Path(settings.FRONTEND_DIST) / "index.html"
    try:
        html = _index_html(index, index.stat().st_mtime)
    except FileNotFoundError:
        return HttpResponse(NOT_BUILT, status=503)
    response = HttpResponse(html, status=status)
    # The page is tiny and changes with every build; the hashed assets are cached forever.
    response["Cache-Control"] = "no-cache"
    return response


def not_found(request: HttpRequest, unknown_path: str = "") -> HttpResponse:
    """Any other path: the app's own "not found" page with a 404 status, never Django's
    debug page listing the URL patterns."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse("Not found", status=404, content_type="text/plain")
    return app(request, status=404)
