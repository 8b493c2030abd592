"""Relations in JSONL and doccano: read by span id, written by index, and a file written
and read back gives back the same file; bad relations name the line and the relation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.exceptions import FormatError
from annotator.formats import Record
from annotator.formats.doccano import write_doccano
from annotator.formats.jsonl import read_jsonl, write_jsonl
from annotator.formats.labelstudio import labelling_config, read_labelstudio, write_labelstudio

GOLD = Path(__file__).resolve().parents[3] / "fixtures" / "gold" / "relations" / "dev.jsonl"
MIXED = "حلب: 12 civilians 👨‍👩‍👧 killed by regime forces 🇸🇾 in Alep-Est, Zoé said."


def mixed_line(**extra: object) -> str:
    count = MIXED.index("12 civilians")
    actor = MIXED.index("regime forces")
    place = MIXED.index("Alep-Est")
    line = {
        "id": "mixed-1",
        "text": MIXED,
        "spans": [
            {"id": 7, "start": count, "end": count + 12, "label": "CASUALTY_COUNT"},
            {"id": "p", "start": actor, "end": actor + 13, "label": "PERPETRATOR"},
            {"id": 9, "start": place, "end": place + 8, "label": "LOCATION"},
        ],
        "relations": [{"from_id": 7, "to_id": "p", "type": "BY"}, {"from_id": 7, "to_id": 9, "type": "AT"}],
        **extra,
    }
    return json.dumps(line, ensure_ascii=False)


def test_relations_are_read_by_span_id_and_kept_as_indices() -> None:
    (record,) = read_jsonl([mixed_line()])
    assert record.relations == [{"from": 0, "to": 1, "type": "BY"}, {"from": 0, "to": 2, "type": "AT"}]
    assert record.spans is not None and MIXED[record.spans[2]["start"] : record.spans[2]["end"]] == "Alep-Est"


def test_the_relation_gold_round_trips_through_jsonl_and_doccano() -> None:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    records = list(read_jsonl(lines))
    assert sum(len(r.relations or []) for r in records) == 305
    written = "".join(write_jsonl(records))
    assert "".join(write_jsonl(read_jsonl(written.splitlines()))) == written
    for original, again in zip(records, read_jsonl(written.splitlines()), strict=True):
        assert again.relations == original.relations and again.spans == original.spans
    doccano = "".join(write_doccano(records))
    assert "".join(write_doccano(read_jsonl(doccano.splitlines()))) == doccano
    first = json.loads(doccano.splitlines()[0])
    assert "label" not in first and first["relations"][0].keys() == {"id", "from_id", "to_id", "type"}


def test_a_line_without_relations_is_written_as_before() -> None:
    line = json.loads(mixed_line())
    del line["relations"]
    (record,) = read_jsonl([json.dumps(line, ensure_ascii=False)])
    written = json.loads("".join(write_jsonl([record])))
    assert "relations" not in written and all("id" not in span for span in written["spans"])
    assert "label" in json.loads("".join(write_doccano([record])))


@pytest.mark.parametrize(
    ("relations", "message"),
    [
        ([{"from_id": 7, "to_id": 8, "type": "BY"}], "relation 0: to_id 8 is no span id of this line"),
        ([{"from_id": 7, "to_id": 7, "type": "BY"}], "relation 0 links a span to itself"),
        ([{"from_id": 7, "type": "BY"}], "relation 0 has no 'to_id'"),
        ([{"from_id": 7, "to_id": 9, "type": ""}], "relation 0: 'type' must be a non-empty string"),
        ([{"from_id": 7, "to_id": 9, "type": "AT"}] * 2, "relation 1 repeats a link"),
        ({"from_id": 7}, "'relations' must be a list"),
    ],
)
def test_a_bad_relation_names_the_line_and_the_relation(relations: object, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        list(read_jsonl(["", mixed_line(relations=relations)]))
    assert caught.value.line == 2 and message in str(caught.value)


def test_a_span_id_used_twice_is_refused() -> None:
    line = json.loads(mixed_line())
    line["spans"][1]["id"] = 7
    with pytest.raises(FormatError, match="span 1: id 7 is used twice"):
        list(read_jsonl([json.dumps(line, ensure_ascii=False)]))


def test_the_relation_gold_round_trips_through_label_studio() -> None:
    records = list(read_jsonl(GOLD.read_text(encoding="utf-8").splitlines()))
    written = "".join(write_labelstudio(records))
    again = list(read_labelstudio(written))
    assert "".join(write_labelstudio(again)) == written
    for original, back in zip(records, again, strict=True):
        assert (back.relations or []) == (original.relations or [])  # Label Studio has no "none" apart from []
    first = json.loads(written)[0]["annotations"][0]["result"]
    link = next(item for item in first if item["type"] == "relation")
    assert link["direction"] == "right" and link["labels"] in (["BY"], ["AT"])


def test_label_studio_relations_pointing_left_are_turned_round_and_bad_ones_named() -> None:
    (record,) = read_jsonl([mixed_line(annotator="alice")])
    task = json.loads("".join(write_labelstudio([record])))[0]
    result = task["annotations"][0]["result"]
    by = next(item for item in result if item.get("labels") == ["BY"])
    by["from_id"], by["to_id"], by["direction"] = by["to_id"], by["from_id"], "left"
    (back,) = read_labelstudio(json.dumps([task]))
    assert back.relations == record.relations
    by["to_id"] = "no-such-region"
    with pytest.raises(FormatError, match="relation to_id 'no-such-region' is no region"):
        list(read_labelstudio(json.dumps([task])))


def test_the_label_studio_config_lists_the_relation_types() -> None:
    config = labelling_config(["CASUALTY_COUNT", "PERPETRATOR"], relation_types=["BY", "AT"])
    assert '<Relation value="BY"/>' in config and '<Relation value="AT"/>' in config


def test_a_doccano_file_with_relations_is_in_the_relation_shape_on_every_line() -> None:
    # doccano 1.8.4 reads a file in one shape ("JSONL(Relation)": entities/relations, or
    # "JSONL": label) and fails as a whole on a mix: bob's line, without links, must not be `label`.
    (linked,) = read_jsonl([mixed_line(annotator="alice")])
    assert linked.spans is not None
    unlinked = Record(text=MIXED, id="mixed-1", spans=linked.spans[:1], annotator="bob")
    lines = [json.loads(line) for line in write_doccano([linked, unlinked], relations=True)]
    assert [sorted(line.keys() & {"label", "entities", "relations"}) for line in lines] == [
        ["entities", "relations"]
    ] * 2
    count = MIXED.index("12 civilians")
    assert lines[1]["entities"] == [
        {"id": 0, "start_offset": count, "end_offset": count + 12, "label": "CASUALTY_COUNT"}
    ]
    assert lines[1]["relations"] == []
    back = list(read_jsonl(json.dumps(line, ensure_ascii=False) for line in lines))
    assert [(r.spans, r.relations) for r in back] == [(linked.spans, linked.relations), (unlinked.spans, [])]


def test_a_doccano_file_without_relations_keeps_label_triples() -> None:
    (linked,) = read_jsonl([mixed_line(annotator="alice")])
    unlinked = Record(text=MIXED, id="mixed-1", spans=(linked.spans or [])[:1], annotator="bob")
    line = json.loads(next(write_doccano([unlinked])))
    assert "entities" not in line and [label for _, _, label in line["label"]] == ["CASUALTY_COUNT"]
