"""The span-rule, tokenizer and casualty cases the browser's unit tests use
(frontend/src/domain/span_cases.json), run against the server's own rules, so the two
sides cannot drift apart unnoticed. No browser needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.spans import span_problems
from annotator.tokenize import tokenize

CASES = json.loads((Path(__file__).resolve().parents[2] / "frontend/src/domain/span_cases.json").read_text("utf-8"))


def as_spans(rows: list[list[Any]]) -> list[dict[str, Any]]:
    return [{"start": r[0], "end": r[1], "label": r[2], "attrs": r[3] if len(r) > 3 else {}} for r in rows]


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_the_server_gives_the_reasons_the_browser_gives(case: dict[str, Any]) -> None:
    found = [p.reason for p in span_problems(case.get("text", CASES["text"]), as_spans(case["spans"]), CASES["labels"])]
    assert len(found) == len(case["reasons"])
    for reason, expected in zip(found, case["reasons"], strict=True):
        assert expected in reason


@pytest.mark.parametrize("case", CASES["tokenize"], ids=[repr(c["text"]) for c in CASES["tokenize"]])
def test_the_server_tokenizes_as_the_browser_does(case: dict[str, Any]) -> None:
    assert [[t.start, t.end] for t in tokenize(case["text"])] == case["tokens"]
