"""Which codec reads and writes which format, by name or file extension."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from annotator.exceptions import FormatError
from annotator.formats.csvfile import read_csv, write_csv
from annotator.formats.jsonl import read_jsonl, write_jsonl
from annotator.formats.records import Record
from annotator.formats.text import read_txt

Reader = Callable[[bytes], Iterator[Record]]
Writer = Callable[[Iterable[Record]], Iterator[str]]

_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "txt", ".csv": "csv"}


def _read_jsonl_bytes(data: bytes) -> Iterator[Record]:
    return read_jsonl(data.splitlines())


def _read_csv_bytes(data: bytes) -> Iterator[Record]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FormatError(f"not UTF-8 (byte {error.start})", line=line) from None
    return read_csv(io.StringIO(text, newline=""))


READERS: dict[str, Reader] = {"jsonl": _read_jsonl_bytes, "csv": _read_csv_bytes}
WRITERS: dict[str, Writer] = {"jsonl": write_jsonl, "csv": write_csv}


def detect_format(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in _EXTENSIONS:
        known = ", ".join(sorted(set(_EXTENSIONS.values()) | set(READERS)))
        raise FormatError(f"cannot tell the format of {name!r} from its extension; give --format ({known})")
    return _EXTENSIONS[suffix]


def read_path(path: Path, fmt: str | None = None) -> list[Record]:
    """Every record of a file (or, for txt, of each .txt file in a folder), read whole first
    so a bad line is found before anything is stored."""
    if not path.exists():
        raise FormatError(f"{path}: no such file or folder")
    if path.is_dir():
        if fmt not in (None, "txt"):
            raise FormatError(f"{path} is a folder: only the txt format reads folders")
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".txt")
        if not files:
            raise FormatError(f"{path}: no .txt files in the folder")
        return [read_txt(p.name, p.read_bytes()) for p in files]
    fmt = fmt or detect_format(path.name)
    return read_bytes(path.name, path.read_bytes(), fmt)


def read_bytes(name: str, data: bytes, fmt: str) -> list[Record]:
    if fmt == "txt":
        return [read_txt(name, data)]
    reader = READERS.get(fmt)
    if reader is None:
        raise FormatError(f"unknown import format {fmt!r} (known: {', '.join(sorted([*READERS, 'txt']))})")
    return list(reader(data))


def writer_for(fmt: str) -> Writer:
    writer = WRITERS.get(fmt)
    if writer is None:
        raise FormatError(f"unknown export format {fmt!r} (known: {', '.join(sorted(WRITERS))})")
    return writer
