"""Label Studio JSON: tasks with annotations and predictions, offsets in code points."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from annotator.exceptions import FormatError
from annotator.formats import Record
from annotator.formats.jsonl import read_jsonl
from annotator.formats.labelstudio import count_predictions, labelling_config, read_labelstudio, write_labelstudio
from annotator.formats.registry import read_path
from tests.annotator.formats.strategies import annotated
from tests.conftest import FIXTURES

TEXT = "Syrian warplanes killed 12 people in Aleppo."
COUNT = {"start": 24, "end": 33, "label": "CASUALTY_COUNT", "attrs": {"value": 12, "status": "killed"}}
PLACE = {"start": 37, "end": 43, "label": "LOCATION", "attrs": {}}


def ls(records: list[Record]) -> str:
    return "".join(write_labelstudio(records))


def test_annotators_of_one_document_become_one_task_and_the_gold_is_ground_truth() -> None:
    records = [
        Record(text=TEXT, id="d1", spans=[COUNT, PLACE], annotator="alice"),
        Record(text=TEXT, id="d1", spans=[], annotator="bob"),
        Record(text=TEXT, id="d1", spans=[PLACE], annotator="gold"),
    ]
    (task,) = json.loads(ls(records))
    assert task["data"] == {"text": TEXT, "id": "d1"}
    # No `completed_by` (Label Studio refuses one that is not its user): the names are in the task's meta.
    assert [(a["id"], a["ground_truth"], "completed_by" in a) for a in task["annotations"]] == [
        (1, False, False),
        (2, False, False),
        (3, True, False),
    ]
    assert task["meta"] == {"annotators": {"1": "alice", "2": "bob", "3": "gold"}}
    region, value, status, place = task["annotations"][0]["result"]
    assert region["type"] == "labels" and region["value"] == {
        "start": 24,
        "end": 33,
        "text": "12 people",
        "labels": ["CASUALTY_COUNT"],
    }
    # Attributes are per-region results sharing the region's id, as perRegion controls write them.
    assert (value["id"], value["type"], value["value"]["number"]) == (region["id"], "number", 12)
    assert (status["id"], status["type"], status["value"]["choices"]) == (region["id"], "choices", ["killed"])
    assert place["value"]["labels"] == ["LOCATION"]
    assert list(read_labelstudio(ls(records))) == [
        Record(text=TEXT, id="d1", spans=[COUNT, PLACE], annotator="alice", line=1),
        Record(text=TEXT, id="d1", spans=[], annotator="bob", line=1),
        Record(text=TEXT, id="d1", spans=[PLACE], annotator="gold", line=1),
    ]


def test_model_spans_are_predictions_with_version_and_scores_and_are_not_imported() -> None:
    scored = [{**PLACE, "score": 0.8}, {**COUNT, "attrs": {}, "score": 0.6}]
    text = ls([Record(text=TEXT, id="d1", spans=scored, annotator="model", model_version="3")])
    (task,) = json.loads(text)
    (prediction,) = task["predictions"]
    assert (prediction["model_version"], prediction["score"]) == ("3", 0.7)
    assert [r["score"] for r in prediction["result"]] == [0.8, 0.6]
    assert task["annotations"] == [] and count_predictions(text) == 1
    assert list(read_labelstudio(text)) == [Record(text=TEXT, id="d1", line=1)]


def test_an_empty_export_is_an_empty_array() -> None:
    assert json.loads(ls([])) == []


def test_offsets_counted_in_utf16_units_by_old_label_studio_are_converted() -> None:
    text = "\U0001f6a8 3 children wounded in Marea"
    task = {
        "data": {"text": text},
        "annotations": [
            {
                "completed_by": 3,
                "result": [
                    {
                        "id": "a",
                        "type": "labels",
                        "value": {"start": 25, "end": 30, "text": "Marea", "labels": ["LOCATION"]},
                    }
                ],
            }
        ],
    }
    (record,) = read_labelstudio(json.dumps([task]))
    assert record.spans == [{"start": 24, "end": 29, "label": "LOCATION", "attrs": {}}]
    assert record.annotator == "labelstudio-3"
    task["annotations"][0]["result"][0]["value"]["text"] = "Homs"
    with pytest.raises(FormatError, match=r"line 1: task 1: result 0 \[25, 30\) says 'Homs'"):
        list(read_labelstudio(json.dumps([task])))


def test_a_task_without_text_is_refused_naming_the_task() -> None:
    with pytest.raises(FormatError, match=r"task 2: 'data\.text' is missing"):
        list(read_labelstudio(json.dumps([{"data": {"text": "x"}}, {"data": {"image": "a.jpg"}}])))


def test_real_label_studio_and_doccano_exports_of_the_same_articles_give_the_same_spans() -> None:
    """Written by hand in each tool's documented export shape: Label Studio's JSON (a
    cancelled annotation, a prediction, one task annotated by an older frontend that counted
    UTF-16 units) and doccano's JSONL with `label` triples."""
    studio = read_path(FIXTURES / "formats" / "labelstudio_export.json")
    doccano = read_path(FIXTURES / "formats" / "doccano_export.jsonl")
    assert [r.annotator for r in studio] == ["labelstudio-3", "labelstudio-3"]
    assert [(r.text, r.spans) for r in studio] == [(r.text, r.spans) for r in doccano]
    assert [len(r.spans) for r in studio] == [5, 2]
    assert all("\r\n" in r.text for r in studio[:1])


def test_the_labelling_config_names_every_label_and_attribute() -> None:
    config = labelling_config(
        ["LOCATION"], {"value": {"type": "integer"}, "status": {"type": "choice", "choices": ["killed"]}}
    )
    assert '<Label value="LOCATION"/>' in config and '<Number name="value"' in config
    assert '<Choice value="killed"/>' in config and '<Text name="text" value="$text"/>' in config


@settings(max_examples=100, deadline=None)
@given(annotated())
def test_any_record_comes_back_exactly(record: Record) -> None:
    record.annotator = "alice"
    first = ls([record])
    (back,) = read_labelstudio(first)
    assert (back.text, back.id, back.spans, back.annotator) == (record.text, record.id, record.spans, "alice")
    assert ls([back]) == first


@settings(max_examples=100, deadline=None)
@given(annotated())
def test_jsonl_brings_back_any_record_exactly(record: Record) -> None:
    from annotator.formats.jsonl import write_jsonl

    record.annotator = "bob"
    first = "".join(write_jsonl([record]))
    (back,) = read_jsonl(first.encode("utf-8").splitlines())
    assert (back.text, back.id, back.spans, back.annotator) == (record.text, record.id, record.spans, "bob")
    assert "".join(write_jsonl([back])) == first
