"""The rules a list of relations obeys, with no Django: the one place they are written.

A relation is ``{"from": i, "to": j, "type": name}`` with `i` and `j` indices into the
annotation's list of spans (the list the same request or file carries). It is valid when
both ends are spans of that list and not the same span, its type is one of the project's
relation types, the span it starts from has that type's source label and the span it points
to its target label, and no link is given twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.exceptions import AnnotatorError

DEFAULT_RELATION_TYPES = (
    {"name": "BY", "source": "CASUALTY_COUNT", "target": "PERPETRATOR", "hotkey": "b"},
    {"name": "AT", "source": "CASUALTY_COUNT", "target": "LOCATION", "hotkey": "t"},
)


@dataclass(frozen=True)
class RelationRule:
    name: str
    source: str
    target: str


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def relation_problems(
    spans: Sequence[Mapping[str, Any]], relations: Sequence[Any], rules: Mapping[str, RelationRule]
) -> list[str]:
    """Every problem of `relations`, each naming the relation by its place in the list."""
    problems: list[str] = []
    seen: set[tuple[int, int, str]] = set()
    for index, relation in enumerate(relations):
        where = f"relation {index}"
        if not isinstance(relation, Mapping):
            problems.append(f"{where} must be an object with from, to and type")
            continue
        ends: list[Any] = [relation.get("from"), relation.get("to")]
        kind = relation.get("type")
        if not all(_is_index(end) and 0 <= end < len(spans) for end in ends):
            problems.append(f"{where}: from and to must be indices of the spans (0 to {len(spans) - 1})")
            continue
        start, end = int(ends[0]), int(ends[1])
        if start == end:
            problems.append(f"{where} links span {start} to itself")
            continue
        rule = rules.get(kind) if isinstance(kind, str) else None
        if rule is None:
            known = ", ".join(rules) or "none"
            problems.append(f"{where}: type {kind!r} is not a relation type of this project ({known})")
            continue
        if spans[start]["label"] != rule.source or spans[end]["label"] != rule.target:
            problems.append(
                f"{where}: {rule.name} goes from {rule.source} to {rule.target}, "
                f"not from {spans[start]['label']} to {spans[end]['label']}"
            )
            continue
        if (start, end, rule.name) in seen:
            problems.append(f"{where} repeats the link {start} → {end} ({kind})")
            continue
        seen.add((start, end, rule.name))
    return problems


def check_relations(
    spans: Sequence[Mapping[str, Any]], relations: Sequence[Any], rules: Mapping[str, RelationRule]
) -> None:
    """Raise a 400 naming the `relations` field and every problem, or return."""
    problems = relation_problems(spans, relations, rules)
    if problems:
        raise AnnotatorError("; ".join(problems[:5]) + ("; ..." if len(problems) > 5 else ""), field="relations")


def kept_relations(
    old_spans: Sequence[Mapping[str, Any]],
    old_relations: Sequence[Mapping[str, Any]],
    new_spans: Sequence[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The old relations whose two ends are still among the new spans (same offsets and
    label), as indices into the new list: what a save that sends no relations keeps."""
    place = {(s["start"], s["end"], s["label"]): i for i, s in enumerate(new_spans)}
    kept = []
    for relation in old_relations:
        source, target = old_spans[relation["from"]], old_spans[relation["to"]]
        start = place.get((source["start"], source["end"], source["label"]))
        end = place.get((target["start"], target["end"], target["label"]))
        if start is not None and end is not None:
            kept.append({"from": start, "to": end, "type": relation["type"]})
    return kept
