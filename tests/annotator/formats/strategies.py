"""Hypothesis strategies shared by the codec tests: texts that mix scripts, emoji,
combining marks and line ends, and valid span lists over them."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from annotator.formats import Record
from annotator.spans import boundary_inside_word, span_problems

LABELS = ["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"]
PIECES = [
    "Aleppo",
    "killed",
    "12",
    "3.5",
    "people",
    "\u062d\u0644\u0628",  # Arabic, right to left
    "\u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd",  # Hebrew
    "Cafe\u0301",  # e + combining acute
    "\U0001f4a3",  # emoji outside the BMP
    "\U0001f468\u200d\U0001f692",  # emoji joined by a zero-width joiner
    ".",
    ",",
    '"',
    "!",
    "?",
    "-",
    "_",
    "#",
    "O",
    "B-X",
]
GAPS = [" ", " ", " ", "", "  ", "\t", "\r\n", "\n", "\n\n", " \u2028 "]


@st.composite
def texts(draw: Any) -> str:
    pieces = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14))
    parts = [draw(st.sampled_from(["", " ", "\r\n"]))]
    for piece in pieces:
        parts.append(piece)
        parts.append(draw(st.sampled_from(GAPS)))
    return "".join(parts)


@st.composite
def annotated(draw: Any, attrs: bool = True) -> Record:
    """A record with a valid span list (boundaries may sit at spaces, as the rules allow)."""
    text = draw(texts())
    cuts = [i for i in range(len(text) + 1) if not boundary_inside_word(text, i)]
    spans: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 5))):
        start, end = sorted(draw(st.lists(st.sampled_from(cuts), min_size=2, max_size=2, unique=True)))
        label = draw(st.sampled_from(LABELS))
        span_attrs: dict[str, Any] = {}
        if attrs and label == "CASUALTY_COUNT":
            span_attrs = {
                "value": draw(st.integers(0, 10_000)),
                "status": draw(st.sampled_from(["killed", "wounded", "missing"])),
            }
        candidate = {"start": start, "end": end, "label": label, "attrs": span_attrs}
        if not span_problems(text, [*spans, candidate], LABELS):
            spans.append(candidate)
    spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
    return Record(text=text, id=draw(st.sampled_from(["d1", "fakes-0042", "a b/c%d", "\u062d1"])), spans=spans)
