"""The span type and the one set of span validity rules.

Offsets are Python `str` indices (code points) into the document text, `end` exclusive.
A valid span list for a text and a label set obeys, span by span:

- offsets are integers inside the text: ``0 <= start < end <= len(text)``;
- no boundary falls inside a word: the characters on both sides of `start` (and of `end`)
  are not both word characters (letters, digits and combining marks). A span may still
  begin or end at a space or be a single punctuation mark: valid spans are stored as given,
  never trimmed or moved;
- no boundary falls inside a user-perceived character (a grapheme cluster: a flag's two
  regional indicators, an emoji ZWJ family, a letter and its marks), so every span covers
  whole tokens of `annotator.tokenize`;
- the label is in the label set, and the attributes fit that label's attribute schema
  (each attribute may be null; a label with no schema takes any attributes);
- two spans with the same label never overlap (spans of different labels may nest or
  overlap).

The database backs the first two numeric rules with constraints; everything else lives here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import regex

from annotator.exceptions import InvalidSpans, SpanProblem

ATTRIBUTE_TYPES = ("integer", "choice", "text", "boolean")


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str
    attrs: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label, "attrs": dict(self.attrs)}

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


def is_word_char(char: str) -> bool:
    """Letters, digits and combining marks: the characters a span boundary may not split."""
    return char.isalnum() or unicodedata.category(char)[0] == "M"


def boundary_inside_word(text: str, offset: int) -> bool:
    return 0 < offset < len(text) and is_word_char(text[offset - 1]) and is_word_char(text[offset])


# Characters that can join the one before or after them into one grapheme cluster (UAX #29):
# between two characters of which neither is one of these there is always a boundary.
JOINING = regex.compile(
    r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}\p{GCB=Regional_Indicator}"
    r"\p{GCB=L}\p{GCB=V}\p{GCB=T}\p{GCB=LV}\p{GCB=LVT}\r]"
)
_CLUSTER = regex.compile(r"\X")


def _cluster_start(text: str, offset: int) -> int:
    """A position at or before `offset` where a cluster surely begins: just after whitespace
    (the tokenizer starts afresh there) or between two characters that cannot join."""
    at = offset
    while at > 0 and not text[at - 1].isspace() and (JOINING.match(text[at - 1]) or JOINING.match(text[at])):
        at -= 1
    return at


def cluster_at(text: str, offset: int) -> tuple[int, int] | None:
    """The grapheme cluster that `offset` falls strictly inside, as (start, end), or None."""
    if not 0 < offset < len(text) or not (JOINING.match(text[offset - 1]) or JOINING.match(text[offset])):
        return None
    at = _cluster_start(text, offset)
    while at < offset:
        found = _CLUSTER.match(text, at)
        if found is None:  # pragma: no cover - \X matches any character
            return None
        if found.end() > offset:
            return (at, found.end())
        at = found.end()
    return None


def _attr_problem(name: str, value: Any, rule: Mapping[str, Any]) -> str | None:
    if value is None:
        return None  # every attribute may be left blank
    kind = rule.get("type", "text")
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"attribute {name!r} must be a whole number, not {value!r}"
        if "min" in rule and value < rule["min"]:
            return f"attribute {name!r} must be at least {rule['min']}, not {value}"
        if "max" in rule and value > rule["max"]:
            return f"attribute {name!r} must be at most {rule['max']}, not {value}"
    elif kind == "choice":
        if value not in rule.get("choices", []):
            choices = ", ".join(map(str, rule.get("choices", [])))
            return f"attribute {name!r} must be one of {choices}, not {value!r}"
    elif kind == "boolean":
        if not isinstance(value, bool):
            return f"attribute {name!r} must be true or false, not {value!r}"
    elif not isinstance(value, str):
        return f"attribute {name!r} must be text, not {value!r}"
    return None


def _attrs_problem(label: str, attrs: Mapping[str, Any], schema: Mapping[str, Any]) -> str | None:
    for name, value in attrs.items():
        if name not in schema:
            return f"label {label} has no attribute {name!r}"
        issue = _attr_problem(name, value, schema[name])
        if issue:
            return issue
    return None


def is_offset(value: object) -> TypeGuard[int]:
    """An offset is an int; bool is an int to Python but never a valid offset."""
    return isinstance(value, int) and not isinstance(value, bool)


def range_problem(text: str, start: int, end: int) -> str | None:
    """Why [start, end) cannot be a span's stretch of `text` (the offset rules above: inside
    the text, start before end, no boundary inside a word or a character), or None. Comments
    pinned to the text obey the same rules."""
    if start < 0 or end > len(text):
        return f"offsets outside the text (its length is {len(text)})"
    if start >= end:
        return "start must be before end"
    if boundary_inside_word(text, start):
        return f"start {start} is inside the word {_word_at(text, start)!r}"
    if boundary_inside_word(text, end):
        return f"end {end} is inside the word {_word_at(text, end)!r}"
    if cluster := cluster_at(text, start) or cluster_at(text, end):
        which = "start" if cluster[0] < start < cluster[1] else "end"
        return f"{which} {start if which == 'start' else end} is inside the character '{text[slice(*cluster)]}'"
    return None


def span_problems(
    text: str,
    spans: Sequence[Mapping[str, Any]],
    labels: Mapping[str, Mapping[str, Any]] | Iterable[str],
) -> list[SpanProblem]:
    """Every rule broken by `spans` (dicts with start, end, label and optional attrs).

    `labels` maps each label name to its attribute schema (``{name: {"type": ...}}``), or is
    a plain collection of names when attributes are not checked. An empty list means valid.
    """
    schemas: Mapping[str, Mapping[str, Any]] | None
    if isinstance(labels, Mapping):
        schemas = labels
        names = set(labels)
    else:
        schemas = None
        names = set(labels)
    problems: list[SpanProblem] = []
    well_formed: list[tuple[int, int, int, str]] = []
    for index, span in enumerate(spans):
        given = dict(span) if isinstance(span, Mapping) else {"span": span}

        def bad(reason: str, given: dict[str, Any] = given, index: int = index) -> None:
            problems.append(SpanProblem(index, given, reason))

        if not isinstance(span, Mapping):
            bad("a span must be an object with start, end and label")
            continue
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if not (is_offset(start) and is_offset(end)):
            bad("start and end must be whole numbers")
            continue
        if not isinstance(label, str) or label not in names:
            allowed = ", ".join(sorted(names))
            bad(f"unknown label {label!r} (the project's labels: {allowed})")
            continue
        if reason := range_problem(text, start, end):
            bad(reason)
            continue
        attrs = span.get("attrs") or {}
        if not isinstance(attrs, Mapping):
            bad("attrs must be an object")
            continue
        if schemas is not None:
            # A label without an attribute schema takes free-form attributes.
            schema = schemas.get(label)
            attr_issue = _attrs_problem(label, attrs, schema) if schema else None
            if attr_issue:
                bad(attr_issue)
                continue
        well_formed.append((start, end, index, label))

    # Same-label overlap: sort by label then start; each span must begin at or after the
    # furthest end seen so far for its label.
    well_formed.sort(key=lambda item: (item[3], item[0], item[1]))
    furthest: dict[str, tuple[int, int]] = {}
    for start, end, index, label in well_formed:
        previous = furthest.get(label)
        if previous and start < previous[0]:
            other = previous[1]
            problems.append(SpanProblem(index, dict(spans[index]), f"overlaps span {other} of the same label {label}"))
        if not previous or end > previous[0]:
            furthest[label] = (end, index)
    problems.sort(key=lambda problem: problem.index)
    return problems


def _word_at(text: str, offset: int) -> str:
    start = offset
    while start > 0 and is_word_char(text[start - 1]):
        start -= 1
    end = offset
    while end < len(text) and is_word_char(text[end]):
        end += 1
    return text[start:end]


def check_spans(
    text: str,
    spans: Sequence[Mapping[str, Any]],
    labels: Mapping[str, Mapping[str, Any]] | Iterable[str],
    *,
    line: int = 0,
) -> list[Span]:
    """The spans as `Span` objects, sorted; raises `InvalidSpans` naming every bad one."""
    problems = span_problems(text, spans, labels)
    if problems:
        raise InvalidSpans(problems, line=line)
    return sorted(Span(s["start"], s["end"], s["label"], dict(s.get("attrs") or {})) for s in spans)
