"""The data model, one module per noun; everything importable from `annotator.models`."""

from annotator.models.accounts import JoinLink
from annotator.models.agreement import AgreementReport
from annotator.models.annotations import Annotation, Span
from annotator.models.comments import Comment
from annotator.models.documents import Document, QueueCount
from annotator.models.gold import Gold, GoldSpan
from annotator.models.jobs import Job
from annotator.models.ml import ModelVersion, Promotion, RelationSuggestion, Suggestion, TrainedDocuments
from annotator.models.projects import Invitation, Label, Membership, Project, Role
from annotator.models.relations import GoldRelation, Relation, RelationType
from annotator.models.statuses import FINISHES, HOLDS_SLOT
from annotator.models.tokens import ApiToken

__all__ = [
    "FINISHES",
    "HOLDS_SLOT",
    "AgreementReport",
    "Annotation",
    "ApiToken",
    "Comment",
    "Document",
    "Gold",
    "GoldRelation",
    "GoldSpan",
    "Invitation",
    "Job",
    "JoinLink",
    "Label",
    "Membership",
    "ModelVersion",
    "Project",
    "Promotion",
    "QueueCount",
    "Relation",
    "RelationSuggestion",
    "RelationType",
    "Role",
    "Span",
    "Suggestion",
    "TrainedDocuments",
]
