"""/api/: each area keeps its routes in api/routes/<area>.py."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its setup script as a file, so the CSP needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("", include("api.routes.projects")),
    path("", include("api.routes.annotations")),
    path("", include("api.routes.jobs")),
    path("", include("api.routes.gold")),
    path("", include("api.routes.agreement")),
    path("", include("api.routes.models")),
    path("", include("api.routes.exports")),
]
