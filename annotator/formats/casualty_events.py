"""Casualty events (export only, #21): one CSV row per CASUALTY_COUNT span, with the actors
and places its relations link it to (`BY` → PERPETRATOR, `AT` → LOCATION, as in
spec/guidelines.md's last section) and the sentence it stands in.

Columns (docs/formats.md, "casualty-events"):
- id, date, annotator: the document's id, its meta `date` (when a string) and whose
  annotation the record is (a user name, `gold` or `model`);
- count: the span's text as written (`text[start:end]`); value, qualifier, status, victims:
  its attributes as stored, empty when not set;
- perpetrators, locations: the texts of the spans the count links to with `BY` / `AT`, in
  text order, spaces collapsed, each name once (compared without case), joined with " | ";
  empty for a count with no such link and for every count of a record without relations;
- sentence: the sentence holding the count (`annotator.tokenize.sentences`; a count that
  runs over a sentence end gives every sentence it touches), from its first token to its last;
- start, end: the count's offsets in code points, `end` exclusive.

`casualty_events` is also what `casualty_csv` pools per document. No Django here; the
writer reads one record at a time, so memory stays flat however many records come.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.formats.csv_safety import write_safe_rows
from annotator.formats.records import Record
from annotator.tokenize import sentences

COUNT = "CASUALTY_COUNT"
ATTRIBUTES = ("value", "qualifier", "status", "victims")
COLUMNS = ["id", "date", "annotator", "count", *ATTRIBUTES, "perpetrators", "locations", "sentence", "start", "end"]
# The relation type that names each linked column (spec/guidelines.md, "Relations").
LINKED = {"BY": "perpetrators", "AT": "locations"}
SEPARATOR = " | "


@dataclass
class Event:
    """One casualty count with the spans its relations point to (in text order)."""

    count: dict[str, Any]
    perpetrators: list[dict[str, Any]] = field(default_factory=list)
    locations: list[dict[str, Any]] = field(default_factory=list)


def _order(span: dict[str, Any]) -> tuple[int, int, str]:
    return (span["start"], span["end"], span["label"])


def casualty_events(record: Record) -> list[Event]:
    """The events of a record, one per CASUALTY_COUNT span in text order. A relation is
    followed from its `from` span when that is a count; `BY` targets become perpetrators and
    `AT` targets locations; relations of other types, or whose ends are not spans of the
    record, are left out."""
    spans = record.spans or []
    events = {i: Event(count=span) for i, span in enumerate(spans) if span.get("label") == COUNT}
    for relation in record.relations or []:
        source, target, kind = relation.get("from"), relation.get("to"), relation.get("type")
        event = events.get(source) if isinstance(source, int) else None
        column = LINKED.get(kind) if isinstance(kind, str) else None
        if event is None or column is None or not isinstance(target, int) or not 0 <= target < len(spans):
            continue
        linked: list[dict[str, Any]] = getattr(event, column)
        if not any(span is spans[target] for span in linked):
            linked.append(spans[target])
    for event in events.values():
        event.perpetrators.sort(key=_order)
        event.locations.sort(key=_order)
    return sorted(events.values(), key=lambda event: _order(event.count))


def span_text(text: str, span: dict[str, Any]) -> str:
    """A span's text with its spaces collapsed, as a name in a list."""
    return re.sub(r"\s+", " ", text[span["start"] : span["end"]]).strip()


def distinct_names(text: str, spans: Iterable[dict[str, Any]]) -> list[str]:
    """The spans' texts (spaces collapsed) in the order given, each once, compared without case."""
    seen: dict[str, str] = {}
    for span in spans:
        name = span_text(text, span)
        if name:
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


class _Sentences:
    """Where each sentence of a text begins and ends, to find the one a span stands in."""

    def __init__(self, text: str) -> None:
        bounds = [(sentence[0].start, sentence[-1].end) for sentence in sentences(text)]
        self.text = text
        self.starts = [start for start, _ in bounds]
        self.ends = [end for _, end in bounds]

    def around(self, start: int, end: int) -> str:
        if not self.starts:
            return ""
        # The first sentence that ends after the span starts, to the last that starts before
        # it ends: a span that begins at a space before its sentence still finds it.
        first = min(bisect_right(self.ends, start), len(self.ends) - 1)
        last = max(bisect_left(self.starts, end) - 1, first)
        return self.text[self.starts[first] : self.ends[last]]


def _meta_text(meta: dict[str, Any] | None, key: str) -> str:
    value = (meta or {}).get(key, "")
    return value if isinstance(value, str) else ""


def event_rows(record: Record, events: Sequence[Event] | None = None) -> Iterator[dict[str, Any]]:
    """The CSV rows (dicts of COLUMNS) of a record's events, in text order."""
    events = casualty_events(record) if events is None else events
    if not events:
        return
    text = record.text
    where = _Sentences(text)
    document = {"id": record.id or "", "date": _meta_text(record.meta, "date"), "annotator": record.annotator or ""}
    for event in events:
        count = event.count
        attrs = count.get("attrs") or {}
        yield {
            **document,
            "count": text[count["start"] : count["end"]],
            **{name: attrs.get(name, "") for name in ATTRIBUTES},
            "perpetrators": SEPARATOR.join(distinct_names(text, event.perpetrators)),
            "locations": SEPARATOR.join(distinct_names(text, event.locations)),
            "sentence": where.around(count["start"], count["end"]),
            "start": count["start"],
            "end": count["end"],
        }


def write_casualty_events(records: Iterable[Record]) -> Iterator[str]:
    """The casualty-events CSV: a header, then each record's rows as the record comes."""
    return write_safe_rows(COLUMNS, (event_rows(record) for record in records))
