"""Every error under /api/ in the API's one JSON shape, whoever answered it.

DRF's views already answer errors in JSON (`api.exceptions`); this catches the rest: a
URL no route matches (Django's 404 page), a crash (the 500 page, or the debug page with
DEBUG on), a body Django refused before a view ran, a browser that asked DRF for HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse

from api.exceptions import error_data

_MESSAGES = {
    404: "not found: no such API endpoint or object (see /api/docs/)",
    500: "internal error: the server could not answer this request; the error was logged",
}
_KEEP_HEADERS = ("Retry-After", "Allow", "WWW-Authenticate")


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not request.path.startswith("/api/"):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        data = getattr(response, "data", None)  # a DRF response rendered for a browser
        if not (isinstance(data, dict) and "error" in data):
            data = error_data({"code": _code(response.status_code), "message": _message(response.status_code)})
        replaced = JsonResponse(data, status=response.status_code)
        for header in _KEEP_HEADERS:
            if header in response:
                replaced[header] = response[header]
        return replaced


def _code(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def _message(status: int) -> str:
    if status in _MESSAGES:
        return _MESSAGES[status]
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return f"error {status}"
