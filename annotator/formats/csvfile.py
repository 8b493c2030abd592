"""CSV with a `text` column; `id` optional; every other column is kept in `meta`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from annotator.exceptions import FormatError
from annotator.formats.csv_safety import restore, safe_row
from annotator.formats.records import Record


def read_csv(lines: Iterable[str]) -> Iterator[Record]:
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise FormatError("the file is empty") from None
    except csv.Error as error:
        raise FormatError(f"bad CSV: {error}", line=1) from None
    header = [restore(name.strip().lstrip("\ufeff")) for name in header]
    if "text" not in header:
        raise FormatError(f"no 'text' column (columns: {', '.join(header)})", line=1)
    text_at = header.index("text")
    id_at = header.index("id") if "id" in header else None
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FormatError(f"bad CSV: {error}", line=reader.line_num) from None
        line = reader.line_num
        row = [restore(cell) for cell in row]  # undo our exports' formula guard (csv_safety)
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise FormatError(f"{len(row)} columns where the header has {len(header)}", line=line)
        text = row[text_at]
        if not text.strip():
            raise FormatError("'text' is empty", line=line)
        doc_id = row[id_at].strip() if id_at is not None else None
        meta = {
            name: value for i, (name, value) in enumerate(zip(header, row, strict=True)) if i not in (text_at, id_at)
        }
        yield Record(text=text, id=doc_id or None, meta=meta, line=line)


def write_csv(records: Iterable[Record]) -> Iterator[str]:
    """Documents as CSV (id, text, then each meta key seen in the first record), every cell
    guarded against running as a spreadsheet formula (csv_safety)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns: list[str] | None = None
    for record in records:
        if columns is None:
            columns = [key for key in record.meta if isinstance(key, str)]
            writer.writerow(safe_row(["id", "text", *columns]))
        writer.writerow(safe_row([record.id, record.text, *(record.meta.get(key, "") for key in columns)]))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
