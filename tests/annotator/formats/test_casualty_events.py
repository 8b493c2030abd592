"""The casualty-events CSV (#21): a row per casualty count with the actors and places its
relations link it to and the sentence it stands in; and the per-document casualty CSV
derived from those events. The text mixes Arabic, accented Latin, an emoji outside the
BMP, a flag and a ZWJ family, so every offset below is a code point counted by hand."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from annotator.formats import Record
from annotator.formats.casualty_csv import casualty_row, write_casualty_csv
from annotator.formats.casualty_events import COLUMNS, casualty_events, write_casualty_events

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
FLAG = "\U0001f1f8\U0001f1fe"
FIRST = (
    f"حلب \U0001f4a3: l'armée syrienne {FLAG} a tué 12 civils à Alep-Est; "
    f"l'aviation russe a tué 7 combattants à Idlib {FAMILY}."
)
SECOND = "=1+2 morts selon Zoé, qui accuse @Daesh."
TEXT = FIRST + "\n" + SECOND


def span(start: int, end: int, label: str, **attrs: object) -> dict:  # type: ignore[type-arg]
    return {"start": start, "end": end, "label": label, "attrs": attrs}


# Offsets counted by hand: "حلب" is 3 code points, the bomb 1, the flag 2, the family 5.
SPANS = [
    span(78, 91, "CASUALTY_COUNT", value=7, qualifier="exact", status="killed", victims="combatants"),  # 0
    span(0, 3, "LOCATION"),  # 1 حلب
    span(33, 42, "CASUALTY_COUNT", value=12, qualifier="exact", status="killed", victims="civilians"),  # 2
    span(7, 23, "PERPETRATOR"),  # 3 l'armée syrienne
    span(45, 53, "LOCATION"),  # 4 Alep-Est
    span(55, 71, "PERPETRATOR"),  # 5 l'aviation russe
    span(94, 99, "LOCATION"),  # 6 Idlib
    span(107, 117, "CASUALTY_COUNT", value=3, status="killed"),  # 7 =1+2 morts
    span(140, 146, "PERPETRATOR"),  # 8 @Daesh, blamed but linked to nothing
]
RELATIONS = [
    {"from": 2, "to": 4, "type": "AT"},
    {"from": 2, "to": 3, "type": "BY"},
    {"from": 2, "to": 1, "type": "AT"},
    {"from": 0, "to": 5, "type": "BY"},
    {"from": 0, "to": 6, "type": "AT"},
]


def record(**changes: object) -> Record:
    fields = {
        "text": TEXT,
        "id": "mixed-1",
        "meta": {"date": "2016-08-12", "title": "Frappes"},
        "spans": SPANS,
        "annotator": "alice",
        "relations": RELATIONS,
    }
    return Record(**{**fields, **changes})  # type: ignore[arg-type]


def rows(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_the_offsets_counted_by_hand_are_the_texts_code_points() -> None:
    texts = [TEXT[s["start"] : s["end"]] for s in SPANS]
    assert texts == [
        "7 combattants",
        "حلب",
        "12 civils",
        "l'armée syrienne",
        "Alep-Est",
        "l'aviation russe",
        "Idlib",
        "=1+2 morts",
        "@Daesh",
    ]


def test_each_count_is_a_row_with_its_own_actors_places_and_sentence() -> None:
    out = "".join(write_casualty_events([record()]))
    assert out.splitlines()[0] == ",".join(COLUMNS)
    document = {"id": "mixed-1", "date": "2016-08-12", "annotator": "alice"}
    assert rows(out) == [
        {
            **document,
            "count": "12 civils",
            "value": "12",
            "qualifier": "exact",
            "status": "killed",
            "victims": "civilians",
            # Both places, in text order (حلب was linked last), joined with " | ".
            "perpetrators": "l'armée syrienne",
            "locations": "حلب | Alep-Est",
            "sentence": FIRST,
            "start": "33",
            "end": "42",
        },
        {
            **document,
            "count": "7 combattants",
            "value": "7",
            "qualifier": "exact",
            "status": "killed",
            "victims": "combatants",
            "perpetrators": "l'aviation russe",
            "locations": "Idlib",
            "sentence": FIRST,
            "start": "78",
            "end": "91",
        },
        {
            **document,
            # A formula-looking count and sentence get an apostrophe; the blamed @Daesh is no link.
            "count": "'=1+2 morts",
            "value": "3",
            "qualifier": "",
            "status": "killed",
            "victims": "",
            "perpetrators": "",
            "locations": "",
            "sentence": "'" + SECOND,
            "start": "107",
            "end": "117",
        },
    ]


def test_a_linked_actor_that_looks_like_a_formula_is_escaped() -> None:
    relations = [*RELATIONS, {"from": 7, "to": 8, "type": "BY"}]
    (*_, last) = rows("".join(write_casualty_events([record(relations=relations)])))
    assert last["perpetrators"] == "'@Daesh"


def test_a_record_without_relations_gives_its_counts_with_no_links() -> None:
    found = rows("".join(write_casualty_events([record(relations=None)])))
    assert [(r["count"], r["perpetrators"], r["locations"]) for r in found] == [
        ("12 civils", "", ""),
        ("7 combattants", "", ""),
        ("'=1+2 morts", "", ""),
    ]


def test_a_record_without_counts_or_spans_gives_no_row() -> None:
    out = "".join(write_casualty_events([Record(text="Calm day.", id="d2"), record(spans=[span(0, 3, "LOCATION")])]))
    assert out == ",".join(COLUMNS) + "\n"


def test_a_count_over_a_line_break_gives_both_sentences_and_a_same_name_is_listed_once() -> None:
    text = "Air strikes by IS killed 12\npeople. IS and is again."
    spans = [span(25, 34, "CASUALTY_COUNT"), span(15, 17, "PERPETRATOR"), span(36, 38, "PERPETRATOR")]
    relations = [{"from": 0, "to": 1, "type": "BY"}, {"from": 0, "to": 2, "type": "BY"}]
    (event,) = rows("".join(write_casualty_events([Record(text=text, spans=spans, relations=relations)])))
    assert event["count"] == "12\npeople"
    assert event["sentence"] == "Air strikes by IS killed 12\npeople."
    assert event["perpetrators"] == "IS"


def test_the_writer_reads_one_record_at_a_time() -> None:
    taken = []

    def records() -> Iterator[Record]:
        for number in range(1000):
            taken.append(number)
            yield record(id=f"d{number}")

    chunks = write_casualty_events(records())
    assert next(chunks) == ",".join(COLUMNS) + "\n" and taken == []
    assert "d0" in next(chunks) and taken == [0]
    assert "d1" in next(chunks) and taken == [0, 1]


def test_the_events_are_what_the_document_row_pools_when_the_record_has_relations() -> None:
    events = casualty_events(record())
    assert [TEXT[e.count["start"] : e.count["end"]] for e in events] == ["12 civils", "7 combattants", "=1+2 morts"]
    row = casualty_row(record())
    # Only the linked actors and places, in text order; @Daesh is named but linked to no count.
    assert row["perpetrators"] == "l'armée syrienne;l'aviation russe"
    assert row["locations"] == "حلب;Alep-Est;Idlib"
    # The figures are as before: killed is max(3 unspecified, 12 civilians + 7 combatants).
    assert (row["killed"], row["killed_civilians"], row["killed_combatants"], row["killed_unspecified"]) == (
        19,
        12,
        7,
        3,
    )
    assert (row["mentions"], row["uncounted"]) == (3, 0)


def test_a_document_row_without_relations_lists_every_actor_and_place_as_before() -> None:
    row = casualty_row(record(relations=None))
    assert row["perpetrators"] == "l'armée syrienne;l'aviation russe;@Daesh"
    assert row["locations"] == "حلب;Alep-Est;Idlib"
    assert row["killed"] == 19
    (written,) = rows("".join(write_casualty_csv([record(relations=None)])))
    assert written["perpetrators"] == "l'armée syrienne;l'aviation russe;@Daesh"


def test_three_attacks_give_their_own_links_in_the_events_and_only_those_in_the_document_row() -> None:
    text = (
        "Regime jets killed 5 people in Douma. ISIS fighters killed 3 soldiers in Palmyra. "
        "Turkish shelling killed 2 civilians in Afrin, a monitor in London said."
    )

    def at(words: str, label: str, **attrs: object) -> dict:  # type: ignore[type-arg]
        start = text.index(words)
        return span(start, start + len(words), label, **attrs)

    spans = [
        at("Regime jets", "PERPETRATOR"),
        at("5 people", "CASUALTY_COUNT", value=5, status="killed", victims="unspecified"),
        at("Douma", "LOCATION"),
        at("ISIS fighters", "PERPETRATOR"),
        at("3 soldiers", "CASUALTY_COUNT", value=3, status="killed", victims="combatants"),
        at("Palmyra", "LOCATION"),
        at("Turkish shelling", "PERPETRATOR"),
        at("2 civilians", "CASUALTY_COUNT", value=2, status="killed", victims="civilians"),
        at("Afrin", "LOCATION"),
        at("London", "LOCATION"),
    ]
    relations = [
        {"from": 1, "to": 0, "type": "BY"},
        {"from": 1, "to": 2, "type": "AT"},
        {"from": 4, "to": 3, "type": "BY"},
        {"from": 4, "to": 5, "type": "AT"},
        {"from": 7, "to": 6, "type": "BY"},
        {"from": 7, "to": 8, "type": "AT"},
    ]
    three = Record(text=text, id="d3", spans=spans, relations=relations)
    events = rows("".join(write_casualty_events([three])))
    assert [(e["count"], e["perpetrators"], e["locations"]) for e in events] == [
        ("5 people", "Regime jets", "Douma"),
        ("3 soldiers", "ISIS fighters", "Palmyra"),
        ("2 civilians", "Turkish shelling", "Afrin"),
    ]
    row = casualty_row(three)
    assert row["locations"] == "Douma;Palmyra;Afrin"  # London, where the monitor is, is no event's place
    assert row["perpetrators"] == "Regime jets;ISIS fighters;Turkish shelling"
