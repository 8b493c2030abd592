from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection

from annotator.exceptions import AnnotatorError, FormatError, InvalidSpans
from annotator.formats import Record
from annotator.formats.jsonl import read_jsonl
from annotator.formats.registry import read_path
from annotator.models import Annotation, Document, Gold, GoldSpan, Span
from annotator.models.documents import content_hash
from annotator.services.imports import import_documents
from tests.conftest import FIXTURES

BAD = FIXTURES / "bad"
TEXT = "Syrian warplanes killed 12 people in Aleppo."


def counts() -> tuple[int, int, int, int]:
    return Document.objects.count(), Annotation.objects.count(), Span.objects.count(), Gold.objects.count()


@pytest.mark.parametrize(
    ("filename", "line", "words"),
    [
        ("offsets_outside_text.jsonl", 2, "offsets outside the text"),
        ("negative_start.jsonl", 2, "offsets outside the text"),
        ("start_not_before_end.jsonl", 2, "start must be before end"),
        ("boundary_inside_word.jsonl", 2, "inside the word 'Aleppo'"),
        ("unknown_label.jsonl", 2, "unknown label 'WEAPON'"),
        ("broken_json.jsonl", 3, "broken JSON"),
        ("same_label_overlap.jsonl", 2, "overlaps span 0 of the same label PERPETRATOR"),
        ("spans_without_annotator.jsonl", 2, "spans but no annotator"),
        ("span_text_mismatch.jsonl", 2, "says 'Idlib' but the text there is 'Aleppo'"),
        ("missing_text.jsonl", 2, "'text' is missing"),
        ("bad_attribute.jsonl", 2, "attribute 'status' must be one of"),
        ("not_an_object.jsonl", 2, "must be a JSON object"),
        ("not_utf8.jsonl", 2, "not UTF-8"),
        ("no_text_column.csv", 1, "no 'text' column"),
        ("csv_ragged_row.csv", 3, "4 columns where the header has 3"),
    ],
)
def test_a_bad_file_stores_nothing_and_names_the_line_and_reason(project, filename: str, line: int, words: str) -> None:
    before = counts()
    with pytest.raises((FormatError, InvalidSpans)) as error:
        import_documents(project=project, records=read_path(BAD / filename))
    assert error.value.line == line
    assert str(error.value).startswith(f"line {line}: ")
    assert words in str(error.value)
    assert counts() == before


def test_plain_import_skips_and_reports_documents_already_there(project) -> None:
    records = [
        Record(text=TEXT, id="a", line=1),
        Record(text=TEXT, id="b", line=2),
        Record(text="Other.", id="a", line=3),
    ]
    with pytest.raises(FormatError, match="line 3: id 'a' is already in the project with a different text"):
        import_documents(project=project, records=records)
    report = import_documents(project=project, records=records[:2])
    assert report.created == 1
    assert report.skipped == ["line 2: already in the project as 'a' (same text)"]
    again = import_documents(project=project, records=records[:1])
    assert (again.created, again.skipped) == (0, ["line 1: already in the project as 'a' (same id)"])


def test_a_document_without_an_id_gets_one_from_its_text(project) -> None:
    import_documents(project=project, records=[Record(text=TEXT, line=1)])
    doc = Document.objects.get(project=project, text=TEXT)
    assert len(doc.external_id) == 16 and doc.content_hash.startswith(doc.external_id)


def test_a_text_whose_hash_only_starts_like_a_stored_ones_is_another_document(project) -> None:
    # Texts are looked up by the first 16 characters of their hash (the index's); the full
    # hash decides. A stored document made to share TEXT's prefix is not TEXT.
    lookalike = Document.objects.create(project=project, external_id="lookalike", text="Another report.")
    Document.objects.filter(pk=lookalike.pk).update(content_hash=content_hash(TEXT)[:16] + "0" * 48)
    report = import_documents(project=project, records=[Record(text=TEXT, line=1)])
    assert (report.created, report.skipped) == (1, [])
    again = import_documents(project=project, records=[Record(text=TEXT, line=1)])
    stored = Document.objects.get(project=project, text=TEXT)
    assert again.skipped == [f"line 1: already in the project as {stored.external_id!r} (same text)"]
    assert list(Document.objects.with_text(project, TEXT)) == [stored]


def test_a_text_is_looked_up_by_the_hash_index(project) -> None:
    # A project with statistics gathered; SQLite missed the index when the full hash stood
    # beside the prefix in one WHERE (it put the value into the index's expression).
    Document.objects.bulk_create(
        Document(project=project, external_id=f"r{i}", text=f"Report {i}.", content_hash=content_hash(f"Report {i}."))
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    found = Document.objects.with_text(project, "Report 7.").live()
    assert [doc.external_id for doc in found] == ["r7"]
    assert "document_hash_prefix_idx" in found.explain()


def test_annotators_files_attach_to_the_same_documents(project, alice) -> None:
    spans = [{"start": 0, "end": 16, "label": "PERPETRATOR"}, {"start": 37, "end": 43, "label": "LOCATION"}]
    import_documents(project=project, records=[Record(text=TEXT, id="d1", line=1)])
    import_documents(project=project, records=[Record(text=TEXT, id="d1", spans=spans, line=1)], as_annotator="alice")
    # A second annotator, new to the app, matched by text alone, with an empty annotation
    # (brought in from the command line, which may create her account).
    import_documents(
        project=project, records=[Record(text=TEXT, spans=[], line=1)], as_annotator="zoe", create_annotators=True
    )
    doc = Document.objects.get(external_id="d1")
    by_user = {a.annotator.username: a for a in doc.annotations.all()}
    assert set(by_user) == {"alice", "zoe"}
    assert all(a.status == "submitted" for a in by_user.values())
    assert [(s.start, s.end, s.label) for s in by_user["alice"].spans.all()] == [
        (0, 16, "PERPETRATOR"),
        (37, 43, "LOCATION"),
    ]
    assert by_user["zoe"].spans.count() == 0
    assert not by_user["zoe"].annotator.has_usable_password()
    assert project.memberships.filter(user__username="zoe", role="annotator").exists()


def test_reimporting_an_annotation_replaces_it_and_raises_its_version(project) -> None:
    first = [{"start": 0, "end": 16, "label": "PERPETRATOR"}]
    import_documents(project=project, records=[Record(text=TEXT, id="d1", spans=first, line=1)], as_annotator="alice")
    import_documents(project=project, records=[Record(text=TEXT, id="d1", spans=[], line=1)], as_annotator="alice")
    annotation = Annotation.objects.get(document__external_id="d1", annotator__username="alice")
    assert (annotation.version, annotation.spans.count()) == (2, 0)


def test_gold_import_and_the_line_annotator_field(project) -> None:
    gold = Record(text=TEXT, id="d1", spans=[{"start": 37, "end": 43, "label": "LOCATION"}], annotator="gold", line=1)
    import_documents(project=project, records=[gold])
    assert GoldSpan.objects.filter(gold__document__external_id="d1").count() == 1
    with pytest.raises(AnnotatorError, match="'gold' is reserved"):
        import_documents(project=project, records=[Record(text=TEXT, spans=[], line=1)], as_annotator="gold")


def test_one_annotator_twice_on_a_document_in_one_file_is_an_error(project) -> None:
    records = [Record(text=TEXT, id="d1", spans=[], line=1), Record(text=TEXT, id="d2", spans=[], line=2)]
    with pytest.raises(FormatError, match="line 2: document 'd1' is annotated by alice again"):
        import_documents(project=project, records=records, as_annotator="alice")
    assert not Document.objects.filter(external_id__in=["d1", "d2"]).exists()


def test_the_development_gold_set_imports_whole(project) -> None:
    report = import_documents(project=project, records=read_path(FIXTURES / "gold" / "dev.jsonl"), as_gold=True)
    assert (report.created, report.gold) == (40, 40)
    expected = sum(len(json.loads(line)["spans"]) for line in (FIXTURES / "gold" / "dev.jsonl").open())
    assert GoldSpan.objects.count() == expected == 662


def test_seed_texts_are_stored_byte_for_byte(project) -> None:
    for path in sorted(Path(FIXTURES.parent / "seeds").glob("*.txt")):
        assert Document.objects.get(project=project, external_id=path.stem).text == path.read_text(encoding="utf-8")


def test_an_import_over_the_row_limit_stores_nothing(project, settings) -> None:
    settings.MAX_IMPORT_ROWS = 3
    before = counts()
    records = [Record(text=f"Report {i} from Aleppo.", id=f"r{i}", line=i + 1) for i in range(4)]
    with pytest.raises(AnnotatorError, match="more than 3 documents in one import"):
        import_documents(project=project, records=records)
    assert counts() == before


def test_the_relation_gold_imports_and_exports_with_the_same_relations(project) -> None:  # type: ignore[no-untyped-def]
    from annotator.models import GoldRelation
    from annotator.services.exports import export_records

    path = FIXTURES / "gold" / "relations" / "dev.jsonl"
    import_documents(project=project, records=read_path(path), as_gold=True)
    assert GoldRelation.objects.count() == 305
    given = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        spans = record["spans"]
        given[record["id"]] = sorted(
            (spans[r["from_id"]]["start"], spans[r["to_id"]]["start"], r["type"]) for r in record["relations"]
        )
    exported = {}
    for record in export_records(project=project, source="gold"):
        if record.id in given:
            spans = record.spans or []
            exported[record.id] = sorted(
                (spans[r["from"]]["start"], spans[r["to"]]["start"], r["type"]) for r in record.relations or []
            )
    assert exported == given


def test_a_relation_that_breaks_the_projects_types_names_its_line_and_stores_nothing(project) -> None:  # type: ignore[no-untyped-def]
    line = json.loads((FIXTURES / "gold" / "relations" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[0])
    line["relations"][0]["type"] = "NEAR"
    with pytest.raises(FormatError) as caught:
        import_documents(project=project, records=read_jsonl([json.dumps(line)]), as_gold=True)
    assert caught.value.line == 1 and "type 'NEAR' is not a relation type of this project" in str(caught.value)
    assert not Gold.objects.exists()
