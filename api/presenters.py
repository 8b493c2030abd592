"""The API's output shapes, built from the domain's objects in one place. Each function
gives the dict its serializer describes (api/serializers/); views only pick which one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.request import Request

from annotator.evaluation import promotion_decision
from annotator.models import (
    Annotation,
    Comment,
    Document,
    Invitation,
    Job,
    Membership,
    ModelVersion,
    Project,
    Promotion,
    Role,
)
from annotator.selectors import may_create_projects, project_list_for
from annotator.services import deletion
from annotator.services import relations as relation_store
from annotator.services.document_queries import project_progress
from annotator.services.large_projects import owner_notices
from annotator.services.model_help import model_help
from annotator.services.suggestions import (
    CONTROL,
    relation_suggestions_served,
    suggestions_stale,
    suggestions_to_serve,
)
from api.access import sees_all


def project_data(project: Project, *, user: User, role: str) -> dict[str, Any]:
    progress = project_progress(project=project, user=None if sees_all(role) else user)
    return {
        "slug": project.slug,
        "name": project.name,
        "guidelines": project.guidelines,
        "annotators_per_document": project.annotators_per_document,
        "retrain_every": project.retrain_every,
        "control_share": project.control_share,
        "labels": [
            {"name": label.name, "colour": label.colour, "hotkey": label.hotkey, "attributes": label.attributes}
            for label in project.labels.all()
        ],
        "relation_types": [
            {"name": kind.name, "source": kind.source, "target": kind.target, "hotkey": kind.hotkey}
            for kind in project.relation_types.all()
        ],
        "role": role,
        "progress": progress,
        "created_at": project.created_at,
        "notices": owner_notices(documents=progress["documents"]) if role == Role.OWNER else [],
    }


def member_data(membership: Membership) -> dict[str, str]:
    return {"username": membership.user.username, "role": membership.role}


def member_added_data(username: str, role: str, status: str) -> dict[str, str]:
    return {"username": username, "role": role, "status": status}


def pending_invitation_data(invitation: Invitation) -> dict[str, Any]:
    """An invitation as its project's owner sees it."""
    return {
        "username": invitation.username,
        "role": invitation.role,
        "invited_by": invitation.invited_by.username if invitation.invited_by else None,
        "created_at": invitation.created_at,
    }


def invitation_data(invitation: Invitation) -> dict[str, Any]:
    """An invitation as its invitee sees it."""
    return {
        "id": invitation.pk,
        "project": invitation.project.slug,
        "project_name": invitation.project.name,
        "role": invitation.role,
        "invited_by": invitation.invited_by.username if invitation.invited_by else None,
        "created_at": invitation.created_at,
    }


def membership_ref_data(membership: Membership) -> dict[str, str]:
    project = membership.project
    return {"slug": project.slug, "name": project.name, "role": membership.role}


def deleted_data(name: str, undo_until: datetime) -> dict[str, Any]:
    return {"deleted": name, "undo_until": undo_until}


def deleted_project_data(project: Project) -> dict[str, Any]:
    """A deleted project as its owner sees it in the list of those still restorable."""
    assert project.deleted_at is not None
    return {
        "slug": project.slug,
        "name": project.name,
        "deleted_at": project.deleted_at,
        "undo_until": deletion.undo_until(project.deleted_at),
    }


def restored_data(name: str) -> dict[str, str]:
    return {"restored": name}


def document_data(document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "external_id": document.external_id,
        "project": document.project.slug,
        "text": document.text,
        "meta": document.meta,
        "created_at": document.created_at,
    }


_NO_SUGGESTIONS: dict[str, Any] = {
    "model_version": None,
    "suggestions_stale": False,
    "suggestions_pending": False,
    "suggestions": [],
    "relation_suggestions": [],
}


def suggestions_data(document: Document) -> dict[str, Any]:
    """The model's version and suggestions for the document, as the API shows them, and why.
    A control document is served to everyone without any (services.control)."""
    if document.control:
        return {**_NO_SUGGESTIONS, "control": True, "suggestions_state": CONTROL}
    served = suggestions_to_serve(document=document)
    model = served.version
    return {
        "control": False,
        "model_version": {"id": model.pk, "version": model.version} if model else None,
        "suggestions_stale": served.pending or suggestions_stale(project=document.project),
        "suggestions_pending": served.pending,
        "suggestions_state": served.state,
        "suggestions": [
            {"id": s.pk, "start": s.start, "end": s.end, "label": s.label, "attrs": s.attrs or {}, "score": s.score}
            for s in served.suggestions
        ],
        "relation_suggestions": [
            {"id": r.pk, "from_suggestion": r.source_id, "to_suggestion": r.target_id, "type": r.type, "score": r.score}
            for r in relation_suggestions_served(document=document, served=served)
        ],
    }


def document_list_items(
    documents: Sequence[Document],
    states: Iterable[tuple[int, str, int, str]],
    *,
    user: User,
    all_visible: bool,
    unresolved: dict[int, int] | None = None,
) -> list[dict[str, Any]]:
    """A page of the document list; `states` are (document id, annotator's name, their id,
    status) of the page's annotations (`selectors.annotation_states`), `unresolved` the
    page's unresolved comment threads the caller sees (`services.comments.unresolved_counts`)."""
    held: dict[int, list[dict[str, str]]] = {d.pk: [] for d in documents}
    mine: dict[int, str] = {}
    for doc_id, username, user_id, state in states:
        held[doc_id].append({"username": username, "status": state})
        if user_id == user.pk:
            mine[doc_id] = state
    return [
        {
            "id": d.pk,
            "external_id": d.external_id,
            "status": d.status,  # type: ignore[attr-defined]  # annotated by document_queries.with_status
            "my_status": mine.get(d.pk),
            "assignees": sorted(held[d.pk], key=lambda a: a["username"]) if all_visible else None,
            "preview": d.text[:200],
            "length": len(d.text),
            "created_at": d.created_at,
            "unresolved_comments": (unresolved or {}).get(d.pk, 0),
            "model_uncertainty": d.model_uncertainty,
            "deleted_at": d.deleted_at,
        }
        for d in documents
    ]


def annotation_data(annotation: Annotation) -> dict[str, Any]:
    spans = sorted(annotation.spans.all(), key=lambda s: (s.start, s.end, s.label))
    return {
        "document": annotation.document_id,
        "status": annotation.status,
        "version": annotation.version,
        "time_spent": annotation.time_spent,
        "rejected_suggestions": annotation.rejected_suggestions or [],
        "rejected_relation_suggestions": annotation.rejected_relation_suggestions or [],
        "spans": [
            {
                "id": s.pk,
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "attrs": s.attrs or {},
                "origin": s.origin,
                "suggestion": s.suggestion_id,
            }
            for s in spans
        ],
        "relations": relation_store.annotation_relations(annotation, spans),
        "submitted_at": annotation.submitted_at,
        "updated_at": annotation.updated_at,
    }


def next_data(annotation: Annotation | None, remaining: int) -> dict[str, Any]:
    """What next/ answers: the document with the caller's annotation and suggestions, or
    nulls when nothing is left."""
    if annotation is None:
        data: dict[str, Any] = {
            "document": None,
            "annotation": None,
            "model_version": None,
            "suggestions": [],
            "relation_suggestions": [],
            "suggestions_stale": False,
            "suggestions_pending": False,
            "control": False,
            "suggestions_state": None,
        }
    else:
        document = annotation.document
        data = {
            "document": document_data(document),
            "annotation": annotation_data(annotation),
            **suggestions_data(document),
        }
    return {**data, "remaining": remaining}


def reviewed_annotation_data(annotation: Annotation) -> dict[str, Any]:
    """An annotation as reviewers see it: with its id and annotator."""
    return {**annotation_data(annotation), "id": annotation.pk, "annotator": annotation.annotator.username}


def empty_gold_data(document: Document) -> dict[str, Any]:
    """The gold of a document that has none yet: version 0, no spans."""
    return {
        "document": document.pk,
        "version": 0,
        "origin": None,
        "adjudicator": None,
        "source_annotations": [],
        "stale": False,
        "stale_sources": [],
        "spans": [],
        "relations": [],
        "created_at": None,
        "updated_at": None,
    }


# Job.params kept for the workers' own use: which process runs the job (host:pid), the
# storage path an export is being written to, the task to send again. Not for its readers.
_INTERNAL_PARAMS = ("worker", "writing", "task", "task_args")


def job_data(job: Job, request: Request) -> dict[str, Any]:
    download = None
    if job.output_file and job.status == Job.Status.SUCCEEDED:
        download = request.build_absolute_uri(reverse("job-download", args=[job.pk]))
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "project": job.project.slug if job.project else None,
        "progress": {"done": job.progress_done, "total": job.progress_total, "fraction": round(job.progress, 4)},
        "message": job.message,
        "error": job.error,
        "result": job.result,
        "params": {key: value for key, value in (job.params or {}).items() if key not in _INTERNAL_PARAMS},
        "download_url": download,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


_VERSION_FIELDS = (
    "id",
    "version",
    "status",
    "metrics",
    "training_documents",
    "duration_seconds",
    "sklearn_version",
    "feature_version",
    "artifact_sha256",
    "created_at",
    "promoted_at",
)


def model_version_data(version: ModelVersion, promotions: Sequence[Promotion] = ()) -> dict[str, Any]:
    return {
        **{name: getattr(version, name) for name in _VERSION_FIELDS},
        "help": model_help(version=version),
        "decision": _decision(version),
        "promotions": [promotion_data(p) for p in promotions],
    }


def _decision(version: ModelVersion) -> dict[str, Any] | None:
    """The automatic promotion's decision on a trained version; for one trained before it
    was stored, derived from the figures it kept (the same rule)."""
    metrics = version.metrics or {}
    if version.status in (ModelVersion.Status.TRAINING, ModelVersion.Status.FAILED) or "value" not in metrics:
        return None
    if "promotion" in metrics:
        return dict(metrics["promotion"])
    compared = metrics.get("current_model_on_same_documents")
    return promotion_decision(
        metrics,
        {"value": compared.get("value")} if compared else None,
        current_version=compared.get("version") if compared else None,
    )


def promotion_data(promotion: Promotion) -> dict[str, Any]:
    """A change of the current model: who (null: the automatic rule), when, from and to which version."""
    return {
        "kind": promotion.kind,
        "by": promotion.by.username if promotion.by else None,
        "at": promotion.at,
        "from_version": getattr(promotion, "from_number", None),
        "to_version": getattr(promotion, "to_number", None),
    }


def thread_data(thread: Comment) -> dict[str, Any]:
    """A comment thread (its first comment, with its replies) as ThreadSerializer shows it."""
    pinned = thread.start is not None and thread.end is not None
    return {
        "id": thread.pk,
        "author": thread.author.username,
        "annotator": thread.annotator.username if thread.annotator else None,
        "body": thread.body,
        "start": thread.start,
        "end": thread.end,
        "quote": thread.document.text[thread.start : thread.end] if pinned else None,
        "resolved": thread.resolved_at is not None,
        "resolved_by": thread.resolved_by.username if thread.resolved_by else None,
        "resolved_at": thread.resolved_at,
        "created_at": thread.created_at,
        "replies": [
            {"id": r.pk, "author": r.author.username, "body": r.body, "created_at": r.created_at}
            for r in thread.replies.all()
        ],
    }


def me_data(user: User) -> dict[str, Any]:
    """Who the caller is (auth/me/, and the answers of a login and a join)."""
    roles = dict(Membership.objects.filter(user=user).values_list("project_id", "role"))
    projects = [
        {"slug": p.slug, "name": p.name, "role": "owner" if user.is_superuser else roles.get(p.pk)}
        for p in project_list_for(user=user)
    ]
    return {
        "username": user.username,
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "may_create_projects": may_create_projects(user=user),
        "projects": projects,
    }
