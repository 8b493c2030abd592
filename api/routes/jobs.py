"""URL routes of this API area (its views live in api/views/)."""

from django.urls import path

from api.views import jobs

urlpatterns: list = [
    path("jobs/<int:pk>/", jobs.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<int:pk>/download/", jobs.JobDownloadView.as_view(), name="job-download"),
]
