"""Comment threads on a document: read, start, answer, resolve and reopen."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import Role
from annotator.services import comments
from api import access, presenters
from api.serializers.comments import (
    CommentCreateSerializer,
    CommentListSerializer,
    CommentResolveSerializer,
    ThreadSerializer,
)


class CommentListView(APIView):
    """The document's discussion. Reviewers and owners see every thread; an annotator sees the
    threads that are theirs (started by them or addressed to them) and nothing of other
    annotators'. POST starts a thread (optionally pinned to a stretch of the text) or, with
    `reply_to`, answers one; it returns the thread. Anyone who may read the document may
    comment; outsiders and annotators not assigned the document get 404."""

    @extend_schema(responses={200: CommentListSerializer}, tags=["comments"])
    def get(self, request: Request, pk: int) -> Response:
        document, role = access.readable_document(request, pk)
        threads = comments.threads_for(document=document, user=access.caller(request), sees_all=access.sees_all(role))
        data = {
            "document": document.pk,
            "unresolved": sum(1 for t in threads if t.resolved_at is None),
            "threads": [presenters.thread_data(t) for t in threads],
        }
        return Response(CommentListSerializer(data).data)

    @extend_schema(request=CommentCreateSerializer, responses={201: ThreadSerializer}, tags=["comments"])
    def post(self, request: Request, pk: int) -> Response:
        document, role = access.readable_document(request, pk)
        given = CommentCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        user = access.caller(request)
        if not access.sees_all(role) and data.get("annotator") not in (None, user.username):
            raise PermissionDenied("annotators' threads are their own: only reviewers and owners address one")
        thread = comments.add_comment(
            document=document,
            user=user,
            sees_all=access.sees_all(role),
            body=data["body"],
            start=data.get("start"),
            end=data.get("end"),
            reply_to=data.get("reply_to"),
            annotator=data.get("annotator"),
        )
        shown = comments.thread_of(document=document, comment_id=thread.pk, user=user, sees_all=True)
        return Response(ThreadSerializer(presenters.thread_data(shown)).data, status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    """Resolve a thread (`{"resolved": true}`) or reopen it (`false`): reviewers and owners.
    An annotator gets 403 on their own thread and 404 on any other."""

    @extend_schema(request=CommentResolveSerializer, responses={200: ThreadSerializer}, tags=["comments"])
    def patch(self, request: Request, pk: int, comment_id: int) -> Response:
        document, role = access.readable_document(request, pk)
        user = access.caller(request)
        thread = comments.thread_of(document=document, comment_id=comment_id, user=user, sees_all=access.sees_all(role))
        access.require_role(request, document.project, Role.REVIEWER)
        given = CommentResolveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        comments.set_resolved(thread=thread, user=user, resolved=given.validated_data["resolved"])
        shown = comments.thread_of(document=document, comment_id=thread.pk, user=user, sees_all=True)
        return Response(ThreadSerializer(presenters.thread_data(shown)).data)
