"""URL routes of this API area (its views live in api/views/)."""

from django.urls import path

from api.views import exports

urlpatterns: list = [
    path("projects/<slug:slug>/export/", exports.ExportView.as_view(), name="export"),
]
