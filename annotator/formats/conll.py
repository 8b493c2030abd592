"""CoNLL 2003 layout with IOB2 tags, tokens from `annotator.tokenize`.

Written (format ``conll``, the contract's layout)::

    -DOCSTART- O
    <blank>
    Syrian B-PERPETRATOR
    warplanes I-PERPETRATOR
    ...
    <blank>                       (between sentences)

Format ``conll-meta`` writes the same tokens and tags with three comment lines after
``-DOCSTART- O`` — ``# id = ...``, ``# annotator = ...``, ``# text = <JSON string>`` — and,
where spans could not be tagged, ``# not_in_iob2 = [[start, end, label], ...]``. The JSON
string keeps the exact text (CRLF, tabs, double spaces), so an import gives back the same
document; training code that reads plain CoNLL wants ``conll``.

What CoNLL cannot carry, and what happens instead:
- attributes (a casualty count's value, status, victims) are left out;
- a sentence never ends inside a span: where `annotator.tokenize.sentences` would end one
  there (a period the abbreviation list does not know), the two sentences are written as one;
- a span beginning or ending at whitespace is written over the tokens it covers;
- a span covering no token (whitespace only) is left out and reported;
- overlapping spans of different labels cannot both be IOB2: the one whose tokens start
  first (then the longer one, then the label first in alphabetical order) keeps its
  tokens, the other is left out whole and reported through `on_loss`. Nothing is ever cut
  short. ``conll-meta`` lists such spans in ``# not_in_iob2`` and its import gives them
  back, so they survive a round trip there.

Read: without a ``# text`` line the text is rebuilt from the tokens — one space between
tokens, nothing after a sentence-ending token inside a sentence (the tokenizer split there
without a gap), a line break between sentences — so the export of an import is the same
file as the export it came from. A ``# text`` line must tokenize to the file's tokens.
Real CoNLL 2003 files (``EU NNP B-NP B-ORG``) are read too: the first column is the token,
the last the tag; IOB1 tags (an ``I-`` opening a span) are accepted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from annotator.exceptions import FormatError
from annotator.formats.records import Record
from annotator.spans import Span
from annotator.tokenize import AlignmentError, Token, _ends_sentence, bio_to_spans, sentences, token_range, tokenize

DOCSTART = "-DOCSTART- O"
_TAG = re.compile(r"^(?:O|[BI]-\S+)$")
# Characters str.splitlines() breaks on that JSON leaves raw: escape them in `# text`.
_LINE_BREAKERS = {c: f"\\u{ord(c):04x}" for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}

LossCallback = Callable[[str], None]


def iob2_spans(text: str, tokens: Sequence[Token], spans: Iterable[Span]) -> tuple[list[str], list[Span], list[Span]]:
    """IOB2 tags for `tokens`, the spans written and the spans left out.

    Spans are taken by their first token, then the longer (in tokens), then by label name —
    in tokens, not characters, so an import of the tags chooses as the export did; a span
    is written only if none of its tokens is taken yet, so an overlapped span is left out
    whole instead of cut short.
    """
    del text
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    tags = ["O"] * len(tokens)
    kept: list[Span] = []
    lost: list[Span] = []
    ranged: list[tuple[range, Span]] = []
    for span in spans:
        try:
            ranged.append((token_range(tokens, span, starts, ends), span))
        except AlignmentError:
            lost.append(span)
    for covered, span in sorted(ranged, key=lambda item: (item[0].start, -item[0].stop, item[1].label, item[1].key)):
        if any(tags[i] != "O" for i in covered):
            lost.append(span)
            continue
        for position, i in enumerate(covered):
            tags[i] = ("B-" if position == 0 else "I-") + span.label
        kept.append(span)
    lost.sort()
    return tags, kept, lost


def spans_of(record: Record) -> list[Span]:
    return [Span(s["start"], s["end"], s["label"], s.get("attrs") or {}) for s in record.spans or []]


def describe_loss(record: Record, lost: Sequence[Span]) -> str:
    shown = ", ".join(f"{s.label} [{s.start}, {s.end}) {record.text[s.start : s.end]!r}" for s in lost[:3])
    more = f" and {len(lost) - 3} more" if len(lost) > 3 else ""
    who = f" ({record.annotator})" if record.annotator else ""
    return f"document {record.id}{who}: {len(lost)} span(s) not in IOB2 (overlapped or on no token): {shown}{more}"


def _json_text(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    for char, escape in _LINE_BREAKERS.items():
        encoded = encoded.replace(char, escape)
    return encoded


def write_conll(
    records: Iterable[Record], *, with_meta: bool = False, on_loss: LossCallback | None = None
) -> Iterator[str]:
    """One chunk per document; `on_loss` hears of every document that lost spans."""
    for record in records:
        tokens = tokenize(record.text)
        tags, _, lost = iob2_spans(record.text, tokens, spans_of(record))
        if lost and on_loss is not None:
            on_loss(describe_loss(record, lost))
        out = [DOCSTART]
        if with_meta:
            if record.id is not None:
                out.append(f"# id = {record.id}")
            if record.annotator is not None:
                out.append(f"# annotator = {record.annotator}")
            out.append(f"# text = {_json_text(record.text)}")
            if lost:
                out.append(f"# not_in_iob2 = {json.dumps([[s.start, s.end, s.label] for s in lost])}")
        out.append("")
        for sentence in sentences_around_spans(record.text, tokens, tags):
            out.extend(f"{token.text} {tags[i]}" for i, token in sentence)
            out.append("")
        yield "\n".join(out) + "\n"


def sentences_around_spans(text: str, tokens: Sequence[Token], tags: Sequence[str]) -> list[list[tuple[int, Token]]]:
    """`annotator.tokenize.sentences`, with (index, token) items, except that a sentence
    never ends inside a span: one whose first tag continues a span (I-) is joined to the
    sentence before it, so a reader that closes spans at sentence ends gets them whole."""
    joined: list[list[tuple[int, Token]]] = []
    at = 0
    for sentence in sentences(text, tokens):
        items = list(enumerate(sentence, start=at))
        at += len(sentence)
        if joined and tags[items[0][0]].startswith("I-"):
            joined[-1].extend(items)
        else:
            joined.append(items)
    return joined


def write_conll_meta(records: Iterable[Record], *, on_loss: LossCallback | None = None) -> Iterator[str]:
    return write_conll(records, with_meta=True, on_loss=on_loss)


@dataclass
class _Doc:
    line: int
    comments: dict[str, str] = field(default_factory=dict)
    # Each sentence is a list of (token, tag, line).
    sentences: list[list[tuple[str, str, int]]] = field(default_factory=list)
    open: bool = False

    def add(self, token: str, tag: str, line: int) -> None:
        if not self.open:
            self.sentences.append([])
            self.open = True
        self.sentences[-1].append((token, tag, line))

    def end_sentence(self) -> None:
        self.open = False

    @property
    def tokens(self) -> list[tuple[str, str, int]]:
        return [item for sentence in self.sentences for item in sentence]


def read_conll(lines: Iterable[str]) -> Iterator[Record]:
    """Records from CoNLL lines (with or without their line ends)."""
    doc: _Doc | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n").rstrip("\r")
        if number == 1:
            line = line.lstrip("\ufeff")
        if line.startswith("-DOCSTART-"):
            if doc is not None:
                yield _record_of(doc)
            doc = _Doc(line=number)
            continue
        if doc is None:
            doc = _Doc(line=number)  # a file without -DOCSTART- is one document
        if not line.strip():
            doc.end_sentence()
            continue
        if line.startswith("# ") and " = " in line and not doc.tokens and len(line.split()) != 2:
            key, _, value = line[2:].partition(" = ")
            doc.comments[key.strip()] = value
            continue
        columns = line.split()
        if len(columns) < 2:
            raise FormatError(f"expected 'token TAG', got {line!r}", line=number)
        token, tag = columns[0], columns[-1]
        if not _TAG.match(tag):
            raise FormatError(f"{tag!r} is not an IOB2 tag (O, B-LABEL or I-LABEL)", line=number)
        doc.add(token, tag, number)
    if doc is not None and (doc.tokens or doc.comments):
        yield _record_of(doc)


def _record_of(doc: _Doc) -> Record:
    items = doc.tokens
    if "text" in doc.comments:
        try:
            text = json.loads(doc.comments["text"])
        except json.JSONDecodeError as error:
            raise FormatError(f"'# text' is not a JSON string: {error.msg}", line=doc.line) from None
        if not isinstance(text, str):
            raise FormatError("'# text' is not a JSON string", line=doc.line)
        tokens = tokenize(text)
        if [t.text for t in tokens] != [item[0] for item in items]:
            at = next(
                (i for i, (t, item) in enumerate(zip(tokens, items, strict=False)) if t.text != item[0]),
                min(len(tokens), len(items)),
            )
            where = items[at][2] if at < len(items) else doc.line
            raise FormatError(f"the tokens do not match the '# text' of the document (token {at + 1})", line=where)
    else:
        text, tokens = _rebuilt(doc)
    if not text.strip():
        raise FormatError("a document with no tokens", line=doc.line)
    spans = [span.as_dict() for span in bio_to_spans(tokens, [item[1] for item in items])]
    if "text" in doc.comments and "not_in_iob2" in doc.comments:
        spans = sorted([*spans, *_not_in_iob2(doc)], key=lambda s: (s["start"], s["end"], s["label"]))
    return Record(
        text=text,
        id=doc.comments.get("id") or None,
        meta={},
        spans=spans,
        annotator=doc.comments.get("annotator") or None,
        line=doc.line,
    )


def _not_in_iob2(doc: _Doc) -> list[dict[str, object]]:
    """The spans a ``conll-meta`` export could not tag, given back (offsets into `# text`)."""
    try:
        given = json.loads(doc.comments["not_in_iob2"])
    except json.JSONDecodeError as error:
        raise FormatError(f"'# not_in_iob2' is not JSON: {error.msg}", line=doc.line) from None
    if not isinstance(given, list) or not all(
        isinstance(item, list) and len(item) == 3 and isinstance(item[2], str) for item in given
    ):
        raise FormatError("'# not_in_iob2' must be a list of [start, end, label]", line=doc.line)
    return [{"start": start, "end": end, "label": label, "attrs": {}} for start, end, label in given]


def _rebuilt(doc: _Doc) -> tuple[str, list[Token]]:
    """The text the tokens stand for, and the tokens at their places in it."""
    parts: list[str] = []
    tokens: list[Token] = []
    offset = 0
    for sentence in doc.sentences:
        if parts:
            parts.append("\n")
            offset += 1
        placed: list[Token] = []
        for token, _, _ in sentence:
            if placed:
                gap = "" if _ends_sentence(placed) else " "
                parts.append(gap)
                offset += len(gap)
            placed.append(Token(offset, offset + len(token), token))
            parts.append(token)
            offset += len(token)
        tokens.extend(placed)
    return "".join(parts), tokens
