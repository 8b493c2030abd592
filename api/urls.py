"""/api/: each area keeps its routes in api/routes/<area>.py."""

from django.http import HttpRequest, JsonResponse
from django.urls import Resolver404, include, path, re_path, resolve
from django.views.decorators.csrf import csrf_exempt

from api.views import schema_docs


@csrf_exempt  # like the API's own views: a DELETE to a wrong path is a 404, not a CSRF page
def unknown_api_path(request: HttpRequest) -> JsonResponse:
    detail = f"not found: no API endpoint at {request.path}"
    if not request.path.endswith("/"):
        # Said rather than redirected: a redirect would drop a POST's body.
        try:
            slashed = resolve(request.path + "/").url_name != "api-not-found"
        except Resolver404:
            slashed = False
        if slashed:
            detail += f"; the endpoint is {request.path}/ (with the slash)"
    return JsonResponse({"detail": detail, "error": {"code": "not_found", "message": detail}}, status=404)


urlpatterns = [
    # drf-spectacular's views, loaded by the first request to them (api/views/schema_docs.py).
    path("schema/", schema_docs.schema, name="schema"),
    path("docs/", schema_docs.docs, name="docs"),
    path("", include("api.routes.projects")),
    path("", include("api.routes.accounts")),
    path("", include("api.routes.annotations")),
    path("", include("api.routes.jobs")),
    path("", include("api.routes.gold")),
    path("", include("api.routes.agreement")),
    path("", include("api.routes.models")),
    path("", include("api.routes.exports")),
    path("", include("api.routes.comments")),
    # Last: an unknown path under /api/ is the API's JSON 404, in DEBUG too (where Django
    # would otherwise answer with its HTML page listing every URL pattern).
    re_path(r"^[\s\S]*$", unknown_api_path, name="api-not-found"),
]
