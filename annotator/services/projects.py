from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from annotator.exceptions import AnnotatorError, Conflict
from annotator.jsoncheck import MAX_INT
from annotator.models import Label, Membership, Project, Role
from annotator.services.control import check_share
from annotator.spans import ATTRIBUTE_TYPES

# The default project's attribute schema for casualty counts (see the guidelines).
CASUALTY_ATTRIBUTES: dict[str, dict[str, Any]] = {
    "value": {"type": "integer", "min": 0},
    "qualifier": {"type": "choice", "choices": ["exact", "at_least", "more_than", "approximately", "up_to"]},
    "status": {"type": "choice", "choices": ["killed", "wounded", "missing"]},
    "victims": {"type": "choice", "choices": ["civilians", "children", "women", "combatants", "unspecified"]},
}
KNOWN_LABELS: dict[str, dict[str, Any]] = {
    "CASUALTY_COUNT": {"colour": "#d62728", "hotkey": "c", "attributes": CASUALTY_ATTRIBUTES},
    "PERPETRATOR": {"colour": "#1f77b4", "hotkey": "p", "attributes": {}},
    "LOCATION": {"colour": "#2ca02c", "hotkey": "l", "attributes": {}},
}
_PALETTE = ["#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e"]
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_LABEL = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


def label_rows(labels: Sequence[str | dict[str, Any]]) -> list[dict[str, Any]]:
    """The one check of a label set, for a new project and for a changed one: each name's
    form, no name twice, each attribute schema (`check_attribute_schema`), at least one
    label; with the defaults of known labels and free hotkeys and colours filled in."""
    rows: list[dict[str, Any]] = []
    used_hotkeys: set[str] = set()
    for order, given in enumerate(labels):
        spec = {"name": given} if isinstance(given, str) else dict(given)
        name = str(spec.get("name", "")).strip()
        if not _LABEL.match(name):
            raise AnnotatorError(f"label {name!r}: a label name is a letter then letters, digits or _", field="labels")
        if any(row["name"] == name for row in rows):
            raise AnnotatorError(f"label {name} is given twice", field="labels")
        defaults = KNOWN_LABELS.get(name, {})
        attributes = spec.get("attributes", defaults.get("attributes", {})) or {}
        check_attribute_schema(name, attributes)
        hotkey = spec.get("hotkey", defaults.get("hotkey"))
        if hotkey is None or hotkey in used_hotkeys:
            hotkey = next((c for c in name.lower() + "123456789" if c.isalnum() and c not in used_hotkeys), "")
        used_hotkeys.add(hotkey)
        colour = spec.get("colour") or defaults.get("colour") or _PALETTE[order % len(_PALETTE)]
        rows.append({"name": name, "colour": colour, "hotkey": hotkey, "attributes": attributes, "order": order})
    if not rows:
        raise AnnotatorError("a project needs at least one label", field="labels")
    return rows


_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
_RULE_KEYS = {"type": ATTRIBUTE_TYPES, "choices": ("choice",), "min": ("integer",)}
MAX_CHOICES = 200


def check_attribute_schema(label: str, schema: Any) -> None:
    """The one check of a label's attribute schema, ``{name: {"type": ..., "choices":
    [...], "min": n}}``, so every span saved against it can be checked (`annotator.spans`)
    and shown (the web app's attribute editor). Raises AnnotatorError naming the label,
    the attribute and what is wrong (field `labels`)."""

    def bad(message: str) -> AnnotatorError:
        return AnnotatorError(f"label {label}: {message}", field="labels")

    if not isinstance(schema, dict):
        raise bad("attributes must be an object {name: rule}")
    for name, rule in schema.items():
        if not (isinstance(name, str) and _ATTRIBUTE_NAME.match(name)):
            raise bad(f"attribute name {name!r}: a letter or _ then letters, digits, _ or -, at most 64")
        if not isinstance(rule, dict):
            raise bad(f"attribute {name!r}: its rule must be an object with a type")
        kind = rule.get("type", "text")
        if kind not in ATTRIBUTE_TYPES:
            raise bad(f"attribute {name!r} needs a type among {', '.join(ATTRIBUTE_TYPES)}, not {kind!r}")
        for key in rule:
            if key not in _RULE_KEYS:
                raise bad(f"attribute {name!r}: unknown rule {key!r} (known: {', '.join(_RULE_KEYS)})")
            if kind not in _RULE_KEYS[key]:
                raise bad(f"attribute {name!r}: {key!r} applies to {' and '.join(_RULE_KEYS[key])} attributes only")
        if kind == "choice":
            choices = rule.get("choices")
            if not isinstance(choices, list) or not choices:
                raise bad(f"attribute {name!r} needs choices: a non-empty list of strings")
            if len(choices) > MAX_CHOICES:
                raise bad(f"attribute {name!r}: at most {MAX_CHOICES} choices")
            if not all(isinstance(choice, str) and choice.strip() for choice in choices):
                raise bad(f"attribute {name!r}: each choice is a non-empty string")
            if len(set(choices)) != len(choices):
                raise bad(f"attribute {name!r}: a choice is given twice")
        if "min" in rule:
            least = rule["min"]
            if isinstance(least, bool) or not isinstance(least, int) or abs(least) > MAX_INT:
                raise bad(f"attribute {name!r}: min must be a whole number, not {least!r}")


@transaction.atomic
def create_project(
    *,
    slug: str,
    labels: Sequence[str | dict[str, Any]],
    name: str | None = None,
    guidelines: str = "",
    annotators_per_document: int = 1,
    retrain_every: int = 10,
    owner: User | None = None,
    control_share: float = 0.1,
) -> Project:
    """A project with its label set; known labels (the default project's) get their colour,
    hotkey and attribute schema. Raises `Conflict` if the slug is taken."""
    if not _SLUG.match(slug or ""):
        raise AnnotatorError(f"slug {slug!r}: use lower-case letters, digits, - and _", field="slug")
    if annotators_per_document < 1:
        raise AnnotatorError("annotators per document must be at least 1", field="annotators_per_document")
    if retrain_every < 1:
        raise AnnotatorError("retrain_every must be at least 1", field="retrain_every")
    check_share(control_share)
    rows = label_rows(labels)
    if Project.objects.filter(slug=slug).exists():
        raise Conflict(f"project {slug!r} already exists", field="slug")
    try:
        with transaction.atomic():
            project = Project.objects.create(
                slug=slug,
                name=name or slug,
                guidelines=guidelines,
                annotators_per_document=annotators_per_document,
                retrain_every=retrain_every,
                control_share=control_share,
            )
    except IntegrityError:  # a concurrent create of the same slug
        raise Conflict(f"project {slug!r} already exists", field="slug") from None
    Label.objects.bulk_create(Label(project=project, **row) for row in rows)
    if owner is not None:
        Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    return project


def add_member(*, project: Project, user: User, role: str) -> Membership:
    if role not in Role.values:
        raise AnnotatorError(f"role {role!r}: one of {', '.join(Role.values)}", field="role")
    membership, _ = Membership.objects.update_or_create(project=project, user=user, defaults={"role": role})
    return membership
