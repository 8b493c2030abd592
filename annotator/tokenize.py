"""The offset tokenizer every part shares (tagger, CoNLL, token-level agreement).

A token is a maximal run of word characters (letters, digits, combining marks: the same
characters `annotator.spans` will not let a span boundary split) or a single other
non-space character. So every boundary a valid span may have that is not at a space falls
between two tokens, and a span covers whole tokens. Whitespace is never a token.

Sentences end after ".", "!" or "?" (and any closing quote) followed by whitespace, and at every line break, which
is all the CoNLL export and the tagger's sentence features need.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from typing import NamedTuple

from annotator.spans import Span


class Token(NamedTuple):
    start: int
    end: int
    text: str


@cache
def _token_pattern() -> re.Pattern[str]:
    # Combining marks are not `\w` in Python's re; gather their ranges once, so "é" written
    # as e + U+0301 stays one token, as the span rules say it is one word.
    marks: list[tuple[int, int]] = []
    for first, last in ((0x300, 0x1F000), (0xE0100, 0xE01F0)):
        for code in range(first, last):
            if unicodedata.category(chr(code))[0] == "M":
                if marks and marks[-1][1] == code - 1:
                    marks[-1] = (marks[-1][0], code)
                else:
                    marks.append((code, code))
    mark_class = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in marks)
    return re.compile(rf"(?:[^\W_]|[{mark_class}])+|[^\s]", re.UNICODE)


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` with their character offsets."""
    return [Token(m.start(), m.end(), m.group()) for m in _token_pattern().finditer(text)]


_SENTENCE_END = frozenset(".!?")
_CLOSERS = frozenset("\"')]\u201d\u2019")


def _ends_sentence(tokens: Sequence[Token]) -> bool:
    """Final punctuation, possibly followed by a closing quote or bracket: `no."`."""
    last = tokens[-1].text
    if last in _CLOSERS and len(tokens) > 1:
        last = tokens[-2].text
    return last in _SENTENCE_END


def sentences(text: str, tokens: Sequence[Token] | None = None) -> list[list[Token]]:
    """The tokens of `text` grouped into sentences (never empty ones)."""
    tokens = tokenize(text) if tokens is None else tokens
    result: list[list[Token]] = []
    current: list[Token] = []
    for token in tokens:
        if current:
            gap = text[current[-1].end : token.start]
            if "\n" in gap or (gap and _ends_sentence(current)):
                result.append(current)
                current = []
        current.append(token)
    if current:
        result.append(current)
    return result


class AlignmentError(ValueError):
    """A span whose boundary does not fall on a token boundary."""


def token_range(tokens: Sequence[Token], span: Span, starts: dict[int, int], ends: dict[int, int]) -> range:
    """The indexes of the tokens a span covers.

    A boundary at whitespace snaps to the nearest token inside the span; a boundary inside a
    token is an error (valid spans never have one, see `annotator.spans`).
    """
    first = starts.get(span.start)
    if first is None:
        first = next((i for i, t in enumerate(tokens) if t.start >= span.start), len(tokens))
        if first < len(tokens) and tokens[first].start > span.start and _splits(tokens, span.start):
            raise AlignmentError(f"span {span.start}-{span.end} starts inside a token")
    last = ends.get(span.end)
    if last is None:
        last = next((i for i in range(len(tokens) - 1, -1, -1) if tokens[i].end <= span.end), -1)
        if _splits(tokens, span.end):
            raise AlignmentError(f"span {span.start}-{span.end} ends inside a token")
    if last < first:
        raise AlignmentError(f"span {span.start}-{span.end} covers no token")
    return range(first, last + 1)


def _splits(tokens: Sequence[Token], offset: int) -> bool:
    return any(t.start < offset < t.end for t in tokens)


def spans_to_bio(text: str, tokens: Sequence[Token], spans: Iterable[Span]) -> list[str]:
    """IOB2 tags for `tokens`. Where spans of different labels overlap, the one that starts
    first (then the longer one) keeps the tokens they share; `AlignmentError` if a span does
    not cover whole tokens."""
    del text
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    tags = ["O"] * len(tokens)
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        covered = token_range(tokens, span, starts, ends)
        free = [i for i in covered if tags[i] == "O"]
        for position, i in enumerate(free):
            tags[i] = ("B-" if position == 0 else "I-") + span.label
    return tags


def bio_to_spans(tokens: Sequence[Token], tags: Sequence[str]) -> list[Span]:
    """Spans from IOB2 tags; an I- tag that does not continue a span of its label opens one."""
    spans: list[Span] = []
    start = end = -1
    label = ""
    for token, tag in zip(tokens, tags, strict=True):
        kind, _, tag_label = tag.partition("-")
        if kind == "I" and label == tag_label and start >= 0:
            end = token.end
            continue
        if start >= 0:
            spans.append(Span(start, end, label))
            start = -1
        if kind in ("B", "I"):
            start, end, label = token.start, token.end, tag_label
    if start >= 0:
        spans.append(Span(start, end, label))
    return spans


if __name__ == "__main__":  # pragma: no cover - a quick look at how a text tokenizes
    for sentence in sentences(sys.stdin.read()):
        print(" ".join(t.text for t in sentence))
