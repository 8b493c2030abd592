"""The annotation queue and the caller's own annotation of a document."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import Role
from annotator.services import assignment
from annotator.services.annotations import my_annotation, save_my_annotation
from api.access import caller, document_with_role, project_with_role
from api.presenters import annotation_data, next_data
from api.serializers.annotations import AnnotationSaveSerializer, AnnotationSerializer, NextSerializer


class NextView(APIView):
    """The caller's next document: their own draft first, else a newly assigned one (each
    document goes to annotators_per_document different annotators, never twice to one;
    documents with gold are not served; a skipped document is not offered to its skipper
    again, and its slot goes to someone else). With the current model's suggestions.
    Always 200: when nothing is left, `document` and `annotation` are null and
    `remaining` is 0. Any member may annotate."""

    @extend_schema(responses={200: NextSerializer}, tags=["annotation"])
    def get(self, request: Request, slug: str) -> Response:
        project, _ = project_with_role(request, slug, Role.ANNOTATOR)
        result = assignment.next_for(project=project, user=caller(request))
        # The hot path of annotation: the dict already has NextSerializer's shape (a test
        # holds them together), and skipping the output serializer saves a third of the CPU.
        return Response(next_data(result.annotation, result.remaining))


class MyAnnotationView(APIView):
    """Your annotation of a document: GET it, PUT the whole new state (spans, status,
    time spent, rejected suggestions) with the `version` it is based on. A stale version
    gets 409 with `current_version`; bad spans get 400 naming each one (`error.spans`:
    index, span, reason). Only the annotator the document was assigned to may use it."""

    @extend_schema(responses={200: AnnotationSerializer}, tags=["annotation"])
    def get(self, request: Request, pk: int) -> Response:
        document, _ = document_with_role(request, pk, Role.ANNOTATOR)
        annotation = my_annotation(document=document, user=caller(request))
        return Response(AnnotationSerializer(annotation_data(annotation)).data)

    @extend_schema(request=AnnotationSaveSerializer, responses={200: AnnotationSerializer}, tags=["annotation"])
    def put(self, request: Request, pk: int) -> Response:
        document, _ = document_with_role(request, pk, Role.ANNOTATOR)
        given = AnnotationSaveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        annotation = save_my_annotation(
            document=document,
            user=caller(request),
            spans=data["spans"],
            status=data.get("status"),
            expected_version=data["version"],
            time_spent=data.get("time_spent"),
            rejected_suggestions=data.get("rejected_suggestions"),
            relations=data.get("relations"),
            rejected_relation_suggestions=data.get("rejected_relation_suggestions"),
        )
        return Response(annotation_data(annotation))  # AnnotationSerializer's shape (see NextView)
