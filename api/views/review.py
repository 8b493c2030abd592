"""What reviewers see of a document: every annotator's annotation, and the adjudication view
(agreed spans, disagreements by kind, majority-vote pre-fill, current gold)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import Role
from annotator.services import adjudication
from api import access
from api.presenters import reviewed_annotation_data
from api.serializers.gold import AdjudicationSerializer, DocumentAnnotationsSerializer


class DocumentAnnotationsView(APIView):
    """Every annotator's annotation of the document (any status) with spans, status and
    version. Reviewers and owners; annotators get 403 (they see their own at
    `annotations/mine/`), outsiders 404."""

    @extend_schema(responses={200: DocumentAnnotationsSerializer}, tags=["review"])
    def get(self, request: Request, pk: int) -> Response:
        document, _ = access.document_for(request, pk, Role.REVIEWER)
        rows = [reviewed_annotation_data(a) for a in adjudication.document_annotations(document=document)]
        return Response(DocumentAnnotationsSerializer({"document": document.pk, "annotations": rows}).data)


class AdjudicationView(APIView):
    """The adjudication of a document: its submitted annotations, the spans every annotator
    agrees on, the disagreements sorted into boundary / label / only_one / not_everyone /
    attributes, a majority-vote pre-fill, the relations compared (agreed links, and
    disagreements grouped by count and type: missing, extra, other_target), and the current
    gold (or null)."""

    @extend_schema(responses={200: AdjudicationSerializer}, tags=["review"])
    def get(self, request: Request, pk: int) -> Response:
        document, _ = access.document_for(request, pk, Role.REVIEWER)
        return Response(AdjudicationSerializer(adjudication.adjudication_for(document=document)).data)
