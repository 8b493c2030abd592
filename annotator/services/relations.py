"""Storing and reading relations (#21): the rows behind `annotator.relations`' lists.

Relations are stored against span rows. Everywhere else (the API, files, the services'
callers) they are lists of ``{"from": i, "to": j, "type": name}`` with indices into the
annotation's spans in the order those are read (offset, end, label, id), so a client never
sees a span id. A save replaces an annotation's spans and so its relations: a save that
sends no relations keeps the old ones whose two ends are still there (the same offsets and
label), and deleting a span deletes its links.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from annotator import sql
from annotator.models import GoldRelation, Project, Relation, RelationType
from annotator.relations import DEFAULT_RELATION_TYPES, RelationRule

SpanKey = tuple[int, int, str]
LinkKey = tuple[SpanKey, SpanKey, str]

_RULES_SQL = "SELECT name, source, target FROM annotator_relationtype WHERE project_id = %s"
_ANNOTATORS_LINKS_SQL = """
SELECT s.start, s."end", s.label, t.start, t."end", t.label, r.type, u.username FROM annotator_relation r
JOIN annotator_span s ON s.id = r.source_id JOIN annotator_span t ON t.id = r.target_id
JOIN annotator_annotation a ON a.id = r.annotation_id JOIN auth_user u ON u.id = a.annotator_id
WHERE r.annotation_id IN ({ids})
"""
_DELETE_SQL = "DELETE FROM annotator_relation WHERE annotation_id = %s"
_INSERT_SQL = "INSERT INTO annotator_relation (annotation_id, source_id, target_id, type) VALUES (%s, %s, %s, %s)"


def rules_of(project: Project) -> dict[str, RelationRule]:
    return {name: RelationRule(name, source, target) for name, source, target in sql.rows(_RULES_SQL, [project.pk])}


def add_default_relation_types(project: Project) -> None:
    """BY and AT, for a project whose labels have their ends (the conflict-casualty set)."""
    labels = set(project.labels.values_list("name", flat=True))
    RelationType.objects.bulk_create(
        [
            RelationType(project=project, order=order, **kind)
            for order, kind in enumerate(DEFAULT_RELATION_TYPES)
            if {kind["source"], kind["target"]} <= labels
        ],
        ignore_conflicts=True,
    )


def span_key(span: Mapping[str, Any]) -> SpanKey:
    return (span["start"], span["end"], span["label"])


def link_keys(spans: Sequence[Mapping[str, Any]], relations: Iterable[Mapping[str, Any]]) -> list[LinkKey]:
    """Relations by index as relations by their ends' offsets and labels."""
    return [(span_key(spans[r["from"]]), span_key(spans[r["to"]]), r["type"]) for r in relations]


# A link read by its two ends' offsets and labels, for annotations and the gold alike.
_LINK_FIELDS = (
    *("source__start", "source__end", "source__label"),
    *("target__start", "target__end", "target__label"),
    "type",
)


def _link(row: Sequence[Any]) -> LinkKey:
    a, b, c, d, e, f, kind = row[:7]
    return ((a, b, c), (d, e, f), kind)


def stored_links(annotation_id: int) -> list[LinkKey]:
    rows = Relation.objects.filter(annotation_id=annotation_id).order_by("id").values_list(*_LINK_FIELDS)
    return [_link(row) for row in rows]


def delete_links(annotation_id: int) -> None:
    """Before an annotation's spans are deleted by plain SQL (no cascade there)."""
    sql.execute(_DELETE_SQL, [annotation_id])


def store_links(annotation_id: int, stored_spans: Iterable[Any], links: Iterable[LinkKey]) -> None:
    """Rows for `links` whose two ends are among `stored_spans` (span rows just written)."""
    ids = {(s.start, s.end, s.label): s.pk for s in stored_spans}
    rows = [
        [annotation_id, ids[source], ids[target], kind]
        for source, target, kind in dict.fromkeys(links)
        if source in ids and target in ids
    ]
    if rows:
        sql.execute_many(_INSERT_SQL, rows)


def as_indices(
    spans: Sequence[Any], links: Iterable[LinkKey], extra: Mapping[LinkKey, Mapping[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Links by their ends as indices into `spans` (rows or dicts, in the order shown), each
    with the fields `extra` gives it (a gold relation's provenance)."""
    place: dict[SpanKey, int] = {}
    for index, span in enumerate(spans):
        key = span_key(span) if isinstance(span, Mapping) else (span.start, span.end, span.label)
        place.setdefault(key, index)
    return [
        {"from": place[source], "to": place[target], "type": kind, **(extra or {}).get((source, target, kind), {})}
        for source, target, kind in links
        if source in place and target in place
    ]


def annotation_relations(annotation: Any, spans: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    """An annotation's relations by index into `spans` (its span rows in the order shown;
    default: as `annotation.spans.all()` lists them). Reads `annotation.relations`, so a
    list of annotations prefetching "spans" and "relations" costs no query per annotation."""
    shown = list(annotation.spans.all()) if spans is None else spans
    place: dict[int, int] = {}
    for index, span in enumerate(shown):
        place.setdefault(span.pk, index)
    return [
        {"from": place[r.source_id], "to": place[r.target_id], "type": r.type}
        for r in annotation.relations.all()
        if r.source_id in place and r.target_id in place
    ]


# The gold's relations: the same links, pointing at GoldSpan rows, each with its provenance.


def stored_gold_links(gold_id: int) -> dict[LinkKey, list[str]]:
    """The gold's links, each with its provenance (annotators, or ["reviewer"])."""
    rows = GoldRelation.objects.filter(gold_id=gold_id).order_by("id").values_list(*_LINK_FIELDS, "provenance")
    return {_link(row): list(row[7] or []) for row in rows}


def links_of_annotations(annotation_ids: Iterable[int]) -> dict[LinkKey, list[str]]:
    """Every link of the given annotations, each with the annotators who have it (sorted):
    what a gold relation's provenance is made of. One query."""
    ids = sorted(set(annotation_ids))
    found: dict[LinkKey, set[str]] = {}
    if ids:
        marks = ", ".join(["%s"] * len(ids))
        for a, b, c, d, e, f, kind, who in sql.rows(_ANNOTATORS_LINKS_SQL.format(ids=marks), ids):
            found.setdefault(((a, b, c), (d, e, f), kind), set()).add(who)
    return {link: sorted(names) for link, names in found.items()}


def store_gold_links(gold: Any, stored_spans: Iterable[Any], links: Mapping[LinkKey, Sequence[str]]) -> None:
    """GoldRelation rows for `links` (link -> provenance) whose two ends are among
    `stored_spans` (the GoldSpan rows just written, with their ids)."""
    ids = {(s.start, s.end, s.label): s.pk for s in stored_spans}
    GoldRelation.objects.bulk_create(
        GoldRelation(gold=gold, source_id=ids[source], target_id=ids[target], type=kind, provenance=list(provenance))
        for (source, target, kind), provenance in links.items()
        if source in ids and target in ids
    )


def gold_relations(gold: Any, spans: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    """The gold's relations by index into `spans` (default: `gold.spans.all()`), with provenance."""
    links = stored_gold_links(gold.pk)
    shown = list(gold.spans.all()) if spans is None else spans
    return as_indices(shown, links, {link: {"provenance": names} for link, names in links.items()})
