"""Who may reach what through the API, in one place: every view asks here for the project,
document or job it works on, naming the least role it needs.

Roles rank owner > reviewer > annotator; a superuser acts as an owner. An outsider (or a
deleted project or document) gets 404, never 403, so project slugs and document ids do not
leak; a member whose role is too low gets 403 naming the role needed.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.request import Request

from annotator.models import Annotation, Document, Job, Project, Role
from annotator.selectors import live_document, live_document_with_role, live_project_with_role, role_for

RANK = {Role.ANNOTATOR: 1, Role.REVIEWER: 2, Role.OWNER: 3}
# Ids beyond this are not ids of anything (and overflow SQLite integers): not found.
MAX_ID = 2**53


def _is_id(pk: int) -> bool:
    return 0 < pk <= MAX_ID


def caller(request: Request) -> User:
    """The authenticated user making the request. Every view but the login ones needs one
    (IsAuthenticated is the default permission), so this only narrows the type for the
    services, which take a `User`; an anonymous caller would get DRF's usual 401."""
    user = request.user
    if isinstance(user, AnonymousUser):
        raise NotAuthenticated()
    return user


def checked_role(request: Request, role: str | None, slug: str, least: str) -> str:
    """The caller's `role` in project `slug` if it is at least `least`: 404 for outsiders
    (and anonymous callers), 403 for members whose role is too low."""
    if getattr(request.user, "is_superuser", False):
        role = Role.OWNER
    if role is None or not request.user.is_authenticated:
        raise Http404("no such project")
    if RANK[Role(role)] < RANK[Role(least)]:
        raise PermissionDenied(f"this needs the {least} role in project {slug}; you are {role}")
    return role


def require_role(request: Request, project: Project, least: str) -> str:
    """The caller's role in `project`, if it is at least `least` (see `checked_role`)."""
    return checked_role(request, role_for(project=project, user=request.user), project.slug, least)


def sees_all(role: str) -> bool:
    """Reviewers and owners see every annotator's work; annotators only their own."""
    return RANK[Role(role)] >= RANK[Role.REVIEWER]


def project_or_404(slug: str) -> Project:
    """A live project by slug, whoever asks (pair with `require_role`)."""
    project = Project.objects.live().filter(slug=slug).first()
    if project is None:
        raise Http404("no such project")
    return project


def document_or_404(pk: int) -> Document:
    """A live document of a live project by id, whoever asks (pair with `require_role`)."""
    document = live_document(pk=pk) if _is_id(pk) else None
    if document is None:
        raise Http404("no such document")
    return document


def project_for(request: Request, slug: str, least: str) -> tuple[Project, str]:
    """The live project `slug` and the caller's role there, at least `least`."""
    project = project_or_404(slug)
    return project, require_role(request, project, least)


def document_for(request: Request, pk: int, least: str) -> tuple[Document, str]:
    """The live document `pk` and the caller's role in its project, at least `least`."""
    document = document_or_404(pk)
    return document, require_role(request, document.project, least)


def project_with_role(request: Request, slug: str, least: str) -> tuple[Project, str]:
    """`project_for` in one query (the queue's hot path)."""
    project = live_project_with_role(slug=slug, user_id=request.user.pk)
    if project is None:
        raise Http404("no such project")
    return project, checked_role(request, project.my_role, slug, least)  # type: ignore[attr-defined]


def document_with_role(request: Request, pk: int, least: str) -> tuple[Document, str]:
    """`document_for` in two plain queries (the save's hot path)."""
    document = live_document_with_role(pk=pk, user_id=request.user.pk) if _is_id(pk) else None
    if document is None:
        raise Http404("no such document")
    return document, checked_role(request, document.my_role, document.project.slug, least)  # type: ignore[attr-defined]


def readable_document(request: Request, pk: int) -> tuple[Document, str]:
    """A document the caller may read: reviewers and owners any of the project's,
    annotators only those assigned to them; to anyone else it does not exist (404)."""
    document = document_or_404(pk)
    role = role_for(project=document.project, user=request.user)
    assigned = Annotation.objects.filter(document=document, annotator_id=request.user.pk).exists()
    if role is None or (not sees_all(role) and not assigned):
        raise Http404("no such document")
    return document, role


def deleted_or_live_project(request: Request, slug: str, least: str) -> Project:
    """A project by slug, deleted or not (for restoring it), with the caller's role at least `least`."""
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise Http404("no such project")
    require_role(request, project, least)
    return project


def deleted_or_live_document(request: Request, pk: int, least: str) -> Document:
    """A document by id, deleted or not, of a live project (for restoring it), with the
    caller's role at least `least`."""
    document = Document.objects.filter(pk=pk).select_related("project").first() if _is_id(pk) else None
    if document is None or document.project.deleted_at is not None:
        raise Http404("no such document")
    require_role(request, document.project, least)
    return document


def readable_job(request: Request, pk: int) -> Job:
    """A job is read with the caller's role in its project *now*, not when it was made:
    reviewers and owners read every job of a live project; an annotator reads only jobs
    they started themselves, and of exports only those of their own annotations (an export
    can hold everyone's spans). Once the caller leaves the project, or the project is
    deleted, the job does not exist for them (404), whoever created it."""
    job = Job.objects.filter(pk=pk).select_related("project").first() if _is_id(pk) else None
    if job is None:
        raise Http404("no such job")
    if job.project is None:  # no project to ask: only its creator
        if job.created_by_id != request.user.pk:
            raise Http404("no such job")
        return job
    role = role_for(project=job.project, user=request.user) if job.project.deleted_at is None else None
    if role is None:
        raise Http404("no such job")
    if sees_all(role):
        return job
    if job.created_by_id != request.user.pk or (job.kind == Job.Kind.EXPORT and not _own_export(request, job)):
        raise Http404("no such job")
    return job


def _own_source(request: Request) -> str:
    return f"annotator:{request.user.username}"


def _own_export(request: Request, job: Job) -> bool:
    return (job.params or {}).get("source") == _own_source(request)


def check_export_source(request: Request, role: str, source: str) -> None:
    """Reviewers and owners export anything; annotators only their own annotations (403)."""
    if not sees_all(role) and source != _own_source(request):
        raise PermissionDenied(f"annotators may export only their own annotations (source={_own_source(request)})")


def check_assignee_filter(request: Request, role: str, assignee: str | None) -> None:
    """Annotators may filter the document list by assignee only for themselves (403)."""
    if not sees_all(role) and assignee not in (None, request.user.username):
        raise PermissionDenied("annotators may filter by assignee only for themselves")
