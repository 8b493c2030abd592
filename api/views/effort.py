"""The effort curve of the Models page: manual actions per document as the project grows."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import Role
from annotator.selectors.effort import effort_curve_for
from api import access
from api.serializers.effort import EffortCurveSerializer


class EffortCurveView(APIView):
    """Manual actions (spans added, suggestions edited or rejected) per submitted document,
    in submission order, against the spans the same documents would take by hand; reviewers
    and owners (it reads every annotator's work)."""

    @extend_schema(responses={200: EffortCurveSerializer}, tags=["models"])
    def get(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.REVIEWER)
        return Response(EffortCurveSerializer(effort_curve_for(project=project)).data)
