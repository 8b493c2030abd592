"""Imports larger than one batch: read as they come, still all or nothing, duplicates found
across batch boundaries (in the file and against the project), progress after each batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.exceptions import FormatError, InvalidSpans
from annotator.formats import Record, registry
from annotator.formats.registry import iter_path, read_path
from annotator.models import Annotation, Document, Gold, Span
from annotator.services.imports import import_documents

BATCH = 3


def counts() -> tuple[int, int, int, int]:
    return Document.objects.count(), Annotation.objects.count(), Span.objects.count(), Gold.objects.count()


def report_of(n: int) -> str:
    return f"Report {n}: shelling in Aleppo killed {n} people."


def located(text: str) -> dict:
    start = text.index("Aleppo")
    return {"start": start, "end": start + len("Aleppo"), "label": "LOCATION"}


def write_jsonl(path: Path, objects: list[dict], tail: str = "") -> Path:
    path.write_text("".join(json.dumps(obj) + "\n" for obj in objects) + tail, encoding="utf-8")
    return path


def test_a_bad_last_line_of_an_import_of_many_batches_leaves_the_project_as_it_was(project, tmp_path) -> None:
    path = write_jsonl(tmp_path / "big.jsonl", [{"id": f"r{n}", "text": report_of(n)} for n in range(10)], "{broken\n")
    before = counts()
    with pytest.raises(FormatError) as error:
        import_documents(project=project, records=iter_path(path), batch_size=BATCH)
    assert str(error.value).startswith("line 11: broken JSON")
    assert counts() == before
    assert not Document.objects.filter(external_id__startswith="r").exists()


def test_an_import_gives_the_connection_back_with_its_own_page_cache_failed_or_not(project, tmp_path) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page cache")

    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    before = cache_size()
    import_documents(project=project, records=[Record(text=report_of(n), id=f"r{n}") for n in range(5)])
    assert cache_size() == before
    path = write_jsonl(tmp_path / "bad.jsonl", [{"id": "r9", "text": report_of(9)}], "{broken\n")
    with pytest.raises(FormatError):
        import_documents(project=project, records=iter_path(path))
    assert cache_size() == before


def test_a_batch_larger_than_one_insert_is_stored_whole_in_file_order_and_searchable(project, owner) -> None:
    """A batch's documents go in INSERTs of about 2,000 rows: 2,500 lines in one batch are
    stored every one, with ids in the file's order (the queue's import order), and the
    last of them is found by search like the first."""
    from annotator.services.document_queries import document_list

    records = [Record(text=f"{report_of(n)} Marker{n}.", id=f"r{n}", line=n + 1) for n in range(2500)]
    report = import_documents(project=project, records=records)
    assert report.created == 2500
    stored = list(
        Document.objects.filter(external_id__startswith="r").order_by("pk").values_list("external_id", flat=True)
    )
    assert stored == [f"r{n}" for n in range(2500)]
    for n in (0, 2499):
        found = document_list(project=project, user=owner, sees_all=True, q=f"Marker{n}")
        assert [d.external_id for d in found] == [f"r{n}"]


def test_bad_spans_in_the_last_batch_store_nothing_of_the_earlier_ones(project) -> None:
    records = [Record(text=report_of(n), id=f"r{n}", spans=[], line=n + 1) for n in range(7)]
    records.append(Record(text=report_of(7), id="r7", spans=[{"start": 0, "end": 6, "label": "WEAPON"}], line=8))
    before = counts()
    with pytest.raises((FormatError, InvalidSpans), match=r"line 8: .*unknown label 'WEAPON'"):
        import_documents(project=project, records=records, as_annotator="alice", batch_size=BATCH)
    assert counts() == before


def test_a_text_or_id_repeated_in_a_later_batch_is_skipped_as_already_there(project) -> None:
    records = [Record(text=report_of(n), id=f"r{n}", line=n + 1) for n in range(5)]
    records += [Record(text=report_of(1), id="copy-of-r1", line=6), Record(text=report_of(2), id="r2", line=7)]
    report = import_documents(project=project, records=records, batch_size=BATCH)
    assert report.created == 5
    assert report.skipped == [
        "line 6: already in the project as 'r1' (same text)",
        "line 7: already in the project as 'r2' (same id)",
    ]
    assert Document.objects.filter(external_id__startswith="r").count() == 5


def test_an_id_given_again_in_a_later_batch_with_another_text_fails_naming_the_line(project) -> None:
    records = [Record(text=report_of(n), id=f"r{n}", line=n + 1) for n in range(5)]
    records.append(Record(text="Another text altogether.", id="r0", line=6))
    before = counts()
    with pytest.raises(FormatError, match="line 6: id 'r0' is already in the project with a different text"):
        import_documents(project=project, records=records, batch_size=BATCH)
    assert counts() == before


def test_documents_already_in_the_project_are_found_in_every_batch(project) -> None:
    stored = [Record(text=report_of(n), id=f"r{n}", line=n + 1) for n in range(8)]
    import_documents(project=project, records=stored)
    again = [Record(text=report_of(n), id=None if n % 2 else f"r{n}", line=n + 1) for n in range(8)]
    again.append(Record(text=report_of(8), id="r8", line=9))
    report = import_documents(project=project, records=again, batch_size=BATCH)
    assert report.created == 1 and report.skipped_count == 8
    assert report.skipped[7] == "line 8: already in the project as 'r7' (same text)"
    assert report.summary() == "1 documents created, 8 already in the project, skipped"


def test_an_annotator_twice_on_a_document_across_batches_is_an_error_and_stores_nothing(project) -> None:
    records = [Record(text=report_of(n), id=f"r{n}", spans=[], line=n + 1) for n in range(5)]
    records.append(Record(text=report_of(1), id="r1", spans=[], line=6))
    before = counts()
    with pytest.raises(FormatError, match=r"line 6: document 'r1' is annotated by alice again \(earlier in the file\)"):
        import_documents(project=project, records=records, as_annotator="alice", batch_size=BATCH)
    assert counts() == before


def test_the_gold_twice_on_a_document_across_batches_is_an_error(project) -> None:
    records = [Record(text=report_of(n), id=f"r{n}", spans=[], line=n + 1) for n in range(4)]
    records.append(Record(text=report_of(0), id="r0", spans=[], line=5))
    before = counts()
    with pytest.raises(FormatError, match="line 5: document 'r0' is annotated by gold again"):
        import_documents(project=project, records=records, as_gold=True, batch_size=BATCH)
    assert counts() == before


def test_annotations_already_stored_are_refreshed_in_any_batch_not_taken_for_repeats(project) -> None:
    records = [Record(text=report_of(n), id=f"r{n}", spans=[], line=n + 1) for n in range(5)]
    import_documents(project=project, records=records, as_annotator="alice")
    import_documents(project=project, records=records, as_gold=True)
    again = [Record(text=r.text, id=r.id, spans=[located(r.text)], line=r.line) for r in records]
    report = import_documents(project=project, records=again, as_annotator="alice", batch_size=BATCH)
    gold = import_documents(project=project, records=again, as_gold=True, batch_size=BATCH)
    assert (report.annotations, gold.gold) == (5, 5)
    mine = Annotation.objects.filter(annotator__username="alice", document__external_id__startswith="r")
    assert sorted(mine.values_list("version", flat=True)) == [2] * 5
    assert Span.objects.filter(annotation__in=mine, label="LOCATION").count() == 5
    assert (
        sorted(Gold.objects.filter(document__external_id__startswith="r").values_list("version", flat=True)) == [2] * 5
    )


def test_progress_is_reported_after_every_batch_and_once_done(project) -> None:
    heard: list[tuple[int, int]] = []
    records = [Record(text=report_of(n), id=f"r{n}", line=n + 1) for n in range(7)]
    import_documents(project=project, records=records, on_progress=lambda *p: heard.append(p), expected=8, batch_size=3)
    assert heard == [(3, 8), (6, 8), (7, 8), (7, 7)]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_file_read_in_small_blocks_gives_the_records_read_whole(tmp_path, monkeypatch, newline: str) -> None:
    """Block boundaries fall inside lines and between a CR and its LF."""
    lines = [json.dumps({"id": f"r{n}", "text": report_of(n) + " é"}) for n in range(6)]
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_bytes((newline.join([*lines[:3], "", *lines[3:]]) + newline).encode("utf-8"))
    csv = tmp_path / "docs.csv"
    rows = ["id,text,source", 'r1,"Two lines,' + newline + ' in quotes",wire', "r2,Aleppo é,desk"]
    csv.write_bytes(("\ufeff" + newline.join(rows) + newline).encode("utf-8"))
    for path in (jsonl, csv):
        whole = read_path(path)
        for block in (1, 5, 7, 64):
            monkeypatch.setattr(registry, "_BLOCK", block)
            assert list(iter_path(path)) == whole


def test_a_conll_file_and_a_txt_zip_stream_as_they_read_whole(project, tmp_path, monkeypatch) -> None:
    from annotator.services.exports import export

    records = [Record(text=report_of(n), id=f"r{n}", spans=[], line=n + 1) for n in range(4)]
    import_documents(project=project, records=records, as_gold=True)
    conll = tmp_path / "gold.conll"
    conll.write_text("".join(export(project=project, source="gold", fmt="conll-meta")), encoding="utf-8")
    archive = tmp_path / "docs.zip"
    archive.write_bytes(b"".join(export(project=project, source="documents", fmt="txt")))
    monkeypatch.setattr(registry, "_BLOCK", 9)
    assert list(iter_path(conll, "conll-meta")) == read_path(conll, "conll-meta")
    assert list(iter_path(archive)) == read_path(archive)


def test_not_utf8_in_a_streamed_csv_names_its_line(tmp_path, monkeypatch) -> None:
    path = tmp_path / "docs.csv"
    path.write_bytes(b"id,text\nr1,Aleppo\nr2,Idl\xffib\n")
    monkeypatch.setattr(registry, "_BLOCK", 4)
    with pytest.raises(FormatError, match=r"line 3: not UTF-8 \(byte 24\)"):
        list(iter_path(path))
