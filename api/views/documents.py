"""A project's documents: the list (filters, search, pages), one document, adding one."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from annotator.models import Project, Role
from annotator.selectors import annotation_states
from annotator.services import bulk_documents, deletion, uploads
from annotator.services.comments import unresolved_counts
from annotator.services.document_browser import browse_list, keyset_token
from annotator.services.document_queries import count_up_to, document_count, with_status
from api import access, presenters
from api.serializers.deletion import DeletedSerializer
from api.serializers.documents import (
    DocumentBulkResultSerializer,
    DocumentBulkSerializer,
    DocumentCreateSerializer,
    DocumentListItemSerializer,
    DocumentListQuerySerializer,
    DocumentPageSerializer,
    DocumentSerializer,
    DocumentWithSuggestionsSerializer,
)

PAGE_SIZE = 50
# The filters document_count knows; the browser's others are counted on the list's own query.
_LIST_FILTERS = frozenset({"status", "assignee", "label", "q"})


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
    size). The document browser's filters (per-annotator status, gold, disagreement,
    comments, uncertainty, dates), orders (`ordering`) and the deleted documents (`deleted`,
    owners) too. Annotators see only documents assigned to them. POST (owner) adds one
    document."""

    @extend_schema(
        parameters=[DocumentListQuerySerializer],
        responses={200: DocumentPageSerializer},
        tags=["documents"],
    )
    def get(self, request: Request, slug: str) -> Response:
        project, role = access.project_for(request, slug, Role.ANNOTATOR)
        query = DocumentListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = {
            k: v for k, v in query.validated_data.items() if k not in ("page", "page_size", "cursor") and v is not None
        }
        # The document browser's orders and restore list (annotator.services.document_browser).
        ordering, deleted = filters.pop("ordering", "id"), filters.pop("deleted", False)
        token = query.validated_data.get("cursor")
        if token is not None and ordering in ("id", "-id") and not token.isdigit():
            raise ValidationError({"cursor": [f"{token!r}: in id order a cursor is a document id, or 0"]})
        if token is not None and "page" in query.validated_data:
            raise ValidationError({"page": ["give either page or cursor, not both"]})
        access.check_assignee_filter(request, role, filters.get("assignee"))
        access.check_assignee_filter(request, role, filters.get("annotator"))
        if deleted:
            access.require_role(request, project, Role.OWNER)
        all_visible = access.sees_all(role)
        user = access.caller(request)
        documents = browse_list(
            project=project,
            user=user,
            sees_all=all_visible,
            filters=filters,
            ordering=ordering,
            keyset=token,
            deleted=deleted,
        )
        # Ids first, then the page's rows with their status: the status subqueries run for the
        # shown documents only, never for the ones a filter passes over.
        ids = documents.values_list("pk", flat=True)
        size = query.validated_data.get("page_size", PAGE_SIZE)
        if token is None:
            counter: Callable[[], tuple[int, bool]]
            if set(filters) <= _LIST_FILTERS and ordering == "id" and not deleted:
                # The list's own filters: counted by document_count (from the search index on PostgreSQL).
                counter = functools.partial(
                    document_count,
                    project=project,
                    user=user,
                    sees_all=all_visible,
                    limit=settings.DOCUMENT_COUNT_LIMIT,
                    **filters,
                )
            else:
                counter = functools.partial(count_up_to, ids, limit=settings.DOCUMENT_COUNT_LIMIT)
            page_ids, links = numbered_page(
                ids, request, size=size, number=query.validated_data.get("page", 1), counter=counter
            )
        else:
            page_ids = list(ids[: size + 1])
            more, page_ids = len(page_ids) > size, page_ids[:size]
        shown = with_status(project=project, ids=page_ids, deleted=deleted)
        if token is not None:
            last = keyset_token(ordering, shown[-1]) if shown else None
            after = replace_query_param(request.build_absolute_uri(), "cursor", last) if more and last else None
            links = {"count": None, "count_capped": False, "next": after, "previous": None}
        states = annotation_states(document_ids=page_ids)
        unresolved = unresolved_counts(document_ids=page_ids, user=user, sees_all=all_visible)
        items = DocumentListItemSerializer(
            presenters.document_list_items(shown, states, user=user, all_visible=all_visible, unresolved=unresolved),
            many=True,
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


class DocumentBulkView(APIView):
    """A bulk action (owner) on the selected documents or on every document matching the
    list's filters: delete, restore, or return to the queue. All or nothing, in one
    transaction; the answer says how many documents it changed."""

    @extend_schema(request=DocumentBulkSerializer, responses={200: DocumentBulkResultSerializer}, tags=["documents"])
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.OWNER)
        given = DocumentBulkSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        action = given.validated_data["action"]
        with transaction.atomic():  # the matching ids are read in the write's transaction
            ids = given.validated_data.get("ids")
            if ids is None:
                ids = self._matching(request, project, given.validated_data["filters"], deleted=action == "restore")
            result = bulk_documents.bulk_documents(project=project, action=action, ids=ids)
        return Response(DocumentBulkResultSerializer(result).data)

    def _matching(self, request: Request, project: Project, given: dict[str, Any], *, deleted: bool) -> list[int]:
        """The ids of the project's documents matching the list filters `given` (as query
        parameters: a 400 names a bad one under `filters`)."""
        query = DocumentListQuerySerializer(
            data={k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in given.items()}
        )
        if not query.is_valid():
            raise ValidationError({"filters": query.errors})
        filters = {
            k: v
            for k, v in query.validated_data.items()
            if k not in ("page", "page_size", "cursor", "ordering", "deleted") and v is not None
        }
        user = access.caller(request)
        documents = browse_list(project=project, user=user, sees_all=True, filters=filters, deleted=deleted)
        return list(documents.order_by().values_list("pk", flat=True))
