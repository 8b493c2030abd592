"""Cells a spreadsheet would run as a formula, made inert (OWASP's CSV injection rule).

A spreadsheet treats a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return
as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`), so every CSV the app writes passes
its cells through `neutralise`, which puts an apostrophe in front of such a cell: the
spreadsheet then shows the text as it is, apostrophe hidden.

Decisions (docs/formats.md):
- numbers stay numbers: an int or float cell, or a string that is only a decimal number
  ("-3", "+1.5", "-2e3"), is written as it is; a spreadsheet reads it as a number, never
  as a formula;
- the rule is reversible, so a CSV export imports back to the same texts: a cell made of
  apostrophes and then a formula character gets one more apostrophe on the way out, and
  `restore` (used by the CSV reader) takes one off on the way in. A cell that begins with
  an apostrophe followed by anything else ("'tis") is left alone both ways.

No Django here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = re.compile(r"^'*[=+\-@\t\r]")
_RESTORABLE = re.compile(r"^'+[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """`value` as a CSV cell that no spreadsheet runs: non-strings and plain numbers as they
    are, a string that would start a formula with an apostrophe in front."""
    if not isinstance(value, str) or not _ESCAPED.match(value):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def restore(cell: str) -> str:
    """The inverse of `neutralise` for a cell read back from one of our CSV files."""
    return cell[1:] if _RESTORABLE.match(cell) else cell


def safe_row(cells: Iterable[Any]) -> list[Any]:
    """A row for `csv.writer.writerow`, every cell neutralised."""
    return [neutralise(cell) for cell in cells]


def safe_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row for `csv.DictWriter.writerow`, every value neutralised (the keys are ours)."""
    return {key: neutralise(value) for key, value in row.items()}


def write_safe_rows(columns: Sequence[str], rows_per_record: Iterable[Iterable[Mapping[str, Any]]]) -> Iterator[str]:
    """A CSV of `columns` streamed as text chunks: the header, then each record's rows (an
    iterable of rows a record, so a record may give none or several) with every value
    neutralised: span texts, sentences and titles are anyone's."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    yield buffer.getvalue()
    for rows in rows_per_record:
        buffer.seek(0)
        buffer.truncate()
        for row in rows:
            writer.writerow(safe_dict(row))
        if buffer.tell():
            yield buffer.getvalue()
