"""Read queries of the API's document list and progress figures (writes live elsewhere).

A document's status, one of four, exclusive:
- `gold`: it has a gold annotation (adjudicated or imported);
- `done`: no gold yet, but at least `annotators_per_document` submitted annotations;
- `in_progress`: someone holds it (a draft or a submission), not yet done;
- `unassigned`: nobody holds it (never assigned, or every assignee skipped it).
The project's `done` figure counts `done` and `gold` documents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.models import User
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from annotator.models import HOLDS_SLOT, Annotation, Document, Gold, GoldSpan, Project, Span

if TYPE_CHECKING:  # django-stubs-ext is a development requirement only
    from django_stubs_ext import WithAnnotations

DOCUMENT_STATUSES = ("unassigned", "in_progress", "done", "gold")


def _count(queryset: QuerySet[Any]) -> Coalesce:
    counted = queryset.order_by().values("document").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class StatusFields(TypedDict):
    """What `documents_with_status` annotates each document with."""

    has_gold: bool
    submitted: int
    held: int
    status: str


def documents_with_status(*, project: Project) -> QuerySet[WithAnnotations[Document, StatusFields]]:
    """The project's live documents, each annotated with `status`, `submitted` and `held`."""
    annotations = Annotation.objects.filter(document=OuterRef("pk"))
    return (
        Document.objects.live()
        .filter(project=project)
        .annotate(
            has_gold=Exists(Gold.objects.filter(document=OuterRef("pk"))),
            submitted=_count(annotations.filter(status=Annotation.Status.SUBMITTED)),
            held=_count(annotations.filter(status__in=HOLDS_SLOT)),
        )
        .annotate(
            status=Case(
                When(has_gold=True, then=Value("gold")),
                When(submitted__gte=project.annotators_per_document, then=Value("done")),
                When(held__gt=0, then=Value("in_progress")),
                default=Value("unassigned"),
                output_field=CharField(),
            )
        )
    )


def document_list(
    *,
    project: Project,
    user: User,
    sees_all: bool,
    status: str | None = None,
    assignee: str | None = None,
    label: str | None = None,
    q: str | None = None,
) -> QuerySet[Document]:
    """Documents the caller may list, filtered. Annotators (`sees_all` False) see only
    documents assigned to them, and a label filter looks only at their own spans."""
    documents = documents_with_status(project=project)
    if not sees_all:
        documents = documents.filter(annotations__annotator=user)
    if status:
        documents = documents.filter(status=status)
    if assignee:
        documents = documents.filter(
            Exists(Annotation.objects.filter(document=OuterRef("pk"), annotator__username=assignee))
        )
    if label:
        spans = Span.objects.filter(
            annotation__document=OuterRef("pk"), annotation__status=Annotation.Status.SUBMITTED, label=label
        )
        has_label: Q | Exists  # `Exists | Exists` is a Q
        if sees_all:
            has_label = Exists(spans) | Exists(GoldSpan.objects.filter(gold__document=OuterRef("pk"), label=label))
        else:
            has_label = Exists(
                Span.objects.filter(annotation__document=OuterRef("pk"), annotation__annotator=user, label=label)
            )
        documents = documents.filter(has_label)
    if q:
        documents = documents.filter(Q(text__icontains=q) | Q(external_id__icontains=q))
    return documents.order_by("pk")


def project_progress(*, project: Project, user: User | None = None) -> dict[str, Any]:
    """Documents total and done (see the module docstring), by status, and per annotator
    the submitted, draft and skipped counts and active seconds spent. With `user` given,
    only that annotator's row is included (annotators don't see each other's figures)."""
    by_status = dict(documents_with_status(project=project).order_by().values_list("status").annotate(n=Count("pk")))
    counts = {name: by_status.get(name, 0) for name in DOCUMENT_STATUSES}
    annotations = Annotation.objects.filter(document__in=Document.objects.live().filter(project=project))
    if user is not None:
        annotations = annotations.filter(annotator=user)
    rows = (
        annotations.order_by()
        .values("annotator__username")
        .annotate(
            submitted=Count("pk", filter=Q(status=Annotation.Status.SUBMITTED)),
            drafts=Count("pk", filter=Q(status=Annotation.Status.DRAFT)),
            skipped=Count("pk", filter=Q(status=Annotation.Status.SKIPPED)),
            time_spent=Sum("time_spent"),
        )
        .order_by("annotator__username")
    )
    return {
        "documents": sum(counts.values()),
        "done": counts["done"] + counts["gold"],
        "by_status": counts,
        "annotators": [
            {
                "username": row["annotator__username"],
                "submitted": row["submitted"],
                "drafts": row["drafts"],
                "skipped": row["skipped"],
                "time_spent": round(row["time_spent"] or 0.0, 1),
            }
            for row in rows
        ],
    }
