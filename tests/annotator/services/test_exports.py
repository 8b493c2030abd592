from __future__ import annotations

import json

import pytest

from annotator.exceptions import AnnotatorError
from annotator.formats import Record
from annotator.formats.jsonl import read_jsonl
from annotator.formats.registry import read_path
from annotator.services.exports import export
from annotator.services.imports import import_documents
from tests.conftest import FIXTURES

TEXT = "Syrian warplanes killed 12 people in Aleppo."


def exported(project, source: str) -> list[dict]:
    return [json.loads(line) for line in "".join(export(project=project, source=source, fmt="jsonl")).splitlines()]


def test_gold_export_gives_back_the_imported_texts_and_offsets(project) -> None:
    given = read_path(FIXTURES / "gold" / "dev.jsonl")
    import_documents(project=project, records=given, as_gold=True)
    out = {line["id"]: line for line in exported(project, "gold")}
    assert len(out) == 40
    for record in given:
        line = out[record.id]
        assert line["text"] == record.text and line["annotator"] == "gold"
        assert [(s["start"], s["end"], s["label"], s["attrs"]) for s in line["spans"]] == [
            (s["start"], s["end"], s["label"], s["attrs"]) for s in record.spans
        ]


def test_all_gives_one_line_per_document_and_annotator_and_reimports_identically(project, alice, bob) -> None:
    spans = [{"start": 37, "end": 43, "label": "LOCATION", "attrs": {}}]
    import_documents(project=project, records=[Record(text=TEXT, id="d1", spans=spans, line=1)], as_annotator="alice")
    import_documents(project=project, records=[Record(text=TEXT, id="d1", spans=[], line=1)], as_annotator="bob")
    lines = exported(project, "all")
    assert [(line["id"], line["annotator"], line["spans"]) for line in lines] == [
        ("d1", "alice", spans),
        ("d1", "bob", []),
    ]
    assert exported(project, "annotator:bob") == lines[1:]
    first = "".join(export(project=project, source="all", fmt="jsonl"))
    import_documents(project=project, records=list(read_jsonl(first.splitlines())))
    assert "".join(export(project=project, source="all", fmt="jsonl")) == first


def test_unicode_and_crlf_texts_survive(project) -> None:
    text = "Bombs hit \u062d\u0644\u0628 \U0001f4a3 today.\r\nCafe\u0301 destroyed.\r\n"
    start = text.index("\u062d")
    spans = [{"start": start, "end": start + 3, "label": "LOCATION", "attrs": {}}]
    import_documents(project=project, records=[Record(text=text, id="u1", spans=spans, line=1)], as_gold=True)
    (line,) = [line for line in exported(project, "gold") if line["id"] == "u1"]
    assert line["text"] == text and line["spans"] == spans


def test_documents_source_exports_texts_only_and_unknown_source_is_refused(project) -> None:
    assert len(exported(project, "documents")) == 5
    with pytest.raises(AnnotatorError, match="unknown source 'everything'"):
        export(project=project, source="everything", fmt="jsonl")


@pytest.mark.parametrize("source", ["documents", "gold", "all", "annotator:alice"])
def test_an_export_spanning_several_chunks_equals_the_one_chunk_export(project, monkeypatch, source: str) -> None:
    import importlib.util

    from annotator.formats.registry import EXPORT_FORMATS
    from annotator.services import exports

    gold = read_path(FIXTURES / "gold" / "dev.jsonl")
    import_documents(project=project, records=gold, as_gold=True)
    import_documents(project=project, records=gold[:25], as_annotator="alice")
    import_documents(
        project=project, records=[Record(r.text, r.id, spans=[], line=r.line) for r in gold[5:30]], as_annotator="bob"
    )
    formats = [f for f in EXPORT_FORMATS if f != "spacy" or importlib.util.find_spec("spacy") is not None]
    whole = {}
    for fmt in formats:
        chunks = export(project=project, source=source, fmt=fmt)
        whole[fmt] = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
    monkeypatch.setattr(exports, "_CHUNK", 7)
    for fmt in formats:
        chunks = export(project=project, source=source, fmt=fmt)
        assert b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks) == whole[fmt], fmt
