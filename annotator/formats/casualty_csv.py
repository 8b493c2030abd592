"""CSV of casualty records (export only): one row per record (document × annotator), read
from its casualty events, in the spirit of FA-KES's crowdsourced columns (nb_children, nb_civilians,
nb_noncivilians, nb_women, actor, location).

Columns: id, annotator, title, date (from the document's meta when present); killed,
wounded, missing (totals); <status>_<victims> for every status (killed, wounded, missing)
and victim group (civilians, children, women, combatants, unspecified); mentions (the
CASUALTY_COUNT spans), uncounted (those without a value or a status: "dozens of
civilians"); perpetrators and locations (distinct texts, in the order they first appear,
';'-joined, spaces collapsed, compared without case).

The row is derived from the record's casualty events (`casualty_events`): every
CASUALTY_COUNT span is an event and gives the figures. Where the record has relations, the
actors and places are those the events link to (`BY` and `AT` targets), so an article that
reports three attacks lists the actors and places of its counts, not every PERPETRATOR and
LOCATION it names (a blamed group, the source's city). Where it has none, every
PERPETRATOR and LOCATION span of the document is listed, as before relations existed.

How mentions add up — a news text repeats its counts (the headline's "kills 150" comes
back as "150 people" in the body, "at least 37 people" as "37 dead" in a quote), so
mentions are never summed within a group:
- per status × victim group, the count is the largest value stated for it;
- the total per status is the largest of: the unspecified count, civilians + combatants,
  children + women + combatants. Children and women are usually among the civilians
  ("37 people including 16 children"), so groups are only added where they cannot
  overlap.
A mention with no value or no status adds nothing and is counted in `uncounted`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from annotator.formats.casualty_events import casualty_events, distinct_names
from annotator.formats.csv_safety import write_safe_rows
from annotator.formats.records import Record

STATUSES = ("killed", "wounded", "missing")
VICTIMS = ("civilians", "children", "women", "combatants", "unspecified")
COLUMNS = [
    "id",
    "annotator",
    "title",
    "date",
    *STATUSES,
    *(f"{status}_{victims}" for status in STATUSES for victims in VICTIMS),
    "mentions",
    "uncounted",
    "perpetrators",
    "locations",
]


def casualty_row(record: Record) -> dict[str, Any]:
    """The casualty record of one document's events, as a CSV row (a dict of COLUMNS)."""
    groups = {(status, victims): 0 for status in STATUSES for victims in VICTIMS}
    mentions = uncounted = 0
    events = casualty_events(record)
    for event in events:
        mentions += 1
        attrs = event.count.get("attrs") or {}
        value, status = attrs.get("value"), attrs.get("status")
        victims = attrs.get("victims") or "unspecified"
        if not isinstance(value, int) or isinstance(value, bool) or status not in STATUSES or victims not in VICTIMS:
            uncounted += 1
            continue
        groups[(status, victims)] = max(groups[(status, victims)], value)
    spans = record.spans or []
    if record.relations:
        perpetrators = [span for event in events for span in event.perpetrators]
        locations = [span for event in events for span in event.locations]
    else:
        perpetrators = [span for span in spans if span["label"] == "PERPETRATOR"]
        locations = [span for span in spans if span["label"] == "LOCATION"]
    meta = record.meta or {}
    row: dict[str, Any] = {
        "id": record.id or "",
        "annotator": record.annotator or "",
        "title": meta.get("title", "") if isinstance(meta.get("title", ""), str) else "",
        "date": meta.get("date", "") if isinstance(meta.get("date", ""), str) else "",
    }
    for status in STATUSES:
        g = {victims: groups[(status, victims)] for victims in VICTIMS}
        row[status] = max(
            g["unspecified"], g["civilians"] + g["combatants"], g["children"] + g["women"] + g["combatants"]
        )
    for (status, victims), value in groups.items():
        row[f"{status}_{victims}"] = value
    row.update(
        mentions=mentions,
        uncounted=uncounted,
        perpetrators=_listed(record.text, perpetrators),
        locations=_listed(record.text, locations),
    )
    return row


def _listed(text: str, spans: Iterable[dict[str, Any]]) -> str:
    """Distinct names in the order they first appear in the text."""
    ordered = sorted(spans, key=lambda s: (s["start"], s["end"]))
    return ";".join(distinct_names(text, ordered))


def write_casualty_csv(records: Iterable[Record]) -> Iterator[str]:
    return write_safe_rows(COLUMNS, ([casualty_row(record)] for record in records))
