"""Plain text: one document a file, its id the file's name without the extension."""

from __future__ import annotations

from pathlib import PurePath

from annotator.exceptions import FormatError
from annotator.formats.records import Record


def read_txt(name: str, content: bytes) -> Record:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(f"{name}: not UTF-8 (byte {error.start})") from None
    if not text.strip():
        raise FormatError(f"{name}: the file is empty")
    return Record(text=text, id=PurePath(name).stem, meta={"filename": PurePath(name).name})


def write_txt(record: Record) -> str:
    return record.text
