"""A set of row ids stored compactly: which documents a model version trained on.

A training of a 100,000-document project may learn from tens of thousands of documents,
and a project trains every few dozen submissions, so one row per (version, document)
would grow as versions x documents. Instead each version keeps its ids as a bitmap over
the range [smallest id, largest id], zlib-compressed: about one bit per id in that range
before compression, a few kilobytes for 100,000 ids, and a membership test is one bit
lookup once unpacked.

Layout of `pack`'s bytes: zlib of (8-byte big-endian smallest id, 8-byte count, bitmap);
an empty set packs to zlib of 16 zero bytes. Pure: no Django.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

_HEADER = 16


class IdSet:
    """An immutable set of non-negative integer ids, unpacked from `pack`'s bytes."""

    __slots__ = ("_base", "_bits", "_count")

    def __init__(self, base: int, bits: bytes, count: int) -> None:
        self._base = base
        self._bits = bits
        self._count = count

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, int):
            return False
        offset = item - self._base
        if offset < 0 or offset >= len(self._bits) * 8:
            return False
        return bool(self._bits[offset >> 3] >> (offset & 7) & 1)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[int]:
        for index, byte in enumerate(self._bits):
            if byte:
                for bit in range(8):
                    if byte >> bit & 1:
                        yield self._base + index * 8 + bit


def pack(ids: Iterable[int]) -> bytes:
    """The compact form of `ids` (duplicates count once). ValueError on a negative id."""
    unique = sorted(set(ids))
    if not unique:
        return zlib.compress(bytes(_HEADER))
    if unique[0] < 0:
        raise ValueError(f"ids must not be negative, got {unique[0]}")
    base = unique[0]
    bits = bytearray((unique[-1] - base) // 8 + 1)
    for pk in unique:
        offset = pk - base
        bits[offset >> 3] |= 1 << (offset & 7)
    header = base.to_bytes(8, "big") + len(unique).to_bytes(8, "big")
    return zlib.compress(header + bytes(bits), level=9)


def unpack(data: bytes | memoryview) -> IdSet:
    """The IdSet `pack` made `data` from. ValueError if `data` is not such bytes."""
    try:
        raw = zlib.decompress(bytes(data))
    except zlib.error as error:
        raise ValueError(f"not a packed id set: {error}") from None
    if len(raw) < _HEADER:
        raise ValueError("not a packed id set: too short")
    return IdSet(int.from_bytes(raw[:8], "big"), raw[_HEADER:], int.from_bytes(raw[8:16], "big"))
