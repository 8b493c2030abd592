"""URL routes of this API area (its views live in api/views/): review and gold."""

from django.urls import path

from api.views import gold, review

urlpatterns: list = [
    path("documents/<int:pk>/annotations/", review.DocumentAnnotationsView.as_view(), name="document-annotations"),
    path("documents/<int:pk>/adjudication/", review.AdjudicationView.as_view(), name="adjudication"),
    path("documents/<int:pk>/gold/", gold.GoldView.as_view(), name="gold"),
]
