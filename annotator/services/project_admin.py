"""An owner's changes to a project after it was created: settings, label set, members.

Label changes never orphan a span: a label that some annotation, gold or suggestion uses
cannot be removed (renaming is removing one name and adding another, so the same rule
holds). Its colour, hotkey and attribute schema may change freely. Likewise a relation type
that some annotation's or the gold's relations use cannot be removed, and every relation type
links labels the project has (a label set changed alone takes the unused types of its removed
labels with it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from annotator.exceptions import AnnotatorError, Conflict, NotFound
from annotator.models import (
    GoldRelation,
    GoldSpan,
    Label,
    Membership,
    Project,
    Relation,
    RelationType,
    Role,
    Span,
    Suggestion,
)
from annotator.services import control, queue
from annotator.services.locks import lock_project
from annotator.services.projects import label_rows, relation_type_rows

EDITABLE = ("name", "guidelines", "annotators_per_document", "retrain_every", "control_share")


def labels_in_use(*, project: Project, names: Sequence[str]) -> list[str]:
    """Which of `names` some annotation span, gold span or model suggestion uses."""
    used: set[str] = set()
    for model, path in ((Span, "annotation__document__project"), (GoldSpan, "gold__document__project")):
        used.update(model.objects.filter(**{path: project, "label__in": names}).values_list("label", flat=True))
    used.update(Suggestion.objects.filter(document__project=project, label__in=names).values_list("label", flat=True))
    return sorted(used)


def relation_types_in_use(*, project: Project, names: Sequence[str]) -> list[str]:
    """Which of `names` some annotation's or the gold's relations use."""
    used = set(
        Relation.objects.filter(annotation__document__project=project, type__in=names).values_list("type", flat=True)
    )
    used.update(
        GoldRelation.objects.filter(gold__document__project=project, type__in=names).values_list("type", flat=True)
    )
    return sorted(used)


@transaction.atomic
def update_project(
    *,
    project: Project,
    labels: Sequence[dict[str, Any]] | None = None,
    relation_types: Sequence[dict[str, Any]] | None = None,
    **fields: Any,
) -> Project:
    """Change the project's settings and, when `labels` is given, replace its label set
    with that list (matched by name; order as given); likewise `relation_types`. Raises
    Conflict naming any label or relation type to be removed that is still in use; nothing
    is changed then."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise AnnotatorError(f"{unknown[0]} cannot be changed", field=unknown[0])
    for name in ("annotators_per_document", "retrain_every"):
        if name in fields and (not isinstance(fields[name], int) or fields[name] < 1):
            raise AnnotatorError(f"{name} must be a whole number, at least 1", field=name)
    if "control_share" in fields:
        fields["control_share"] = control.check_share(fields["control_share"])
    project = Project.objects.select_for_update().get(pk=project.pk)
    for name, value in fields.items():
        setattr(project, name, value)
    if fields:
        project.save(update_fields=list(fields))
    if "annotators_per_document" in fields:  # every document's open flag follows the quota
        queue.refresh_project(project)
    if "control_share" in fields:  # documents nobody has started follow the new share
        control.redecide_unstarted(project=project)
    if labels is not None:
        _replace_labels(project, labels)
    if relation_types is not None:
        _replace_relation_types(project, relation_types)
    elif labels is not None:
        # A relation type whose label is gone goes with it (unless relations use it).
        names = set(Label.objects.filter(project=project).values_list("name", flat=True))
        kinds = RelationType.objects.filter(project=project).values("name", "source", "target", "hotkey")
        _replace_relation_types(project, [dict(k) for k in kinds if {k["source"], k["target"]} <= names])
    return project


def _replace_relation_types(project: Project, relation_types: Sequence[dict[str, Any]]) -> None:
    labels = list(Label.objects.filter(project=project).values_list("name", flat=True))
    rows = relation_type_rows(list(relation_types), labels=labels)
    existing = set(RelationType.objects.filter(project=project).values_list("name", flat=True))
    removed = sorted(existing - {row["name"] for row in rows})
    in_use = relation_types_in_use(project=project, names=removed)
    if in_use:
        raise Conflict(
            f"relation type {in_use[0]} is used by existing relations and cannot be removed"
            + (f" (nor can {', '.join(in_use[1:])})" if in_use[1:] else ""),
            field="relation_types",
            relation_types=in_use,
        )
    RelationType.objects.filter(project=project).delete()
    RelationType.objects.bulk_create(RelationType(project=project, **row) for row in rows)


def _replace_labels(project: Project, labels: Sequence[dict[str, Any]]) -> None:
    rows = label_rows(list(labels))
    existing = {label.name: label for label in Label.objects.filter(project=project)}
    wanted = {row["name"] for row in rows}
    removed = sorted(set(existing) - wanted)
    in_use = labels_in_use(project=project, names=removed)
    if in_use:
        raise Conflict(
            f"label {in_use[0]} is used by existing spans and cannot be removed"
            + (f" (nor can {', '.join(in_use[1:])})" if in_use[1:] else ""),
            field="labels",
            labels=in_use,
        )
    Label.objects.filter(project=project, name__in=removed).delete()
    # Clear hotkeys first: swapping two labels' hotkeys would otherwise break the unique
    # constraint half-way through the updates.
    Label.objects.filter(project=project).update(hotkey="")
    for row in rows:
        label = existing.get(row["name"]) or Label(project=project, name=row["name"])
        for key in ("colour", "hotkey", "attributes", "order"):
            setattr(label, key, row[key])
        label.save()


def _owners(project: Project) -> int:
    return Membership.objects.filter(project=project, role=Role.OWNER).count()


@transaction.atomic
def set_member(*, project: Project, username: str, role: str) -> Membership:
    """Add `username` to the project with `role`, or change their role. The last owner
    cannot step down (someone must be able to manage the project)."""
    if role not in Role.values:
        raise AnnotatorError(f"role {role!r}: one of {', '.join(Role.values)}", field="role")
    user = User.objects.filter(username=username).first()
    if user is None:
        raise AnnotatorError(f"there is no user named {username!r}", field="username")
    lock_project(project.pk)  # serialize membership changes
    membership = Membership.objects.filter(project=project, user=user).first()
    if membership and membership.role == Role.OWNER and role != Role.OWNER and _owners(project) <= 1:
        raise Conflict(f"{username} is the project's only owner; make someone else owner first", field="role")
    membership, _ = Membership.objects.update_or_create(project=project, user=user, defaults={"role": role})
    return membership


@transaction.atomic
def remove_member(*, project: Project, username: str) -> None:
    """Take `username` out of the project. Their annotations stay (they are data), but
    they lose access. The last owner cannot be removed."""
    lock_project(project.pk)
    membership = Membership.objects.filter(project=project, user__username=username).first()
    if membership is None:
        raise NotFound(f"{username!r} is not a member of project {project.slug}")
    if membership.role == Role.OWNER and _owners(project) <= 1:
        raise Conflict(f"{username} is the project's only owner and cannot be removed", field="username")
    membership.delete()
