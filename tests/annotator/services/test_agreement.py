"""The agreement service: submitted annotations from the database into the report, the
per-document table and CSV, the drill-down, and scores against the gold."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from annotator.agreement.report import AnnotatedDocument
from annotator.agreement.report import agreement_report as pure_report
from annotator.models import Document, Gold, GoldSpan, ModelVersion, Suggestion
from annotator.services.agreement import (
    agreement_report,
    document_drilldown,
    documents_table,
    documents_table_csv,
    gold_scores,
    load_annotated_documents,
)
from annotator.spans import Span as SpanValue
from tests.helpers import annotate

SEED_GOLD = Path(__file__).resolve().parents[3] / "fixtures" / "gold" / "seeds.jsonl"
LABELS = ["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"]


def seed_gold() -> dict[str, list[dict]]:
    """The seed articles' hand-made gold spans, by text."""
    records = [json.loads(line) for line in SEED_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {r["text"]: r["spans"] for r in records}


@pytest.fixture
def annotated(project, alice, bob):  # type: ignore[no-untyped-def]
    """Alice submits the gold of every seed; Bob the gold minus its first span on the first
    three, skips the fourth, leaves a draft on the fifth."""
    gold = seed_gold()
    documents = list(Document.objects.filter(project=project).order_by("id"))
    assert all(d.text in gold for d in documents), "the seed texts match their gold"
    for i, document in enumerate(documents):
        spans = gold[document.text]
        annotate(document, alice, spans)
        if i < 3:
            annotate(document, bob, spans[1:])
        elif i == 3:
            annotate(document, bob, [], status="skipped")
        else:
            annotate(document, bob, spans, status="draft")
    return documents


def test_only_submitted_annotations_are_loaded_and_skips_and_drafts_are_missing(annotated) -> None:  # type: ignore[no-untyped-def]
    documents = load_annotated_documents(project=annotated[0].project)
    assert len(documents) == 5
    assert [sorted(d.annotations) for d in documents] == [["alice", "bob"]] * 3 + [["alice"]] * 2


def test_the_service_report_equals_the_pure_module_on_the_same_data(annotated) -> None:  # type: ignore[no-untyped-def]
    project = annotated[0].project
    report = agreement_report(project=project, resamples=100)
    gold = seed_gold()
    expected_docs = []
    for i, document in enumerate(annotated[:5]):
        spans = [SpanValue(s["start"], s["end"], s["label"], s.get("attrs") or {}) for s in gold[document.text]]
        annotations = {"alice": spans, "bob": spans[1:]} if i < 3 else {"alice": spans}
        expected_docs.append(AnnotatedDocument(str(document.pk), document.text, annotations))
    expected = pure_report(
        expected_docs,
        labels=LABELS,
        attributes={"CASUALTY_COUNT": ["value", "qualifier", "status", "victims"]},
        resamples=100,
        relation_types=["BY", "AT"],  # the project's; nobody linked anything
    )
    report.pop("vs_gold")
    report.pop("suggestions_comparison")  # the service's own addition, as vs_gold
    assert report == expected
    assert report["annotators"] == ["alice", "bob"] and report["documents"] == 5
    assert report["span_f1_exact"]["per_pair"]["alice|bob"]["documents"] == 3
    assert 0 < report["span_f1_exact"]["value"] < 1
    assert report["krippendorff_alpha"]["documents"] == 3  # a document only alice submitted has nothing pairable
    assert report["fleiss_kappa"]["documents"] == 3


def test_annotators_and_the_model_are_scored_against_the_gold(annotated, owner) -> None:  # type: ignore[no-untyped-def]
    project = annotated[0].project
    gold = seed_gold()
    first = annotated[0]
    record = Gold.objects.create(document=first, adjudicator=owner)
    spans = [{key: s[key] for key in ("start", "end", "label", "attrs") if key in s} for s in gold[first.text]]
    GoldSpan.objects.bulk_create(GoldSpan(gold=record, **s) for s in spans)
    model = ModelVersion.objects.create(project=project, version=1, status=ModelVersion.Status.CURRENT)
    for s in spans[:5]:
        Suggestion.objects.create(document=first, model_version=model, score=0.9, **s)
    scores = gold_scores(project=project)
    assert scores["documents"] == 1
    assert scores["per_annotator"]["alice"]["value"] == 1.0
    bob = scores["per_annotator"]["bob"]
    n = len(gold[first.text])
    assert bob["value"] == pytest.approx(2 * (n - 1) / (2 * n - 1))
    assert bob["exact"]["recall"] == pytest.approx((n - 1) / n) and bob["documents"] == 1
    assert scores["model"]["version"] == 1 and scores["model"]["exact"]["precision"] == 1.0


def test_the_per_document_table_and_its_csv(annotated) -> None:  # type: ignore[no-untyped-def]
    project = annotated[0].project
    rows = documents_table(project=project)
    assert [row["document"] for row in rows] == [d.pk for d in annotated]
    assert rows[0]["external_id"] == annotated[0].external_id
    assert rows[0]["disagreements_by_kind"]["only_one"] == 1 and rows[0]["span_f1_exact"] < 1
    assert rows[3]["annotators"] == ["alice"] and rows[3]["missing"] == ["bob"] and rows[3]["cohen_kappa"] is None
    table = list(csv.DictReader(io.StringIO(documents_table_csv(project=project))))
    assert len(table) == 5 and table[3]["cohen_kappa"] == "" and table[0]["annotators"] == "alice;bob"
    assert table[0]["disagreements_only_one"] == "1" and int(table[0]["spans_alice"]) == rows[0]["spans"]["alice"]


def test_the_drilldown_shows_each_annotators_spans_and_the_disagreeing_ones(annotated) -> None:  # type: ignore[no-untyped-def]
    detail = document_drilldown(document=annotated[0])
    dropped = seed_gold()[annotated[0].text][0]
    only_one = detail["comparison"]["disagreements"]["only_one"]
    assert [(d["start"], d["end"]) for d in only_one] == [(dropped["start"], dropped["end"])]
    assert only_one[0]["spans"][0]["annotator"] == "alice" and only_one[0]["missing"] == ["bob"]
    assert len(detail["spans_by_annotator"]["bob"]) == len(detail["spans_by_annotator"]["alice"]) - 1


def test_the_command_prints_the_report_as_json_and_as_a_table(annotated, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("agreement", "aleppo", "--json", "--resamples", "50")
    report = json.loads(capsys.readouterr().out)
    assert report["annotators"] == ["alice", "bob"] and report["span_f1_exact"]["ci95"] is not None
    call_command("agreement", "aleppo", "--resamples", "0")
    table = capsys.readouterr().out
    assert "Span F1, exact" in table and "alice|bob" in table and "Fleiss" in table


def test_figures_in_the_json_and_the_csv_are_the_full_float_not_rounded(annotated, capsys) -> None:  # type: ignore[no-untyped-def]
    gold = seed_gold()
    sizes = [len(gold[d.text]) for d in annotated[:3]]  # Bob has all of Alice's spans but one
    matched, alice, bob = sum(sizes) - 3, sum(sizes), sum(sizes) - 3
    expected = 2 * matched / (alice + bob)
    call_command("agreement", "aleppo", "--json", "--resamples", "0")
    figure = json.loads(capsys.readouterr().out)["span_f1_exact"]["value"]
    assert figure == pytest.approx(expected, rel=1e-12) and figure != round(figure, 4)
    n = sizes[0]
    table = list(csv.DictReader(io.StringIO(documents_table_csv(project=annotated[0].project))))
    assert float(table[0]["span_f1_exact"]) == pytest.approx(2 * (n - 1) / (2 * n - 1), rel=1e-12)
    assert len(table[0]["span_f1_exact"]) > 6


def test_the_command_writes_the_per_document_csv(annotated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "documents.csv"
    call_command("agreement", "aleppo", "--resamples", "0", "--documents-csv", str(target))
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [int(row["document"]) for row in rows] == [d.pk for d in annotated]


def test_the_command_names_an_unknown_project(db) -> None:  # type: ignore[no-untyped-def]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no project 'nope'"):
        call_command("agreement", "nope")


def test_a_project_with_nothing_submitted_reports_nulls_not_errors(project, capsys) -> None:  # type: ignore[no-untyped-def]
    report = agreement_report(project=project, resamples=20)
    assert report["documents"] == 0 and report["annotators"] == []
    assert all(report[key]["value"] is None for key in ("span_f1_exact", "cohen_kappa", "fleiss_kappa", "alpha_u"))
    assert report["vs_gold"] == {"documents": 0, "per_annotator": {}, "model": None}
    call_command("agreement", "aleppo")
    assert "Documents: 0" in capsys.readouterr().out
    assert documents_table_csv(project=project).startswith("document,external_id,")
