"""/api/schema/ and /api/docs/: drf-spectacular's views, imported by the first request to
either. At the top of the URL conf they cost every web process about 0.25 s of start-up
(they load DRF's and Django's test clients, Jinja2 among them) for pages few requests ask for."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

View = Callable[..., HttpResponseBase]


@cache
def _views() -> tuple[View, View]:
    from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

    # The split view serves its setup script as a file, so the CSP needs no inline script.
    return SpectacularAPIView.as_view(), SpectacularSwaggerSplitView.as_view(url_name="schema")


@csrf_exempt  # as the views it hands to (an APIView is exempt): a POST here is a 405, not a CSRF page
def schema(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    return _views()[0](request, *args, **kwargs)


@csrf_exempt
def docs(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    return _views()[1](request, *args, **kwargs)
