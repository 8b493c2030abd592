"""The tagger's endpoints: model versions with their metrics and help, training, prediction.
The web process only queues training and asks for predictions; workers train and predict
(web processes never load scikit-learn)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import ModelVersion, Role
from annotator.services.model_help import model_help
from annotator.services.suggestions import predict_text
from annotator.services.training import start_training
from api import access
from api.presenters import job_data, model_version_data
from api.serializers.jobs import JobSerializer
from api.serializers.models import (
    ModelHelpSerializer,
    ModelVersionSerializer,
    PredictInputSerializer,
    PredictOutputSerializer,
    TrainInputSerializer,
)


class ModelListView(APIView):
    """Every model version of the project, newest first, with metrics and help."""

    @extend_schema(responses={200: ModelVersionSerializer(many=True)}, tags=["models"])
    def get(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.ANNOTATOR)
        versions = ModelVersion.objects.filter(project=project).defer("artifact").order_by("-version")
        return Response(ModelVersionSerializer([model_version_data(v) for v in versions], many=True).data)


class ModelHelpView(APIView):
    """How much one model version's suggestions helped the annotators."""

    @extend_schema(responses={200: ModelHelpSerializer}, tags=["models"])
    def get(self, request: Request, slug: str, version: int) -> Response:
        project, _ = access.project_for(request, slug, Role.ANNOTATOR)
        found = ModelVersion.objects.filter(project=project, version=version).defer("artifact").first()
        if found is None:
            raise Http404("no such model version")
        return Response(ModelHelpSerializer(model_help(version=found)).data)


class TrainView(APIView):
    """Queue a training of the project's tagger (owners and reviewers); a request while one
    waits joins it. Answers 202 with the training Job to poll at jobs/{id}/."""

    @extend_schema(request=TrainInputSerializer, responses={202: JobSerializer}, tags=["models"])
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.REVIEWER)
        TrainInputSerializer(data=request.data).is_valid(raise_exception=True)
        job = start_training(project=project, user=access.caller(request), reason="requested")
        job.refresh_from_db()
        return Response(JobSerializer(job_data(job, request)).data, status=status.HTTP_202_ACCEPTED)


class PredictionPending(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "prediction_pending"


class PredictView(APIView):
    """Label a text with the project's current model: spans with scores (409 without a model).
    A worker computes them; 503 if none answered within PREDICT_WAIT_SECONDS."""

    @extend_schema(request=PredictInputSerializer, responses={200: PredictOutputSerializer}, tags=["models"])
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.ANNOTATOR)
        given = PredictInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        body = predict_text(project=project, text=given.validated_data["text"])
        if body is None:
            raise PredictionPending(
                f"no worker answered within {settings.PREDICT_WAIT_SECONDS:g} s (busy or not running); try again"
            )
        return Response(PredictOutputSerializer(body).data)
