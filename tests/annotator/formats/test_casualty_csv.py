"""The casualty CSV: counts read from CASUALTY_COUNT spans, actors and places listed."""

from __future__ import annotations

import csv
import io

from annotator.formats import Record
from annotator.formats.casualty_csv import COLUMNS, casualty_row, write_casualty_csv

TEXT = (
    "Air strikes kill 37 in Aleppo. Syrian warplanes killed at least 37 people including 16 children "
    "and 5 women in aleppo, and 20 rebels died; dozens were wounded, 40 people wounded."
)


def count(phrase: str, **attrs) -> dict:
    start = TEXT.index(phrase)
    return {"start": start, "end": start + len(phrase), "label": "CASUALTY_COUNT", "attrs": attrs}


def mention(phrase: str, label: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(phrase, start + 1)
    return {"start": start, "end": start + len(phrase), "label": label, "attrs": {}}


SPANS = [
    count("37", value=37, status="killed", victims="unspecified"),
    count("at least 37 people", value=37, status="killed", victims="unspecified", qualifier="at_least"),
    count("16 children", value=16, status="killed", victims="children"),
    count("5 women", value=5, status="killed", victims="women"),
    count("20 rebels", value=20, status="killed", victims="combatants"),
    count("dozens", status="wounded", victims="unspecified"),
    count("40 people", value=40, status="wounded", victims="unspecified"),
    mention("Aleppo", "LOCATION"),
    mention("aleppo", "LOCATION"),
    mention("Syrian warplanes", "PERPETRATOR"),
]


def test_a_headline_count_repeated_in_the_body_is_counted_once_and_groups_are_not_double_counted() -> None:
    row = casualty_row(
        Record(text=TEXT, id="d1", annotator="gold", meta={"title": "Strikes", "date": "2016"}, spans=SPANS)
    )
    # killed: max(37 unspecified, 0 civilians + 20 combatants, 16 children + 5 women + 20 combatants) = 41
    assert (row["killed"], row["wounded"], row["missing"]) == (41, 40, 0)
    assert (row["killed_unspecified"], row["killed_children"], row["killed_women"], row["killed_combatants"]) == (
        37,
        16,
        5,
        20,
    )
    assert (row["mentions"], row["uncounted"]) == (7, 1)
    assert row["locations"] == "Aleppo" and row["perpetrators"] == "Syrian warplanes"
    assert (row["id"], row["annotator"], row["title"], row["date"]) == ("d1", "gold", "Strikes", "2016")


def test_the_csv_has_a_header_and_one_row_per_record_even_without_spans() -> None:
    out = "".join(write_casualty_csv([Record(text=TEXT, id="d1", spans=SPANS), Record(text="Calm day.", id="d2")]))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == COLUMNS
    assert [(r["id"], r["killed"], r["locations"]) for r in rows] == [("d1", "41", "Aleppo"), ("d2", "0", "")]
