"""Which model version is current: the training's automatic promotion (services.trainer, by
`evaluation.promotion_decision`) and an owner's manual promote and roll back. Every change is
recorded (`Promotion`: who, when, from which version to which) and queues the refresh of the
new current version's suggestions, the same refresh an automatic promotion queues.

The web side: a manual promotion only moves the `current` mark and queues work; it never
loads a model (the version was trained and evaluated when it was stored).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from annotator.exceptions import Conflict, NotFound
from annotator.models import ModelVersion, Project, Promotion
from annotator.services import suggestions
from annotator.services.locks import lock_project

# Versions with a stored, evaluated model: trained but not promoted, or current once.
PROMOTABLE = (ModelVersion.Status.READY, ModelVersion.Status.RETIRED)


def make_current(
    *, project: Project, version: ModelVersion, kind: str, user: User | None = None, queue_refresh: bool = True
) -> Promotion:
    """Retire the current version, make `version` current, record it and queue the refresh
    of its suggestions. Inside the caller's transaction, which holds the project's row."""
    previous = ModelVersion.objects.filter(project=project, status=ModelVersion.Status.CURRENT).only("pk").first()
    now = timezone.now()
    ModelVersion.objects.filter(project=project, status=ModelVersion.Status.CURRENT).update(
        status=ModelVersion.Status.RETIRED
    )
    ModelVersion.objects.filter(pk=version.pk).update(status=ModelVersion.Status.CURRENT, promoted_at=now)
    record = Promotion.objects.create(
        project=project, kind=kind, from_version=previous, to_version_id=version.pk, by=user, at=now
    )
    record.refresh_job = (  # type: ignore[attr-defined]
        suggestions.queue_refresh(project=project, version_id=version.pk) if queue_refresh else None
    )
    return record


def promote(*, project: Project, version: int, user: User) -> Promotion:
    """Make model `version` the current one (an owner's choice over the automatic rule): a
    `rollback` when it is older than the current version, else a `promote`. 404 for an
    unknown version; 409 for the current one or one without a usable stored model."""
    with transaction.atomic():
        lock_project(project.pk)
        target = ModelVersion.objects.defer("artifact").filter(project=project, version=version).first()
        if target is None:
            raise NotFound(f"project {project.slug} has no model version {version}")
        if target.status == ModelVersion.Status.CURRENT:
            raise Conflict(f"v{version} is already the current model", field="version")
        if target.status not in PROMOTABLE or not target.artifact_sha256:
            raise Conflict(
                f"v{version} is {target.status}: only a trained version (ready or retired) can be made current",
                field="version",
            )
        current = _current(project)
        kind = Promotion.Kind.ROLLBACK if current and target.version < current.version else Promotion.Kind.PROMOTE
        return make_current(project=project, version=target, kind=kind, user=user)


def roll_back(*, project: Project, user: User) -> Promotion:
    """Go back to the version that was current before the current one (by the record; for
    a change made before records were kept, the newest retired version older than it). 409
    when there is none."""
    with transaction.atomic():
        lock_project(project.pk)
        current = _current(project)
        if current is None:
            raise Conflict(f"project {project.slug} has no current model to roll back")
        last = Promotion.objects.filter(project=project, to_version=current).order_by("-at", "-pk").first()
        target = None
        if last is not None and last.from_version_id is not None:
            target = ModelVersion.objects.defer("artifact").filter(pk=last.from_version_id).first()
        if target is None:
            target = (
                ModelVersion.objects.defer("artifact")
                .filter(project=project, status=ModelVersion.Status.RETIRED, version__lt=current.version)
                .order_by("-version")
                .first()
            )
        if target is None or target.status not in PROMOTABLE or not target.artifact_sha256:
            raise Conflict(f"there is no earlier model than v{current.version} to roll back to")
        return make_current(project=project, version=target, kind=Promotion.Kind.ROLLBACK, user=user)


def _current(project: Project) -> ModelVersion | None:
    return ModelVersion.objects.defer("artifact").filter(project=project, status=ModelVersion.Status.CURRENT).first()


def promotions_by_version(*, project: Project) -> dict[int, list[Promotion]]:
    """{model version row id: the changes that made it current, newest first}."""
    found: dict[int, list[Promotion]] = {}
    rows = (
        Promotion.objects.filter(project=project)
        .select_related("by")
        .only("kind", "at", "to_version_id", "from_version_id", "by__username")
        .order_by("-at", "-pk")
    )
    versions = dict(ModelVersion.objects.filter(project=project).values_list("pk", "version"))
    for row in rows:
        row.from_number = versions.get(row.from_version_id) if row.from_version_id else None  # type: ignore[attr-defined]
        row.to_number = versions.get(row.to_version_id)  # type: ignore[attr-defined]
        found.setdefault(row.to_version_id, []).append(row)
    return found
