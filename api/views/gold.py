"""A document's gold: GET it, PUT the adjudicated spans. Reviewers and owners."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import Document, Role
from annotator.services import adjudication
from api import access
from api.presenters import empty_gold_data
from api.serializers.gold import GoldSaveSerializer, GoldSerializer


def _gold_or_empty(document: Document) -> dict[str, Any]:
    data = adjudication.gold_data(adjudication.current_gold(document=document))
    if data is not None:
        return data
    return empty_gold_data(document)


class GoldView(APIView):
    """The document's gold with its provenance (adjudicator, when, source annotations and
    the version of each it was made from); `stale` is true, and `stale_sources` names them,
    when a source annotation was edited after the adjudication.
    With no gold yet, `version` is 0 and `spans` empty. PUT replaces the gold: the spans, the
    annotations it was adjudicated from and the `version` you started from; a stale version
    gets 409 with `current_version`, bad spans 400 naming each (`error.spans`). A save may
    start a retraining of the project's tagger."""

    @extend_schema(responses={200: GoldSerializer}, tags=["review"])
    def get(self, request: Request, pk: int) -> Response:
        document, _ = access.document_for(request, pk, Role.REVIEWER)
        return Response(GoldSerializer(_gold_or_empty(document)).data)

    @extend_schema(
        request=GoldSaveSerializer,
        responses={
            200: GoldSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Bad spans or fields."),
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="Stale version."),
        },
        tags=["review"],
    )
    def put(self, request: Request, pk: int) -> Response:
        document, _ = access.document_for(request, pk, Role.REVIEWER)
        body = GoldSaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        adjudication.save_gold(
            document=document,
            user=access.caller(request),
            spans=body.validated_data["spans"],
            source_annotation_ids=body.validated_data["source_annotation_ids"],
            expected_version=body.validated_data["version"],
            source_versions=body.validated_data["source_versions"],
            relations=body.validated_data.get("relations"),
        )
        return Response(GoldSerializer(_gold_or_empty(document)).data)
