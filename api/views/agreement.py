"""The agreement report of a project, its per-document table (JSON or CSV) and drill-down.
Reviewers and owners; annotators get 403, outsiders 404."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import Role
from annotator.services import agreement
from api import access
from api.negotiation import AnyAccept
from api.presenters import job_data
from api.serializers.agreement import (
    AgreementPendingSerializer,
    AgreementQuerySerializer,
    AgreementReportSerializer,
    DocumentDetailSerializer,
    DocumentRowSerializer,
    DocumentsTableQuerySerializer,
)


class AgreementView(APIView):
    """The contract's agreement report (pairwise span F1, Cohen's and Fleiss' kappa,
    Krippendorff's alpha and alpha_u, each with items and a bootstrap 95% interval over
    documents), plus casualty-count attribute agreement (`attributes`) and each annotator's
    and the current model's span F1 against the gold (`vs_gold`). Same figures as
    `manage.py agreement --json`.

    The report is computed by a worker and stored until an annotation, a gold, the label set
    or the current model of the project changes. 200 with the report while it is fresh;
    otherwise 202 with the agreement job now computing it (poll `jobs/{id}/`, then ask
    again) and the last report computed, flagged stale (null before the first)."""

    @extend_schema(
        parameters=[AgreementQuerySerializer],
        responses={200: AgreementReportSerializer, 202: AgreementPendingSerializer},
        tags=["agreement"],
    )
    def get(self, request: Request, slug: str) -> Response:
        project, _ = access.project_for(request, slug, Role.REVIEWER)
        query = AgreementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        state = agreement.request_report(project=project, user=user, **query.validated_data)
        if state.fresh:
            return Response(AgreementReportSerializer(state.report).data)
        assert state.job is not None  # a stale report always comes with the job computing the fresh one
        pending = {
            "stale": True,
            "report": state.report,
            "computed_at": state.computed_at,
            "job": job_data(state.job, request),
        }
        return Response(AgreementPendingSerializer(pending).data, status=202)


class AgreementDocumentsView(APIView):
    """The per-document table: one row per document with a submitted annotation (who
    submitted, span counts, the document's own F1, kappa, alpha, alpha_u, disagreements by
    kind). `?format=csv` downloads it as CSV."""

    content_negotiation_class = AnyAccept

    @extend_schema(
        operation_id="projects_agreement_documents_list",
        parameters=[DocumentsTableQuerySerializer],
        responses={
            (200, "application/json"): OpenApiResponse(DocumentRowSerializer(many=True), description="The rows."),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The rows as CSV (format=csv)."),
        },
        tags=["agreement"],
    )
    def get(self, request: Request, slug: str) -> Response | HttpResponse:
        project, _ = access.project_for(request, slug, Role.REVIEWER)
        query = DocumentsTableQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data["format"] == "csv":
            response = HttpResponse(agreement.documents_table_csv(project=project), content_type="text/csv")
            response["Content-Disposition"] = f'attachment; filename="{project.slug}-agreement-documents.csv"'
            return response
        rows = agreement.documents_table(project=project)
        return Response(DocumentRowSerializer(rows, many=True).data)


class AgreementDocumentView(APIView):
    """One document's drill-down: its table row, each annotator's spans, the spans everyone
    agrees on and the disagreeing ones by kind. 404 if the document is not in the project or
    nobody has submitted it."""

    @extend_schema(
        operation_id="projects_agreement_document_retrieve",
        responses={200: DocumentDetailSerializer, 404: OpenApiTypes.OBJECT},
        tags=["agreement"],
    )
    def get(self, request: Request, slug: str, pk: int) -> Response:
        project, _ = access.project_for(request, slug, Role.REVIEWER)
        document = access.document_or_404(pk)
        if document.project_id != project.pk:
            raise Http404("no such document in this project")
        return Response(DocumentDetailSerializer(agreement.document_drilldown(document=document)).data)
