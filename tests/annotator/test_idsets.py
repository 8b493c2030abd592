"""The compact id sets that record which documents a model version trained on."""

from __future__ import annotations

import random

import pytest

from annotator.idsets import pack, unpack


def test_a_packed_set_holds_exactly_its_ids() -> None:
    ids = {7, 8, 15, 16, 1000, 1_000_003}
    unpacked = unpack(pack(ids))
    assert set(unpacked) == ids
    assert len(unpacked) == len(ids)
    assert all(pk in unpacked for pk in ids)
    assert not any(pk in unpacked for pk in (0, 6, 9, 14, 17, 999, 1001, 1_000_004, 10**12))


def test_an_empty_set_contains_nothing() -> None:
    unpacked = unpack(pack([]))
    assert len(unpacked) == 0 and list(unpacked) == [] and 1 not in unpacked


def test_duplicates_count_once() -> None:
    assert len(unpack(pack([3, 3, 3, 4]))) == 2


def test_a_hundred_thousand_scattered_ids_take_a_few_kilobytes() -> None:
    # Half of the documents of a 200,000-id range, as a large project's training would hold.
    ids = random.Random(1).sample(range(50_000, 250_000), 100_000)
    data = pack(ids)
    assert len(data) < 30_000
    unpacked = unpack(data)
    assert len(unpacked) == 100_000 and all(pk in unpacked for pk in ids[:1000])


def test_negative_ids_and_foreign_bytes_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        pack([-1, 2])
    with pytest.raises(ValueError, match="not a packed id set"):
        unpack(b"hello")
