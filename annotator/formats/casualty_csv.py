"""CSV of casualty records (export only): one row per record (document × annotator), read
from the spans, in the spirit of FA-KES's crowdsourced columns (nb_children, nb_civilians,
nb_noncivilians, nb_women, actor, location).

Columns: id, annotator, title, date (from the document's meta when present); killed,
wounded, missing (totals); <status>_<victims> for every status (killed, wounded, missing)
and victim group (civilians, children, women, combatants, unspecified); mentions (the
CASUALTY_COUNT spans), uncounted (those without a value or a status: "dozens of
civilians"); perpetrators and locations (the distinct PERPETRATOR and LOCATION texts, in
the order they first appear, ';'-joined, spaces collapsed, compared without case).

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

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from annotator.formats.csv_safety import safe_dict
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


def _distinct(texts: Iterable[str]) -> str:
    seen: dict[str, str] = {}
    for text in texts:
        shown = re.sub(r"\s+", " ", text).strip()
        if shown:
            seen.setdefault(shown.casefold(), shown)
    return ";".join(seen.values())


def casualty_row(record: Record) -> dict[str, Any]:
    """The casualty record of one document's spans, as a CSV row (a dict of COLUMNS)."""
    groups = {(status, victims): 0 for status in STATUSES for victims in VICTIMS}
    mentions = uncounted = 0
    perpetrators: list[str] = []
    locations: list[str] = []
    for span in sorted(record.spans or [], key=lambda s: (s["start"], s["end"])):
        text = record.text[span["start"] : span["end"]]
        if span["label"] == "PERPETRATOR":
            perpetrators.append(text)
        elif span["label"] == "LOCATION":
            locations.append(text)
        elif span["label"] == "CASUALTY_COUNT":
            mentions += 1
            attrs = span.get("attrs") or {}
            value, status = attrs.get("value"), attrs.get("status")
            victims = attrs.get("victims") or "unspecified"
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or status not in STATUSES
                or victims not in VICTIMS
            ):
                uncounted += 1
                continue
            groups[(status, victims)] = max(groups[(status, victims)], value)
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
        perpetrators=_distinct(perpetrators),
        locations=_distinct(locations),
    )
    return row


def write_casualty_csv(records: Iterable[Record]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    yield buffer.getvalue()
    for record in records:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(safe_dict(casualty_row(record)))  # titles and span texts are anyone's
        yield buffer.getvalue()
