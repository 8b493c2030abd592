"""Files built to exhaust the machine are refused with a reason, before they are unpacked."""

from __future__ import annotations

import io
import zipfile

import pytest

from annotator.exceptions import FormatError
from annotator.formats.jsonl import read_jsonl
from annotator.formats.registry import read_bytes
from annotator.formats.text import read_txt_zip


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    bomb = zip_of({"a.txt": b"A" * 50_000_000})  # 50 MB of one letter squeezes to ~50 KB
    assert len(bomb) < 200_000
    with pytest.raises(FormatError, match="a zip bomb"):
        list(read_txt_zip(bomb))


def test_a_zip_larger_than_the_limit_is_refused() -> None:
    archive = zip_of({f"{i}.txt": f"Report {i} from Aleppo. ".encode() * 50 for i in range(20)})
    with pytest.raises(FormatError, match="the limit is 5000"):
        list(read_txt_zip(archive, max_bytes=5000))


def test_an_honest_zip_imports() -> None:
    records = list(read_txt_zip(zip_of({"one.txt": b"Shelling in Idlib.", "two.txt": b"Clashes in Homs."})))
    assert [(r.id, r.text) for r in records] == [("one", "Shelling in Idlib."), ("two", "Clashes in Homs.")]


def test_deeply_nested_json_is_a_clear_error() -> None:
    line = '{"text": "x", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(FormatError, match="line 1: JSON nested too deeply"):
        list(read_jsonl([line]))


def test_a_csv_field_past_the_field_limit_is_refused_by_line() -> None:
    data = b"id,text\n1,Short report.\n2," + b"A" * 200_000 + b"\n"
    with pytest.raises(FormatError, match="line 3: bad CSV: field larger than field limit"):
        read_bytes("x.csv", data, "csv")
