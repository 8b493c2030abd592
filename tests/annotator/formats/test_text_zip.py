"""Plain text export: a zip of one .txt per document, bytes exactly the text."""

from __future__ import annotations

import io
import zipfile

import pytest

from annotator.exceptions import FormatError
from annotator.formats import Record
from annotator.formats.registry import read_bytes
from annotator.formats.text import write_txt_zip

TEXTS = ["Line one.\r\nLine two \U0001f4a3\r\n", "\u062d\u0644\u0628 Cafe\u0301"]


def zipped(records: list[Record]) -> bytes:
    return b"".join(write_txt_zip(records))


def test_each_document_is_one_file_named_by_its_id_and_the_zip_imports_back_unchanged() -> None:
    records = [
        Record(text=TEXTS[0], id="fakes/0042", annotator="alice"),
        Record(text=TEXTS[0], id="fakes/0042", annotator="bob"),  # the same document: written once
        Record(text=TEXTS[1], id=".hidden"),
    ]
    data = zipped(records)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["fakes%2F0042.txt", "%2Ehidden.txt"]
    assert archive.read("fakes%2F0042.txt") == TEXTS[0].encode("utf-8")
    back = read_bytes("export.zip", data, "txt")
    assert [(r.id, r.text) for r in back] == [("fakes/0042", TEXTS[0]), (".hidden", TEXTS[1])]
    assert zipped(back) == zipped(records)


def test_a_broken_zip_is_refused() -> None:
    with pytest.raises(FormatError, match="not a zip file"):
        read_bytes("export.zip", b"PK\x03\x04 broken", "txt")
