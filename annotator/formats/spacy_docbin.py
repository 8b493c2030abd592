"""spaCy's binary training format: a `.spacy` file (a serialized `DocBin`) that
`spacy train --paths.train FILE.spacy` reads.

spaCy is an optional extra (requirements-dev.txt); without it the export fails before
writing anything, with the ``pip install`` line that fixes it.

Each record is one `Doc` whose tokens are `annotator.tokenize`'s, with the text's exact
whitespace (extra whitespace becomes spaCy whitespace tokens), so ``doc.text`` is the
document's text. Every span is in ``doc.spans["sc"]`` (the span categorizer's key, where
spans may overlap); ``doc.ents`` (what the ``ner`` component trains on) holds the spans
IOB2 can hold, chosen as the CoNLL export chooses (the first to start, then the longer,
wins an overlap). The id, annotator, meta and each span's attributes and exact offsets
ride in ``doc.user_data``, so `read_spacy` gives the records back unchanged.

A DocBin is serialized whole: the export holds the compact token arrays of every document
until the end (about 30 bytes a token), not the records.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable, Iterator
from typing import Any

from annotator.exceptions import AnnotatorError
from annotator.formats.conll import iob2_spans
from annotator.formats.records import Record
from annotator.spans import Span
from annotator.tokenize import tokenize

SPACY_VERSION = "3.8.18"
SPAN_KEY = "sc"
_USER_KEY = "annotator"


def require_spacy() -> None:
    """Raise a clear error when spaCy is not installed (checked before an export starts)."""
    if importlib.util.find_spec("spacy") is None:
        raise AnnotatorError(
            f"the spaCy export needs spaCy, an optional extra: pip install spacy=={SPACY_VERSION}",
            field="format",
        )


def write_spacy(records: Iterable[Record]) -> Iterator[bytes]:
    """The `.spacy` bytes, in one chunk at the end."""
    require_spacy()
    from spacy.tokens import Doc, DocBin
    from spacy.util import get_words_and_spaces
    from spacy.vocab import Vocab

    vocab = Vocab()
    # Only what the records have: fewer token attributes make the DocBin smaller to build and to keep.
    doc_bin = DocBin(attrs=["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
    for record in records:
        tokens = tokenize(record.text)
        words, spaces = get_words_and_spaces([t.text for t in tokens], record.text)
        doc = Doc(vocab, words=words, spaces=spaces)
        spans = [Span(s["start"], s["end"], s["label"], s.get("attrs") or {}) for s in record.spans or []]
        _, kept, _ = iob2_spans(record.text, tokens, spans)
        doc.ents = [_char_span(doc, span) for span in kept]
        doc.spans[SPAN_KEY] = [s for s in (_char_span(doc, span) for span in spans) if s is not None]
        # As a JSON string: msgpack would hand lists back as tuples.
        doc.user_data[_USER_KEY] = json.dumps(
            {
                "id": record.id,
                "annotator": record.annotator,
                "meta": record.meta,
                "spans": None if record.spans is None else [_plain(span) for span in record.spans],
            },
            ensure_ascii=False,
        )
        doc_bin.add(doc)
    yield doc_bin.to_bytes()


def _plain(span: dict[str, Any]) -> dict[str, Any]:
    return {key: span[key] for key in ("start", "end", "label", "attrs", "score") if key in span}


def _char_span(doc: Any, span: Span) -> Any:
    return doc.char_span(span.start, span.end, label=span.label, alignment_mode="contract")


def read_spacy(data: bytes) -> Iterator[Record]:
    """Records from a `.spacy` file: ours come back exactly; another tool's give the text,
    and the spans of ``doc.spans["sc"]`` (else ``doc.ents``) with no attributes."""
    require_spacy()
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    from annotator.exceptions import FormatError

    try:
        docs = list(DocBin().from_bytes(data).get_docs(Vocab()))
    except Exception as error:  # spaCy raises assorted errors on a file that is not a DocBin
        raise FormatError(f"not a spaCy DocBin: {error}") from None
    for number, doc in enumerate(docs, start=1):
        stored = doc.user_data.get(_USER_KEY) if isinstance(doc.user_data, dict) else None
        ours = json.loads(stored) if isinstance(stored, str) else None
        if isinstance(ours, dict):
            yield Record(
                text=doc.text,
                id=ours.get("id"),
                meta=ours.get("meta") or {},
                spans=ours.get("spans"),
                annotator=ours.get("annotator"),
                line=number,
            )
            continue
        found = doc.spans.get(SPAN_KEY, doc.ents)
        spans = [{"start": s.start_char, "end": s.end_char, "label": s.label_, "attrs": {}} for s in found]
        yield Record(text=doc.text, spans=spans, line=number)
