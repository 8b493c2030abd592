"""A project's documents: the list (filters, search, pages), one document, adding one."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from annotator.models import Role
from annotator.selectors import annotation_states
from annotator.services import deletion, uploads
from annotator.services.document_queries import document_count, document_list, with_status
from api import access, presenters
from api.serializers.deletion import DeletedSerializer
from api.serializers.documents import (
    DocumentCreateSerializer,
    DocumentListItemSerializer,
    DocumentListQuerySerializer,
    DocumentPageSerializer,
    DocumentSerializer,
    DocumentWithSuggestionsSerializer,
)

PAGE_SIZE = 50


def numbered_page(
    ids: QuerySet[Any], request: Request, *, size: int, number: int, counter: Callable[[], tuple[int, bool]]
) -> tuple[list[int], dict[str, Any]]:
    """Page `number` of `ids` and its links and count. The page is read as `size + 1` rows
    at its offset (the extra row says whether a next page exists), so it never needs the
    total; `counter()` counts up to DOCUMENT_COUNT_LIMIT (`count_capped` then says there are
    more), and is not called when the page itself shows the total (the last page) or that it
    is past the limit. A deep page still skips its offset's rows: walking a large list is
    `cursor`'s job."""
    offset = (number - 1) * size
    rows = list(ids[offset : offset + size + 1])
    more, page_ids = len(rows) > size, rows[:size]
    if number > 1 and not page_ids:
        raise NotFound("Invalid page.")
    limit, seen = settings.DOCUMENT_COUNT_LIMIT, offset + len(page_ids)
    if not more:
        count, capped = seen, False  # the last page: the total is in hand
    elif seen >= limit:
        count, capped = limit, True  # more after this page, which already reaches the limit
    else:
        count, capped = counter()
    url = request.build_absolute_uri()
    previous = None
    if number > 1:
        previous = replace_query_param(url, "page", number - 1) if number > 2 else remove_query_param(url, "page")
    return page_ids, {
        "count": count,
        "count_capped": capped,
        "next": replace_query_param(url, "page", number + 1) if more else None,
        "previous": previous,
    }


class DocumentListView(APIView):
    """The project's documents, 50 a page, filtered by status, assignee and label and
    searched with `q`: numbered pages (`page`, `page_size`, with a count that stops at
    DOCUMENT_COUNT_LIMIT) or keyset pages (`cursor`, which read only the page at any project
    size). Annotators see only documents assigned to them. POST (owner) adds one document."""

    @extend_schema(
        parameters=[DocumentListQuerySerializer],
        responses={200: DocumentPageSerializer},
        tags=["documents"],
    )
    def get(self, request: Request, slug: str) -> Response:
        project, role = access.project_for(request, slug, Role.ANNOTATOR)
        query = DocumentListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = {k: v for k, v in query.validated_data.items() if k not in ("page", "page_size", "cursor")}
        cursor = query.validated_data.get("cursor")
        if cursor is not None and "page" in query.validated_data:
            raise ValidationError({"page": ["give either page or cursor, not both"]})
        access.check_assignee_filter(request, role, filters.get("assignee"))
        all_visible = access.sees_all(role)
        user = access.caller(request)
        documents = document_list(project=project, user=user, sees_all=all_visible, after=cursor, **filters)
        # Ids first, then the page's rows with their status: the status subqueries run for the
        # shown documents only, never for the ones a filter passes over.
        ids = documents.values_list("pk", flat=True)
        size = query.validated_data.get("page_size", PAGE_SIZE)
        if cursor is None:
            count = functools.partial(
                document_count,
                project=project,
                user=user,
                sees_all=all_visible,
                limit=settings.DOCUMENT_COUNT_LIMIT,
                **filters,
            )
            page_ids, links = numbered_page(
                ids, request, size=size, number=query.validated_data.get("page", 1), counter=count
            )
        else:
            page_ids = list(ids[: size + 1])
            more, page_ids = len(page_ids) > size, page_ids[:size]
            after = replace_query_param(request.build_absolute_uri(), "cursor", page_ids[-1]) if more else None
            links = {"count": None, "count_capped": False, "next": after, "previous": None}
        shown = with_status(project=project, ids=page_ids)
        states = annotation_states(document_ids=page_ids)
        items = DocumentListItemSerializer(
            presenters.document_list_items(shown, states, user=user, all_visible=all_visible), many=True
        ).data
        return Response({**links, "results": items})

    @extend_schema(request=DocumentCreateSerializer, responses={201: DocumentSerializer}, tags=["documents"])
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.OWNER)
        given = DocumentCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        document = uploads.create_document(
            project=project, text=data["text"], external_id=data.get("id"), meta=data.get("meta")
        )
        return Response(DocumentSerializer(presenters.document_data(document)).data, status=status.HTTP_201_CREATED)


class DocumentDetailView(APIView):
    """One document: its text, meta, and the current model's suggestions. Annotators may
    read only documents assigned to them; others get 404."""

    @extend_schema(responses={200: DocumentWithSuggestionsSerializer}, tags=["documents"])
    def get(self, request: Request, pk: int) -> Response:
        document, _ = access.readable_document(request, pk)
        data = {**presenters.document_data(document), **presenters.suggestions_data(document)}
        return Response(DocumentWithSuggestionsSerializer(data).data)

    @extend_schema(responses={200: DeletedSerializer}, tags=["documents"])
    def delete(self, request: Request, pk: int) -> Response:
        """Delete the document (owner): gone from view at once, restorable within the undo window."""
        document, _ = access.document_for(request, pk, Role.OWNER)
        until = deletion.delete_document(document=document)
        return Response(DeletedSerializer(presenters.deleted_data(document.external_id, until)).data)
