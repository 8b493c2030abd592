"""A project's documents: the list (filters, search, pages), one document, adding one."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import Annotation, Document, Role
from annotator.selectors import role_for
from annotator.services import uploads
from annotator.services.document_queries import document_list
from annotator.services.suggestions import current_suggestions_for, suggestions_stale
from api.permissions import require_role
from api.serializers.documents import (
    DocumentCreateSerializer,
    DocumentListItemSerializer,
    DocumentListQuerySerializer,
    DocumentPageSerializer,
    DocumentSerializer,
    DocumentWithSuggestionsSerializer,
)
from api.views import deletion as deletion_views
from api.views.projects import document_or_404, project_or_404, sees_all


class DocumentPages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def document_data(document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "external_id": document.external_id,
        "project": document.project.slug,
        "text": document.text,
        "meta": document.meta,
        "created_at": document.created_at,
    }


def suggestions_data(document: Document) -> dict[str, Any]:
    """The current model's version and suggestions for the document, as the API shows them."""
    model, suggestions = current_suggestions_for(document=document)
    return {
        "model_version": {"id": model.pk, "version": model.version} if model else None,
        "suggestions_stale": suggestions_stale(project=document.project),
        "suggestions": [
            {"id": s.pk, "start": s.start, "end": s.end, "label": s.label, "attrs": s.attrs or {}, "score": s.score}
            for s in suggestions
        ],
    }


def _list_items(documents: list[Document], *, user: Any, all_visible: bool) -> list[dict[str, Any]]:
    ids = [d.pk for d in documents]
    held: dict[int, list[dict[str, str]]] = {pk: [] for pk in ids}
    mine: dict[int, str] = {}
    for doc_id, username, user_id, state in Annotation.objects.filter(document_id__in=ids).values_list(
        "document_id", "annotator__username", "annotator_id", "status"
    ):
        held[doc_id].append({"username": username, "status": state})
        if user_id == user.pk:
            mine[doc_id] = state
    return [
        {
            "id": d.pk,
            "external_id": d.external_id,
            "status": d.status,
            "my_status": mine.get(d.pk),
            "assignees": sorted(held[d.pk], key=lambda a: a["username"]) if all_visible else None,
            "preview": d.text[:200],
            "length": len(d.text),
            "created_at": d.created_at,
        }
        for d in documents
    ]


class DocumentListView(APIView):
    """The project's documents, 50 a page (`page`, `page_size`), filtered by status,
    assignee and label and searched with `q`. Annotators see only documents assigned to
    them. POST (owner) adds one document."""

    @extend_schema(
        parameters=[DocumentListQuerySerializer],
        responses={200: DocumentPageSerializer},
        tags=["documents"],
    )
    def get(self, request: Request, slug: str) -> Response:
        project = project_or_404(slug)
        role = require_role(request, project, Role.ANNOTATOR)
        query = DocumentListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = {k: v for k, v in query.validated_data.items() if k not in ("page", "page_size")}
        all_visible = sees_all(role)
        if not all_visible and filters.get("assignee") not in (None, request.user.username):
            raise PermissionDenied("annotators may filter by assignee only for themselves")
        documents = document_list(project=project, user=request.user, sees_all=all_visible, **filters)
        pages = DocumentPages()
        page = pages.paginate_queryset(documents, request, view=self)
        items = _list_items(list(page or []), user=request.user, all_visible=all_visible)
        return pages.get_paginated_response(DocumentListItemSerializer(items, many=True).data)

    @extend_schema(request=DocumentCreateSerializer, responses={201: DocumentSerializer}, tags=["documents"])
    def post(self, request: Request, slug: str) -> Response:
        project = project_or_404(slug)
        require_role(request, project, Role.OWNER)
        given = DocumentCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        document = uploads.create_document(
            project=project, text=data["text"], external_id=data.get("id"), meta=data.get("meta")
        )
        return Response(DocumentSerializer(document_data(document)).data, status=status.HTTP_201_CREATED)


class DocumentDetailView(APIView):
    """One document: its text, meta, and the current model's suggestions. Annotators may
    read only documents assigned to them; others get 404."""

    @extend_schema(responses={200: DocumentWithSuggestionsSerializer}, tags=["documents"])
    def get(self, request: Request, pk: int) -> Response:
        document = document_or_404(pk)
        role = role_for(project=document.project, user=request.user)
        assigned = Annotation.objects.filter(document=document, annotator_id=request.user.pk).exists()
        if role is None or (not sees_all(role) and not assigned):
            raise Http404("no such document")  # to an outsider, the document does not exist
        data = {**document_data(document), **suggestions_data(document)}
        return Response(DocumentWithSuggestionsSerializer(data).data)

    @extend_schema(responses={200: deletion_views.DeletedSerializer}, tags=["documents"])
    def delete(self, request: Request, pk: int) -> Response:
        """Delete the document (owner): gone from view at once, restorable within the undo window."""
        return deletion_views.delete_document_response(request, document_or_404(pk))
