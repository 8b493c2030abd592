"""spaCy's .spacy DocBin: entities for `spacy train`, every span in doc.spans, exact text."""

from __future__ import annotations

import importlib.util

import pytest

from annotator.exceptions import AnnotatorError
from annotator.formats import Record, spacy_docbin
from annotator.formats.registry import export_format

TEXT = "Syrian  warplanes killed 12 people in east Aleppo \U0001f4a3.\r\nCafe\u0301 hit."
SPANS = [
    {"start": 0, "end": 17, "label": "PERPETRATOR", "attrs": {}},
    {"start": 25, "end": 34, "label": "CASUALTY_COUNT", "attrs": {"value": 12, "status": "killed"}},
    {"start": 38, "end": 49, "label": "LOCATION", "attrs": {}},
    {"start": 43, "end": 49, "label": "PERPETRATOR", "attrs": {}},
]
needs_spacy = pytest.mark.skipif(importlib.util.find_spec("spacy") is None, reason="spaCy (optional) not installed")


def test_without_spacy_the_export_says_how_to_get_it(monkeypatch) -> None:
    monkeypatch.setattr(spacy_docbin.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(AnnotatorError, match=r"pip install spacy==3\.8\.18"):
        export_format("spacy").write([])


@needs_spacy
def test_the_docbin_holds_the_exact_text_entities_and_every_span() -> None:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    record = Record(text=TEXT, id="d1", annotator="gold", spans=SPANS)
    data = b"".join(spacy_docbin.write_spacy([record]))
    (doc,) = DocBin().from_bytes(data).get_docs(Vocab())
    assert doc.text == TEXT
    # The overlapping PERPETRATOR "Aleppo" cannot be an entity; it stays in doc.spans["sc"].
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Syrian  warplanes", "PERPETRATOR"),
        ("12 people", "CASUALTY_COUNT"),
        ("east Aleppo", "LOCATION"),
    ]
    assert [(s.text, s.label_) for s in doc.spans["sc"]][-1] == ("Aleppo", "PERPETRATOR")


@needs_spacy
def test_an_export_imports_back_unchanged() -> None:
    record = Record(text=TEXT, id="d1", annotator="alice", meta={"source": "x"}, spans=SPANS)
    data = b"".join(spacy_docbin.write_spacy([record, Record(text="Calm.", id="d2")]))
    back = list(spacy_docbin.read_spacy(data))
    assert [(r.text, r.id, r.annotator, r.meta, r.spans) for r in back] == [
        (TEXT, "d1", "alice", {"source": "x"}, SPANS),
        ("Calm.", "d2", None, {}, None),
    ]
    assert b"".join(spacy_docbin.write_spacy(back)) == data
