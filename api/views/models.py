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

from annotator.jobs.liveness import fail_if_stale
from annotator.models import Job, ModelVersion, Promotion, Role
from annotator.services import promotion
from annotator.services.control import check_not_control_text
from annotator.services.model_help import help_report
from annotator.services.suggestions import predict_text
from annotator.services.training import start_training
from api import access
from api.presenters import job_data, model_version_data, promotion_data
from api.serializers.jobs import JobSerializer
from api.serializers.models import (
    ModelHelpReportSerializer,
    ModelVersionSerializer,
    PredictInputSerializer,
    PredictOutputSerializer,
    PromoteInputSerializer,
    PromotionResultSerializer,
    TrainingStateSerializer,
    TrainInputSerializer,
)


class ModelListView(APIView):
    """Every model version of the project, newest first, with metrics, help, the automatic
    promotion's decision (the figures it rests on and the rule in words) and each time it
    was made current (automatically, or by an owner's promote or roll back)."""

    @extend_schema(responses={200: ModelVersionSerializer(many=True)}, tags=["models"])
    def get(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.ANNOTATOR)
        versions = ModelVersion.objects.filter(project=project).defer("artifact").order_by("-version")
        changes = promotion.promotions_by_version(project=project)
        data = [model_version_data(v, changes.get(v.pk, [])) for v in versions]
        return Response(ModelVersionSerializer(data, many=True).data)


def _promotion_response(record: Promotion) -> Response:
    changes = promotion.promotions_by_version(project=record.project)
    recorded = next(p for p in changes[record.to_version_id] if p.pk == record.pk)
    job = getattr(record, "refresh_job", None)
    body = {"promotion": promotion_data(recorded), "refresh_job": job.pk if job else None}
    return Response(PromotionResultSerializer(body).data)


class PromoteView(APIView):
    """Make a model version the current one (owners): over the automatic rule, or back to an
    older version (recorded as a rollback). Recorded with who and when; the new current
    version's suggestions are refreshed as after an automatic promotion. 409 for the current
    version or one without a stored model (training, failed)."""

    @extend_schema(request=PromoteInputSerializer, responses={200: PromotionResultSerializer}, tags=["models"])
    def post(self, request: Request, slug: str, version: int) -> Response:
        project, _ = access.project_for(request, slug, Role.OWNER)
        PromoteInputSerializer(data=request.data).is_valid(raise_exception=True)
        return _promotion_response(promotion.promote(project=project, version=version, user=access.caller(request)))


class RollbackView(APIView):
    """Go back to the model version that was current before the current one (owners);
    recorded and refreshed as a promote is. 409 when there is no earlier version."""

    @extend_schema(request=PromoteInputSerializer, responses={200: PromotionResultSerializer}, tags=["models"])
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.OWNER)
        PromoteInputSerializer(data=request.data).is_valid(raise_exception=True)
        return _promotion_response(promotion.roll_back(project=project, user=access.caller(request)))


class TrainingStateView(APIView):
    """The project's newest training job, to follow a training's progress live (reviewers
    and owners, who read the project's jobs); `job` is null before the first training."""

    @extend_schema(responses={200: TrainingStateSerializer}, tags=["models"])
    def get(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.REVIEWER)
        job = Job.objects.filter(project=project, kind=Job.Kind.TRAINING).order_by("-pk").first()
        if job is not None:
            fail_if_stale(job)  # a training whose worker was killed says so
        return Response(TrainingStateSerializer({"job": job_data(job, request) if job else None}).data)


class ModelHelpView(APIView):
    """How much one model version's suggestions helped the annotators, and the project's
    documents served with and without suggestions compared (`suggestions_comparison`)."""

    @extend_schema(responses={200: ModelHelpReportSerializer}, tags=["models"])
    def get(self, request: Request, slug: str, version: int) -> Response:
        project, _ = access.project_for(request, slug, Role.ANNOTATOR)
        found = ModelVersion.objects.filter(project=project, version=version).defer("artifact").first()
        if found is None:
            raise Http404("no such model version")
        return Response(ModelHelpReportSerializer(help_report(version=found)).data)


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
    """Label a text with the project's current model: spans with scores (409 without a model,
    and for the text of a control document, which everyone annotates without suggestions).
    A worker computes them; 503 if none answered within PREDICT_WAIT_SECONDS."""

    @extend_schema(request=PredictInputSerializer, responses={200: PredictOutputSerializer}, tags=["models"])
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.ANNOTATOR)
        given = PredictInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        check_not_control_text(project=project, text=given.validated_data["text"])
        body = predict_text(project=project, text=given.validated_data["text"])
        if body is None:
            raise PredictionPending(
                f"no worker answered within {settings.PREDICT_WAIT_SECONDS:g} s (busy or not running); try again"
            )
        return Response(PredictOutputSerializer(body).data)
