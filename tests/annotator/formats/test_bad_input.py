"""Text that cannot be stored is refused by every importer, naming the line (or file) and
field, before anything is stored: one check (`registry.checked`) on every reader's records."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from annotator.exceptions import FormatError
from annotator.formats.registry import read_bytes


def jsonl_bytes(*lines: str) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


GOOD = '{"id": "a", "text": "Shelling hit Douma."}'


@pytest.mark.parametrize(
    ("bad_line", "words"),
    [
        (r'{"text": "Shelling hit Douma.", "meta": {"note": "\ud800"}}', "line 2: meta.note: a lone surrogate"),
        (r'{"text": "Shelling \udc00 hit Douma."}', "line 2: text: a lone surrogate"),
        (r'{"text": "Shelling hit Douma.", "meta": {"k\u0000": 1}}', r'line 2: meta["k\u0000"]: a key: NUL'),
        ('{"text": "Shelling hit Douma.", "meta": {"n": 1' + "0" * 400 + "}}", "line 2: meta.n: the whole number"),
        (
            r'{"text": "Hit Douma.", "spans": [{"start": 0, "end": 3, "label": "X", "attrs": {"a": "\ud800"}}]}',
            "line 2: spans[0].attrs.a: a lone surrogate",
        ),
        (r'{"text": "Shelling hit Douma.", "source": "\ud800"}', "line 2: meta.source: a lone surrogate"),
    ],
)
def test_jsonl_with_text_that_cannot_be_stored_is_refused_naming_line_and_field(bad_line: str, words: str) -> None:
    with pytest.raises(FormatError) as caught:
        read_bytes("docs.jsonl", jsonl_bytes(GOOD, bad_line), "jsonl")
    assert str(caught.value).startswith(words), str(caught.value)


def test_a_nul_in_a_csv_text_is_refused_naming_the_line() -> None:
    with pytest.raises(FormatError, match=r"^line 3: text: NUL"):
        read_bytes("docs.csv", b"id,text\n1,Fine text.\n2,Bad \x00 text.\n", "csv")


def test_a_deeply_nested_label_studio_file_names_the_line_not_a_python_error() -> None:
    data = b'[{"data": {"text": "x"},\n  "annotations": ' + b"[" * 50_000 + b"]" * 50_000 + b"}]"
    with pytest.raises(FormatError, match=r"^line 2: JSON nested too deeply \(more than 64 levels\) \(column "):
        read_bytes("tasks.json", data, "labelstudio")


def test_label_studio_meta_nested_past_the_limit_but_within_python_is_refused_naming_the_task() -> None:
    task = {"data": {"text": "Shelling hit Douma.", "meta": {"deep": json.loads("[" * 100 + "]" * 100)}}}
    with pytest.raises(FormatError, match=r"^line 1: meta.deep(\[0\])+: JSON nested too deeply"):
        read_bytes("tasks.json", json.dumps([task]).encode(), "labelstudio")


def test_a_zip_member_with_a_bad_crc_is_refused_naming_the_member() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("fine.txt", b"Shelling hit Douma.")
        archive.writestr("damaged.txt", b"Clashes in Homs.")
    data = bytearray(buffer.getvalue())
    at = data.index(b"Clashes in Homs.")
    data[at] = ord("K")  # the stored bytes no longer match the member's CRC-32
    with pytest.raises(FormatError, match=r"^damaged.txt: cannot unpack it from the zip \(Bad CRC-32"):
        read_bytes("docs.zip", bytes(data), "txt")


def test_a_text_file_with_a_nul_is_refused_naming_the_file() -> None:
    with pytest.raises(FormatError, match=r"^'report.txt': text: NUL"):
        read_bytes("report.txt", b"Shelling \x00 hit Douma.", "txt")
