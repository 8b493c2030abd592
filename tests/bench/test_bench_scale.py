"""The scale benchmark's documents are what it claims: realistic, and valid import input."""

from __future__ import annotations

from pathlib import Path

from annotator.formats.registry import read_path
from annotator.models import Annotation
from annotator.services.imports import import_documents
from bench.bench_scale import document, label, parse_size, parse_skip, spans_of, write_documents


def test_documents_are_about_600_characters_and_some_carry_arabic() -> None:
    texts = [document(i)["text"] for i in range(400)]

    assert all(540 <= len(text) <= 760 for text in texts)
    assert 0.15 < sum(any("\u0600" <= c <= "\u06ff" for c in text) for text in texts) / len(texts) < 0.35
    assert any("é" in text or "Á" in text for text in texts)


def test_each_span_marks_the_word_it_names() -> None:
    doc = document(1234)

    marked = {s["label"]: doc["text"][s["start"] : s["end"]] for s in doc["spans"]}

    assert marked["LOCATION"] in doc["text"].split(":", 1)[1]
    assert marked["CASUALTY_COUNT"].endswith(" people")
    assert spans_of(doc["text"]) == doc["spans"]


def test_an_agreement_annotators_file_imports_as_their_submitted_annotations(project, tmp_path: Path) -> None:
    path = tmp_path / "agree2.jsonl"
    write_documents(path, 0, 20, annotator=2)

    report = import_documents(
        project=project, records=read_path(path, "jsonl"), as_annotator="agree2", create_annotators=True
    )

    assert (report.created, report.annotations) == (20, 20)
    stored = Annotation.objects.filter(annotator__username="agree2", status="submitted")
    assert stored.count() == 20
    # Annotator 2 leaves out the casualty count in every fifth document.
    assert sorted(a.spans.count() for a in stored) == [2] * 4 + [3] * 16


def test_sizes_and_skips_read_as_written() -> None:
    assert [parse_size(s) for s in ("1k", "10K", "1m", "300")] == [1_000, 10_000, 1_000_000, 300]
    assert parse_skip("next@1m, agreement") == {("next", 1_000_000), ("agreement", 0)}
    assert [label(n) for n in (1_000, 100_000, 1_000_000, 300)] == ["1k", "100k", "1M", "300"]
