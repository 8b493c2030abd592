"""Plain text: one document a file, its id the file's name without the extension.

Export (format ``txt``) is a zip of one UTF-8 ``<id>.txt`` per document, its bytes exactly
the document's text (CRLF kept); an id is percent-encoded where it has characters a file
name should not (``/``, ``%``, control characters...), and importing the zip decodes it.
With the `all` source a document is written once, whoever annotated it.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import IO
from urllib.parse import quote, unquote

from annotator.exceptions import FormatError
from annotator.formats.records import Record

_SAFE = " -_.,()+=@!~'[]"


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


def txt_name(record: Record, number: int) -> str:
    """The file name of a record in the zip: its id, percent-encoded where needed."""
    stem = quote(record.id, safe=_SAFE) if record.id else f"document-{number}"
    if stem.startswith("."):
        stem = "%2E" + stem[1:]
    return f"{stem}.txt"


class ZipSink(io.RawIOBase):
    """A write-only stream that hands over what was written since the last call, so the
    zip is streamed instead of built in memory (zipfile writes data descriptors when the
    stream cannot seek)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts = []
        return data


def write_txt_zip(records: Iterable[Record]) -> Iterator[bytes]:
    sink = ZipSink()
    seen: set[str] = set()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        previous: tuple[str | None, str] | None = None
        for number, record in enumerate(records, start=1):
            if previous == (record.id, record.text):
                continue  # the same document again, from another annotator
            previous = (record.id, record.text)
            name = txt_name(record, number)
            if name in seen:
                continue
            seen.add(name)
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, record.text.encode("utf-8"))
            yield sink.take()
    yield sink.take()


# Zip bombs: what a zip may unpack to in all, and how much one member may have been squeezed.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100


def read_txt_zip(data: bytes | IO[bytes], *, max_bytes: int = MAX_UNZIPPED_BYTES) -> Iterator[Record]:
    """Every .txt member of a zip (its bytes, or a seekable binary file, read member by
    member), in archive order, its id the decoded file name. A zip
    that would unpack to more than `max_bytes`, or a member compressed more than
    MAX_COMPRESSION_RATIO to one, is refused before it is unpacked (sizes in the archive can
    lie, so reads are bounded too)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except (zipfile.BadZipFile, UnicodeDecodeError) as error:
        raise FormatError(f"not a zip file: {error}") from None
    # Archive order is the order the export wrote, so a re-import keeps the documents in order.
    members = [i for i in archive.infolist() if i.filename.lower().endswith(".txt") and not i.is_dir()]
    if not members:
        raise FormatError("no .txt files in the zip")
    declared = sum(i.file_size for i in members)
    if declared > max_bytes:
        raise FormatError(f"the zip unpacks to {declared} bytes; the limit is {max_bytes}")
    for info in members:
        if info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1) and info.file_size > 1_000_000:
            raise FormatError(
                f"{info.filename}: compressed {info.file_size // max(info.compress_size, 1)} to 1 (a zip bomb?)"
            )
    remaining = max_bytes
    for info in members:
        try:
            with archive.open(info) as member:
                content = member.read(remaining + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as error:
            # A damaged member (bad CRC, truncated, encrypted, unknown compression).
            raise FormatError(f"{info.filename}: cannot unpack it from the zip ({error})") from None
        if len(content) > remaining:
            raise FormatError(f"the zip unpacks to more than {max_bytes} bytes")
        remaining -= len(content)
        name = info.filename
        record = read_txt(name, content)
        record.id = unquote(PurePath(name).stem)
        record.meta = {"filename": unquote(PurePath(name).name)}
        yield record
