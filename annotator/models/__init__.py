"""The data model, one module per noun; everything importable from `annotator.models`."""

from annotator.models.agreement import AgreementReport
from annotator.models.annotations import Annotation, Span
from annotator.models.documents import Document, QueueCount
from annotator.models.gold import Gold, GoldSpan
from annotator.models.jobs import Job
from annotator.models.ml import ModelVersion, Suggestion, TrainedDocuments
from annotator.models.projects import Invitation, Label, Membership, Project, Role
from annotator.models.statuses import FINISHES, HOLDS_SLOT
from annotator.models.tokens import ApiToken

__all__ = [
    "FINISHES",
    "HOLDS_SLOT",
    "AgreementReport",
    "Annotation",
    "ApiToken",
    "Document",
    "Gold",
    "GoldSpan",
    "Invitation",
    "Job",
    "Label",
    "Membership",
    "ModelVersion",
    "Project",
    "QueueCount",
    "Role",
    "Span",
    "Suggestion",
    "TrainedDocuments",
]
