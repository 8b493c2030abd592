"""The importers' quick check of each record agrees with jsoncheck's full one: a record is
refused for the same reasons, with the same message."""

from __future__ import annotations

import pytest

from annotator import jsoncheck
from annotator.exceptions import FormatError
from annotator.formats import Record
from annotator.formats.registry import check_each


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def full_check(record: Record) -> str | None:
    stored = {"text": record.text, "id": record.id, "annotator": record.annotator, "meta": record.meta}
    try:
        jsoncheck.check_value({**stored, "spans": record.spans})
    except jsoncheck.BadJson as problem:
        return str(problem)
    return None


@pytest.mark.parametrize(
    "record",
    [
        Record(text="Aleppo", meta=nested(jsoncheck.MAX_DEPTH - 2), line=1),
        Record(text="Aleppo", meta=nested(jsoncheck.MAX_DEPTH - 1), line=1),
        Record(text="Aleppo", meta=nested(jsoncheck.MAX_DEPTH), line=1),
        Record(text="Aleppo", spans=[{"attrs": nested(jsoncheck.MAX_DEPTH - 3)}], line=1),
        Record(text="Aleppo", spans=[{"attrs": nested(jsoncheck.MAX_DEPTH - 2)}], line=1),
        Record(text="Alep\x00po", line=1),
        Record(text="Aleppo", id="a\ud800", line=1),
        Record(text="Aleppo", meta={"k\x00": 1}, line=1),
        Record(text="Aleppo", meta={"n": 2**53}, line=1),
        Record(text="Aleppo", meta={"n": 2**53 - 1, "x": float("inf")}, line=1),
        Record(text="Aleppo", meta={"n": [1.5, True, None, "é"]}, line=1),
    ],
)
def test_the_quick_check_refuses_what_the_full_check_refuses(record: Record) -> None:
    expected = full_check(record)
    if expected is None:
        assert list(check_each([record])) == [record]
    else:
        with pytest.raises(FormatError) as error:
            list(check_each([record]))
        assert str(error.value) == f"line 1: {expected}"
