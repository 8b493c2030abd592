"""Which codec reads and writes which format, by name or file extension.

Import formats: jsonl and doccano (the same reader: ours and doccano's), txt (a file, a
folder of files or a zip), csv (a `text` column), conll and conll-meta (the same reader),
labelstudio, spacy.
Export formats (`EXPORT_FORMATS`): jsonl, doccano, csv (documents), conll, conll-meta,
labelstudio, spacy (binary), casualty-csv and casualty-events (export only), txt (a zip,
binary), hf (a zip for Hugging Face `datasets`, binary).
See docs/formats.md.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from annotator import jsoncheck
from annotator.exceptions import FormatError
from annotator.formats.casualty_csv import write_casualty_csv
from annotator.formats.casualty_events import write_casualty_events
from annotator.formats.conll import read_conll, write_conll, write_conll_meta
from annotator.formats.csvfile import read_csv, write_csv
from annotator.formats.doccano import write_doccano
from annotator.formats.hf import write_hf
from annotator.formats.jsonl import read_jsonl, write_jsonl
from annotator.formats.labelstudio import read_labelstudio, write_labelstudio
from annotator.formats.records import Record
from annotator.formats.spacy_docbin import read_spacy, require_spacy, write_spacy
from annotator.formats.text import read_txt, read_txt_zip, write_txt_zip

Reader = Callable[[bytes], Iterator[Record]]
Writer = Callable[..., Iterator[Any]]  # Iterable[Record] -> Iterator[str] (or bytes when binary)

_EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".txt": "txt",
    ".zip": "txt",
    ".csv": "csv",
    ".conll": "conll",
    ".iob": "conll",
    ".iob2": "conll",
    ".json": "labelstudio",
    ".spacy": "spacy",
}


@dataclass(frozen=True)
class ExportFormat:
    """An export format: its writer and what a file or an HTTP response of it needs."""

    name: str
    writer: Writer
    extension: str
    media_type: str
    binary: bool = False
    # The writer takes `on_loss` and calls it for each record that lost spans in the format.
    reports_loss: bool = False
    # Raises AnnotatorError before anything is written when the format cannot be made here.
    check: Callable[[], None] | None = None
    # The writer takes `labels`, the project's label names in order (hf: fixed tag ids).
    takes_labels: bool = False
    # The writer takes `relations`: whether the project has any, so that every line is in
    # the shape that carries them (doccano reads a file in one shape).
    takes_relations: bool = False

    def write(
        self,
        records: Iterable[Record],
        *,
        on_loss: Callable[[str], None] | None = None,
        labels: Sequence[str] | None = None,
        relations: bool = False,
    ) -> Iterator[Any]:
        if self.check is not None:
            self.check()
        options: dict[str, Any] = {}
        if self.reports_loss:
            options["on_loss"] = on_loss
        if self.takes_labels:
            options["labels"] = labels
        if self.takes_relations:
            options["relations"] = relations
        return self.writer(records, **options)


EXPORT_FORMATS: dict[str, ExportFormat] = {
    spec.name: spec
    for spec in (
        ExportFormat("jsonl", write_jsonl, "jsonl", "application/x-ndjson; charset=utf-8"),
        ExportFormat("doccano", write_doccano, "jsonl", "application/x-ndjson; charset=utf-8", takes_relations=True),
        ExportFormat("csv", write_csv, "csv", "text/csv; charset=utf-8"),
        ExportFormat("conll", write_conll, "conll", "text/plain; charset=utf-8", reports_loss=True),
        ExportFormat("conll-meta", write_conll_meta, "conll", "text/plain; charset=utf-8", reports_loss=True),
        ExportFormat("labelstudio", write_labelstudio, "json", "application/json; charset=utf-8"),
        ExportFormat("spacy", write_spacy, "spacy", "application/octet-stream", binary=True, check=require_spacy),
        ExportFormat("casualty-csv", write_casualty_csv, "csv", "text/csv; charset=utf-8"),
        ExportFormat("casualty-events", write_casualty_events, "csv", "text/csv; charset=utf-8"),
        ExportFormat("txt", write_txt_zip, "zip", "application/zip", binary=True),
        ExportFormat("hf", write_hf, "zip", "application/zip", binary=True, reports_loss=True, takes_labels=True),
    )
}


def _decoded(data: bytes, *, bom: bool = True) -> str:
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FormatError(f"not UTF-8 (byte {error.start})", line=line) from None


def _read_jsonl_bytes(data: bytes) -> Iterator[Record]:
    return read_jsonl(data.splitlines())


def _read_csv_bytes(data: bytes) -> Iterator[Record]:
    return read_csv(io.StringIO(_decoded(data), newline=""))


def _read_conll_bytes(data: bytes) -> Iterator[Record]:
    # Split on "\n" alone: a '# text' line may hold characters str.splitlines() breaks on.
    return read_conll(_decoded(data).split("\n"))


READERS: dict[str, Reader] = {
    "jsonl": _read_jsonl_bytes,
    "doccano": _read_jsonl_bytes,
    "csv": _read_csv_bytes,
    "conll": _read_conll_bytes,
    "conll-meta": _read_conll_bytes,
    "labelstudio": read_labelstudio,
    "spacy": read_spacy,
}
WRITERS: dict[str, Writer] = {name: spec.writer for name, spec in EXPORT_FORMATS.items()}


def detect_format(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in _EXTENSIONS:
        known = ", ".join(sorted(set(_EXTENSIONS.values()) | set(READERS)))
        raise FormatError(f"cannot tell the format of {name!r} from its extension; give --format ({known})")
    return _EXTENSIONS[suffix]


def _txt_files(path: Path, fmt: str | None) -> list[Path] | None:
    """The .txt files of a folder (None for a file); a missing path, a folder of another
    format or one without .txt files fail here."""
    if not path.exists():
        raise FormatError(f"{path}: no such file or folder")
    if not path.is_dir():
        return None
    if fmt not in (None, "txt"):
        raise FormatError(f"{path} is a folder: only the txt format reads folders")
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".txt")
    if not files:
        raise FormatError(f"{path}: no .txt files in the folder")
    return files


def read_path(path: Path, fmt: str | None = None) -> list[Record]:
    """Every record of a file (or, for txt, of each .txt file in a folder), read whole first
    so a bad line is found before anything is stored."""
    files = _txt_files(path, fmt)
    if files is not None:
        return checked([read_txt(p.name, p.read_bytes()) for p in files])
    fmt = fmt or detect_format(path.name)
    return read_bytes(path.name, path.read_bytes(), fmt)


def read_bytes(name: str, data: bytes, fmt: str) -> list[Record]:
    if fmt == "txt":
        if name.lower().endswith(".zip") or data.startswith(b"PK\x03\x04"):
            return checked(read_txt_zip(data))
        return checked([read_txt(name, data)])
    reader = READERS.get(fmt)
    if reader is None:
        raise FormatError(f"unknown import format {fmt!r} (known: {', '.join(sorted([*READERS, 'txt']))})")
    return checked(reader(data))


def checked(records: Iterable[Record]) -> list[Record]:
    """Every record of `records`, checked (see `check_each`)."""
    return list(check_each(records))


def check_each(records: Iterable[Record]) -> Iterator[Record]:
    """The records as they come, each checked by `annotator.jsoncheck`'s rules (every reader's output
    passes here): text that cannot be stored (a lone surrogate, a NUL), JSON nested too
    deeply or numbers out of range in `meta` or a span's attrs fail the import, naming the
    line (or file) and the field, before anything is stored."""
    for number, record in enumerate(records, start=1):
        if (
            _fine_text(record.text)
            and _fine_text(record.id)
            and _fine_text(record.annotator)
            and _fine(record.meta, 1)
            and (record.spans is None or _fine(record.spans, 1))
        ):
            yield record
            continue
        stored = {"text": record.text, "id": record.id, "annotator": record.annotator, "meta": record.meta}
        try:
            jsoncheck.check_value({**stored, "spans": record.spans})
        except jsoncheck.BadJson as problem:
            if record.line:
                raise FormatError(str(problem), line=record.line) from None
            filename = record.meta.get("filename") if isinstance(record.meta, dict) else None
            where = repr(filename) if isinstance(filename, str) and not jsoncheck.text_problem(filename) else ""
            raise FormatError(f"{where or f'record {number}'}: {problem}") from None
        yield record


def _fine_text(value: str | None) -> bool:
    return value is None or (type(value) is str and jsoncheck.text_problem(value) is None)


def _fine(value: Any, depth: int = 0) -> bool:
    """Whether `value` meets `jsoncheck.check_value`'s rules, without building the path to
    every value as it does (a third of a large import's time): a quick pass for the
    common case; a value it doubts gets the full check, which names the problem. Loops
    rather than all(...), and plain ASCII strings passed inline: it runs on every value of
    every line of an import (#17)."""
    kind = type(value)
    if kind is str:
        return (value.isascii() and "\x00" not in value) or jsoncheck.text_problem(value) is None
    if kind is dict:
        if depth >= jsoncheck.MAX_DEPTH:
            return False
        for key, item in value.items():
            if type(key) is not str:
                return False
            if not (key.isascii() and "\x00" not in key) and jsoncheck.text_problem(key) is not None:
                return False
            if type(item) is str:
                if not (item.isascii() and "\x00" not in item) and jsoncheck.text_problem(item) is not None:
                    return False
            elif not _fine(item, depth + 1):
                return False
        return True
    if kind is list:
        if depth >= jsoncheck.MAX_DEPTH:
            return False
        return all(_fine(item, depth + 1) for item in value)
    if kind is int:
        return bool(-jsoncheck.MAX_INT <= value <= jsoncheck.MAX_INT)
    if kind is float:
        return math.isfinite(value)
    return value is None or kind is bool


# Streaming: records read as they come, for imports of files of any size in bounded memory.
# jsonl, csv, conll and txt (a folder, or a zip read member by member) stream; labelstudio
# (one JSON array: the standard library has no incremental JSON parser) and spacy (one
# DocBin, a compressed msgpack blob) are read whole, as are single .txt files (one document).
STREAMED = ("jsonl", "csv", "conll", "conll-meta", "txt")
_BLOCK = 1 << 20


def iter_path(path: Path, fmt: str | None = None) -> Iterator[Record]:
    """The records of a file or folder, as `read_path` gives them, but read as they come.
    A missing file, a folder of the wrong format or an unknown format fail now; a bad line
    fails when it is reached."""
    files = _txt_files(path, fmt)
    if files is not None:
        return check_each(read_txt(p.name, p.read_bytes()) for p in files)
    fmt = fmt or detect_format(path.name)
    _reader_of(fmt)
    return _from_path(path, fmt)


def _from_path(path: Path, fmt: str) -> Iterator[Record]:
    with path.open("rb") as handle:
        yield from iter_file(path.name, handle, fmt)


def iter_file(name: str, handle: IO[bytes], fmt: str) -> Iterator[Record]:
    """The records of an open binary file (seekable for a txt zip), checked, as they come;
    the same records and errors as `read_bytes` of its content."""
    _reader_of(fmt)
    return check_each(_records_of_file(name, handle, fmt))


def _reader_of(fmt: str) -> Reader | None:
    if fmt == "txt":
        return None
    reader = READERS.get(fmt)
    if reader is None:
        raise FormatError(f"unknown import format {fmt!r} (known: {', '.join(sorted([*READERS, 'txt']))})")
    return reader


def _records_of_file(name: str, handle: IO[bytes], fmt: str) -> Iterator[Record]:
    if fmt == "jsonl":
        yield from read_jsonl(_split_lines(handle))
    elif fmt == "csv":
        yield from read_csv(_decoded_lines(_split_lines(handle, keepends=True)))
    elif fmt in ("conll", "conll-meta"):
        yield from read_conll(_decoded_lines(_split_on_newline(handle)))
    elif fmt == "txt":
        start = handle.read(4)
        handle.seek(0)
        if name.lower().endswith(".zip") or start == b"PK\x03\x04":
            yield from read_txt_zip(handle)
        else:
            yield read_txt(name, handle.read())
    else:  # a whole-file format (see STREAMED)
        reader = _reader_of(fmt)
        assert reader is not None
        yield from reader(handle.read())


def _split_lines(handle: IO[bytes], *, keepends: bool = False) -> Iterator[bytes]:
    """The lines of a binary file as `bytes.splitlines` splits them (on \\n, \\r and \\r\\n),
    a block at a time."""
    pending = b""
    while block := handle.read(_BLOCK):
        lines = (pending + block).splitlines(keepends=True)
        # The last line may go on in the next block, and a final \\r may be half of \\r\\n.
        pending = lines.pop() if not lines[-1].endswith(b"\n") else b""
        for line in lines:
            yield line if keepends else line.rstrip(b"\r\n")
    if pending:
        yield pending if keepends else pending.rstrip(b"\r\n")


def _split_on_newline(handle: IO[bytes]) -> Iterator[bytes]:
    """The lines of a binary file split on \\n alone, without it (as str.split("\\n"))."""
    pending = b""
    while block := handle.read(_BLOCK):
        lines = (pending + block).split(b"\n")
        pending = lines.pop()
        yield from lines
    yield pending


def _decoded_lines(lines: Iterable[bytes]) -> Iterator[str]:
    """Each line as UTF-8 text (a byte order mark at the start dropped); a byte that is not
    UTF-8 fails naming its line and its offset in the file."""
    offset = 0
    for number, line in enumerate(lines, start=1):
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise FormatError(f"not UTF-8 (byte {offset + error.start})", line=number) from None
        offset += len(line)


def export_format(fmt: str) -> ExportFormat:
    spec = EXPORT_FORMATS.get(fmt)
    if spec is None:
        raise FormatError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    return spec


def writer_for(fmt: str) -> Writer:
    return export_format(fmt).writer
