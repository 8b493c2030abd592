"""The offset tokenizer every part shares (tagger, CoNLL, token-level agreement).

A token is a maximal run of user-perceived characters (grapheme clusters, the `regex`
package's `\\X`, as `Intl.Segmenter` cuts them in the browser) that each begin with a word
character (letters, digits, combining marks: the characters `annotator.spans` will not let a
span boundary split), or a single other non-space grapheme cluster: a flag, an emoji ZWJ
family or an emoji with its skin tone is one token. So every boundary a valid span may have
that is not at a space falls between two tokens, and a span covers whole tokens. Whitespace
is never a token.

Sentences end after ".", "!" or "?" (and any closing quote) followed by whitespace, and at every line break, which
is all the CoNLL export and the tagger's sentence features need — except after an abbreviation:
a word of `ABBREVIATIONS` ("Dr.", "Jan.", "No.", ...), a run of single letters each with
its period ("U.S.", "U.N.", "e.g.") or a capital initial ("George W. Bush"). Those are
written with their case: "no." still ends "He said no." (docs/formats.md lists them).
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import cache, partial
from typing import NamedTuple

import regex

from annotator.spans import JOINING, Span


class Token(NamedTuple):
    start: int
    end: int
    text: str


# The definition: clusters that begin with a word character, run together; or one other
# cluster. `\X` is only needed where a character can join its neighbour into one cluster.
TOKEN_PATTERN = regex.compile(r"(?:(?=[\p{L}\p{N}\p{M}])\X)+|(?=\S)\X")

# The fast path: each token with the whitespace before it, as (space, token) strings (findall
# makes no match objects), offsets summed from their lengths. Without a joining character
# (combining mark, ZWJ, regional indicator...) every cluster is one character, and
# `[^\W_]+|\S` gives the same tokens as the definition, several times faster.
_PLAIN = re.compile(r"(\s*)([^\W_]+|\S)")
_CLUSTERED = regex.compile(rf"(\s*)({TOKEN_PATTERN.pattern})")


@cache
def _joining() -> frozenset[str]:
    # Every joining character lies in these planes (marks, ZWJ, regional indicators, Hangul
    # jamo, tags and variation selectors); a set tests a text several times faster than a regex.
    ranges = (range(0x80, 0x20000), range(0xE0000, 0xE1000))
    return frozenset(chr(code) for codes in ranges for code in codes if JOINING.match(chr(code)))


_new_token = partial(tuple.__new__, Token)  # Token((start, end, text)) without the Python-level __new__


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` with their character offsets."""
    pattern = _PLAIN if text.isascii() or _joining().isdisjoint(text) else _CLUSTERED
    tokens: list[Token] = []
    append = tokens.append
    at = 0
    for space, word in pattern.findall(text):
        start = at + len(space)
        at = start + len(word)
        append(_new_token((start, at, word)))
    return tokens


_SENTENCE_END = frozenset(".!?")
_CLOSERS = frozenset("\"')]\u201d\u2019")
_ENDS_OR_CLOSERS = _SENTENCE_END | _CLOSERS

# Words whose period does not end a sentence (with the period, case as written): titles and
# ranks, months, and a few others common in news reports. Dotted initialisms ("U.S.") and
# capital initials ("W.") need no entry (`_INITIALS`).
# fmt: off
ABBREVIATIONS = frozenset([
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Gen.", "Lt.", "Col.", "Maj.", "Capt.", "Cpt.", "Sgt.", "Cpl.",
    "Adm.", "Brig.", "Cmdr.", "Gov.", "Sen.", "Rep.", "Pres.", "Amb.", "Rev.", "Hon.", "Sr.", "Jr.",
    "St.", "Mt.", "Ft.", "Ave.", "Blvd.", "Rd.", "Dept.",
    "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.", "Dec.",
    "No.", "Nos.", "Nr.", "vs.", "approx.",
])
# fmt: on
_OPENERS = re.compile(r"^[^\w.]+")
_INITIALS = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_a-z]\.")


def _abbreviation(tokens: Sequence[Token], period: int) -> bool:
    """Whether the period at `tokens[period]` closes an abbreviation: the tokens that run
    into it without a gap spell one of `ABBREVIATIONS` or initials."""
    first = period
    while first > 0 and tokens[first - 1].end == tokens[first].start:
        first -= 1
    if first == period:
        return False
    # An opening quote or bracket may run into the word: `("U.S.`.
    word = _OPENERS.sub("", "".join(token.text for token in tokens[first : period + 1]))
    return word in ABBREVIATIONS or _INITIALS.fullmatch(word) is not None


def _final_mark(tokens: Sequence[Token], last: int, first: int = 0) -> bool:
    """Whether `tokens[last]` (or the one before it, `tokens[last]` being a closing quote or
    bracket and not `tokens[first]`) is final punctuation that ends a sentence."""
    if tokens[last].text in _CLOSERS and last > first:
        last -= 1
    mark = tokens[last].text
    return mark in _SENTENCE_END and not (mark == "." and _abbreviation(tokens, last))


def _ends_sentence(tokens: Sequence[Token]) -> bool:
    """Final punctuation, possibly followed by a closing quote or bracket: `no."`, but not
    the period of an abbreviation (`U.S.`)."""
    return _final_mark(tokens, len(tokens) - 1)


def sentences(text: str, tokens: Sequence[Token] | None = None) -> list[list[Token]]:
    """The tokens of `text` grouped into sentences (never empty ones). A sentence ends before
    a token when the gap before it holds a line break, or is not empty and follows final
    punctuation (`_ends_sentence` of the sentence so far). `tokens` are in text order."""
    tokens = tokenize(text) if tokens is None else tokens
    n = len(tokens)
    if not n:
        return []
    # Only a few places can end a sentence: after a final mark or a closer, or at a line
    # break; checking those alone, not every token, is what makes this fast.
    candidates = {i + 1 for i, token in enumerate(tokens) if token.text in _ENDS_OR_CLOSERS}
    at = text.find("\n")
    while at >= 0:
        candidates.add(bisect_right(tokens, at, key=_start))
        at = text.find("\n", at + 1)
    result: list[list[Token]] = []
    begin = 0
    for i in sorted(candidates):
        if i <= begin or i >= n:
            continue
        previous, token = tokens[i - 1], tokens[i]
        gap = text[previous.end : token.start]
        if not gap:
            continue
        if "\n" not in gap and not _final_mark(tokens, i - 1, begin):
            continue
        result.append(list(tokens[begin:i]))
        begin = i
    result.append(list(tokens[begin:]))
    return result


def _start(token: Token) -> int:
    return token.start


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
