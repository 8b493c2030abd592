from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from annotator import views_spa

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    # The web UI: its client-side routes (never /api/, /admin/, /static/ or /media/).
    path("", views_spa.app, name="app"),
    re_path(r"^(?P<client_path>(?:login|projects|join|account|people)(?:/.*)?)$", views_spa.app, name="app-route"),
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg", permanent=True)),
    re_path(r"^(?P<unknown_path>(?!(?:api|admin)(?:/|$)|static/|media/).+)$", views_spa.not_found, name="not-found"),
]
