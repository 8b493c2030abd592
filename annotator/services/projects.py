from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from annotator.exceptions import AnnotatorError, Conflict
from annotator.jsoncheck import MAX_INT
from annotator.models import Label, Membership, Project, RelationType, Role
from annotator.services.control import check_share
from annotator.services.relations import add_default_relation_types
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
# Paths of the web app that sit where a project's slug would (/projects/new).
RESERVED_SLUGS = frozenset({"new"})
# A label name is an identifier written into exports, filters and command lines: a letter of
# any script, then letters, digits or _ (Python's \w, so "BLESSÉS" and "موقع" are names;
# emoji, spaces and punctuation are not).
LABEL_NAME = r"^[^\W\d_]\w{0,63}$"
_LABEL = re.compile(LABEL_NAME)


def check_slug(slug: str) -> None:
    """The form of a project's slug (whether it is taken is the database's to say)."""
    if not _SLUG.match(slug or ""):
        raise AnnotatorError(f"slug {slug!r}: use lower-case letters, digits, - and _", field="slug")
    if slug in RESERVED_SLUGS:
        raise AnnotatorError(f"slug {slug!r} is reserved by the web app; choose another", field="slug")


def _hotkey_problem(hotkey: Any) -> str | None:
    # The annotate page takes punctuation, arrows and the like for itself (editing/keymap.ts);
    # one letter or digit is what a label key can be, and keys differ regardless of case.
    if not isinstance(hotkey, str) or (hotkey and (len(hotkey) != 1 or not hotkey.isalnum())):
        return f"hotkey {hotkey!r}: a hotkey is one letter or digit (or empty for none)"
    return None


def label_rows(labels: Sequence[str | dict[str, Any]]) -> list[dict[str, Any]]:
    """The one check of a label set, for a new project and for a changed one: each name's
    form, no name twice, each hotkey one letter or digit and not given twice, each attribute
    schema (`check_attribute_schema`), at least one label; with the defaults of known labels
    and free hotkeys and colours filled in. Errors name the place (`path`, e.g.
    ``labels[1].hotkey``)."""
    specs = [{"name": given} if isinstance(given, str) else dict(given) for given in labels]
    names: list[str] = []
    given_keys: dict[str, str] = {}  # hotkey (lower case) -> the label that asked for it
    for order, spec in enumerate(specs):
        name = str(spec.get("name", "")).strip()
        where = f"labels[{order}]"
        if not _LABEL.match(name):
            raise AnnotatorError(
                f"label {name!r}: a label name is a letter then letters, digits or _ (at most 64)",
                field="labels",
                path=f"{where}.name",
            )
        if name in names:
            raise AnnotatorError(f"label {name} is given twice", field="labels", path=f"{where}.name")
        names.append(name)
        check_attribute_schema(name, spec.get("attributes") or {}, path=f"{where}.attributes")
        hotkey = spec.get("hotkey")
        if hotkey is None:
            continue
        problem = _hotkey_problem(hotkey)
        if problem:
            raise AnnotatorError(f"label {name}: {problem}", field="labels", path=f"{where}.hotkey")
        if hotkey and hotkey.lower() in given_keys:
            raise AnnotatorError(
                f"hotkey {hotkey!r} is given to two labels ({given_keys[hotkey.lower()]} and {name})",
                field="labels",
                path=f"{where}.hotkey",
            )
        if hotkey:
            given_keys[hotkey.lower()] = name
    if not specs:
        raise AnnotatorError("a project needs at least one label", field="labels")
    # Labels given no hotkey get their default one, else a free letter of their name.
    used = set(given_keys)
    rows: list[dict[str, Any]] = []
    for order, (name, spec) in enumerate(zip(names, specs, strict=True)):
        defaults = KNOWN_LABELS.get(name, {})
        hotkey = spec.get("hotkey")
        if hotkey is None:
            hotkey = defaults.get("hotkey")
            if hotkey is None or hotkey in used:
                hotkey = next((c for c in name.lower() + "123456789" if c.isalnum() and c not in used), "")
            used.add(hotkey)
        attributes = spec["attributes"] if "attributes" in spec else defaults.get("attributes", {})
        colour = spec.get("colour") or defaults.get("colour") or _PALETTE[order % len(_PALETTE)]
        rows.append({"name": name, "colour": colour, "hotkey": hotkey, "attributes": attributes or {}, "order": order})
    return rows


def relation_type_rows(relation_types: Sequence[dict[str, Any]], *, labels: Sequence[str]) -> list[dict[str, Any]]:
    """The one check of a relation type set, for a new project and for a changed one: each
    name's form (as a label's), no name twice, source and target among `labels` (the label
    set after the same request's changes), each hotkey one letter or digit and not given
    twice. Errors name the place (`path`, e.g. ``relation_types[1].target``)."""
    rows: list[dict[str, Any]] = []
    names: set[str] = set()
    keys: dict[str, str] = {}  # hotkey (lower case) -> the type that asked for it
    for order, spec in enumerate(relation_types):
        where = f"relation_types[{order}]"

        def bad(message: str, key: str, where: str = where) -> AnnotatorError:
            return AnnotatorError(message, field="relation_types", path=f"{where}.{key}")

        if not isinstance(spec, dict):
            raise AnnotatorError("a relation type is an object", field="relation_types", path=where)
        name = str(spec.get("name") or "").strip()
        if not _LABEL.match(name):
            raise bad(f"relation type {name!r}: a name is a letter then letters, digits or _ (at most 64)", "name")
        if name in names:
            raise bad(f"relation type {name} is given twice", "name")
        names.add(name)
        ends = {}
        for end in ("source", "target"):
            label = spec.get(end)
            if label not in labels:
                raise bad(f"relation type {name}: {end} {label!r} is not a label of the project", end)
            ends[end] = label
        hotkey = spec.get("hotkey") or ""
        problem = _hotkey_problem(hotkey)
        if problem:
            raise bad(f"relation type {name}: {problem}", "hotkey")
        if hotkey and hotkey.lower() in keys:
            raise bad(f"hotkey {hotkey!r} is given to two relation types ({keys[hotkey.lower()]} and {name})", "hotkey")
        if hotkey:
            keys[hotkey.lower()] = name
        rows.append({"name": name, **ends, "hotkey": hotkey, "order": order})
    return rows


_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
_RULE_KEYS = {"type": ATTRIBUTE_TYPES, "choices": ("choice",), "min": ("integer",), "max": ("integer",)}
MAX_CHOICES = 200


def check_attribute_schema(label: str, schema: Any, *, path: str = "attributes") -> None:
    """The one check of a label's attribute schema, ``{name: {"type": ..., "choices":
    [...], "min": n, "max": m}}``, so every span saved against it can be checked
    (`annotator.spans`) and shown (the web app's attribute editor). Raises AnnotatorError
    naming the label, the attribute and what is wrong (field `labels`, `path` the place)."""

    def bad(message: str, where: str = "") -> AnnotatorError:
        return AnnotatorError(f"label {label}: {message}", field="labels", path=path + where)

    if not isinstance(schema, dict):
        raise bad("attributes must be an object {name: rule}")
    for name, rule in schema.items():
        at = f".{name}"
        if not (isinstance(name, str) and _ATTRIBUTE_NAME.match(name)):
            raise bad(f"attribute name {name!r}: a letter or _ then letters, digits, _ or -, at most 64")
        if not isinstance(rule, dict):
            raise bad(f"attribute {name!r}: its rule must be an object with a type", at)
        kind = rule.get("type", "text")
        if kind not in ATTRIBUTE_TYPES:
            raise bad(f"attribute {name!r} needs a type among {', '.join(ATTRIBUTE_TYPES)}, not {kind!r}", at + ".type")
        for key in rule:
            if key not in _RULE_KEYS:
                raise bad(f"attribute {name!r}: unknown rule {key!r} (known: {', '.join(_RULE_KEYS)})", f"{at}.{key}")
            if kind not in _RULE_KEYS[key]:
                raise bad(f"attribute {name!r}: {key!r} applies to {' and '.join(_RULE_KEYS[key])} attributes only")
        if kind == "choice":
            choices = rule.get("choices")
            where = at + ".choices"
            if not isinstance(choices, list) or not choices:
                raise bad(f"attribute {name!r} needs choices: a non-empty list of strings", where)
            if len(choices) > MAX_CHOICES:
                raise bad(f"attribute {name!r}: at most {MAX_CHOICES} choices", where)
            if not all(isinstance(choice, str) and choice.strip() for choice in choices):
                raise bad(f"attribute {name!r}: each choice is a non-empty string", where)
            if len(set(choices)) != len(choices):
                raise bad(f"attribute {name!r}: a choice is given twice", where)
        for bound in ("min", "max"):
            value = rule.get(bound)
            if bound in rule and (isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_INT):
                raise bad(f"attribute {name!r}: {bound} must be a whole number, not {value!r}", f"{at}.{bound}")
        if "min" in rule and "max" in rule and rule["min"] > rule["max"]:
            raise bad(f"attribute {name!r}: min {rule['min']} is above max {rule['max']}", at + ".max")


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
    relation_types: Sequence[dict[str, Any]] | None = None,
) -> Project:
    """A project with its label set; known labels (the default project's) get their colour,
    hotkey and attribute schema. `relation_types` given: exactly those; left out: BY and AT
    where the labels fit. Raises `Conflict` if the slug is taken."""
    check_slug(slug)
    if annotators_per_document < 1:
        raise AnnotatorError("annotators per document must be at least 1", field="annotators_per_document")
    if retrain_every < 1:
        raise AnnotatorError("retrain_every must be at least 1", field="retrain_every")
    check_share(control_share)
    rows = label_rows(labels)
    kinds = None
    if relation_types is not None:
        kinds = relation_type_rows(relation_types, labels=[row["name"] for row in rows])
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
            Label.objects.bulk_create(Label(project=project, **row) for row in rows)
            if kinds is None:  # the default project's relation types, where its labels are there to link
                add_default_relation_types(project)
            else:
                RelationType.objects.bulk_create(RelationType(project=project, **kind) for kind in kinds)
            if owner is not None:
                Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    except IntegrityError:  # a concurrent create of the same slug
        raise Conflict(f"project {slug!r} already exists", field="slug") from None
    return project


def add_member(*, project: Project, user: User, role: str) -> Membership:
    if role not in Role.values:
        raise AnnotatorError(f"role {role!r}: one of {', '.join(Role.values)}", field="role")
    membership, _ = Membership.objects.update_or_create(project=project, user=user, defaults={"role": role})
    return membership


@transaction.atomic
def duplicate_project(*, source: Project, slug: str, name: str | None = None, owner: User | None = None) -> Project:
    """A new project with `source`'s settings: its label set (colours, hotkeys, attribute
    schemas), relation types, guidelines, quotas and tagger weights; no documents, annotations, models or
    members (`owner` alone). Raises `Conflict` if the slug is taken."""
    labels = [
        {"name": label.name, "colour": label.colour, "hotkey": label.hotkey, "attributes": label.attributes}
        for label in source.labels.all()
    ]
    relation_types = [
        {"name": kind.name, "source": kind.source, "target": kind.target, "hotkey": kind.hotkey}
        for kind in source.relation_types.all()
    ]
    project = create_project(
        slug=slug,
        labels=labels,
        relation_types=relation_types,
        name=name or f"{source.name} (copy)"[:200],
        guidelines=source.guidelines,
        annotators_per_document=source.annotators_per_document,
        retrain_every=source.retrain_every,
        owner=owner,
    )
    project.tagger_label_weights = source.tagger_label_weights
    project.save(update_fields=["tagger_label_weights"])
    return project
