"""URL routes of this API area (its views live in api/views/): the agreement report."""

from django.urls import path

from api.views import agreement

urlpatterns: list = [
    path("projects/<slug:slug>/agreement/", agreement.AgreementView.as_view(), name="agreement"),
    path(
        "projects/<slug:slug>/agreement/documents/",
        agreement.AgreementDocumentsView.as_view(),
        name="agreement-documents",
    ),
    path(
        "projects/<slug:slug>/agreement/documents/<int:pk>/",
        agreement.AgreementDocumentView.as_view(),
        name="agreement-document",
    ),
]
