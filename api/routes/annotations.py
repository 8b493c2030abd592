"""URL routes of this API area (its views live in api/views/): the queue and one's own annotation."""

from django.urls import path

from api.views import annotations

urlpatterns: list = [
    path("projects/<slug:slug>/next/", annotations.NextView.as_view(), name="next"),
    path("documents/<int:pk>/annotations/mine/", annotations.MyAnnotationView.as_view(), name="annotation-mine"),
]
