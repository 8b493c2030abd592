"""Files of the tools people already use: what Label Studio 1.23 and doccano 1.8 wrote
(fixtures/interop/, exported by the real tools) imports with every span in place, and what
this app writes for them has the shape they accept (fixtures/interop/README.md)."""

from __future__ import annotations

import json
from typing import Any

from annotator.formats import Record
from annotator.formats.doccano import write_doccano
from annotator.formats.labelstudio import read_labelstudio, write_labelstudio
from annotator.formats.registry import read_bytes, read_path
from tests.conftest import FIXTURES

INTEROP = FIXTURES / "interop"
TEXT = "Cafe\u0301 Nour hit: 👨\u200d👩\u200d👧 a family of 3 killed in Idlib by Russian jets."


def spans_by_text(records: list[Record]) -> dict[str, list[tuple[int, int, str, str]]]:
    return {
        r.text: [(s["start"], s["end"], s["label"], r.text[s["start"] : s["end"]]) for s in r.spans or []]
        for r in records
    }


def regions(path: str) -> dict[str, list[tuple[int, int, str, str]]]:
    """What each Label Studio task says its regions hold, in code points."""
    tasks = json.loads((INTEROP / path).read_text(encoding="utf-8"))
    return {
        t["data"]["text"]: [
            (r["value"]["start"], r["value"]["end"], r["value"]["labels"][0], r["value"]["text"])
            for r in t["annotations"][0]["result"]
        ]
        for t in tasks
    }


def test_label_studio_1_23_export_imports_with_every_span_on_its_text() -> None:
    records = read_path(INTEROP / "labelstudio-1.23.2-export.json")
    assert len(records) == 4 and sum(len(r.spans or []) for r in records) == 14
    assert spans_by_text(records) == regions("labelstudio-1.23.2-export.json")
    # Label Studio's numeric user id is the annotator, its other data keys the meta.
    assert {r.annotator for r in records} == {"labelstudio-1"}
    assert [r.meta["doc"] for r in records] == ["ascii-1", "fr-ar-2", "emoji-3", "zwj-4"]


def test_utf16_offsets_of_older_label_studio_front_ends_give_the_same_code_points() -> None:
    utf16 = read_path(INTEROP / "labelstudio-utf16-offsets.json")
    code_points = read_path(INTEROP / "labelstudio-1.23.2-export.json")
    assert spans_by_text(utf16) == spans_by_text(code_points)
    emoji = next(r for r in utf16 if r.meta["doc"] == "emoji-3")
    assert [emoji.text[s["start"] : s["end"]] for s in emoji.spans or []] == ["5 people", "Homs", "the army"]


def test_doccano_1_8_export_gives_the_same_spans_as_label_studio() -> None:
    doccano = read_path(INTEROP / "doccano-1.8.4-export.jsonl")
    studio = read_path(INTEROP / "labelstudio-1.23.2-export.json")
    assert spans_by_text(doccano) == spans_by_text(studio)
    # Its `Comments` are the document's discussion, not metadata (and have no authors to import).
    assert doccano[0].meta == {"doc": "ascii-1"}
    assert doccano[0].comments is None


# What Label Studio 1.23 accepts on import (fixtures/interop/README.md and its
# tasks/serializers.py): `completed_by` left out, a user id, or an object with `email`.
def label_studio_would_refuse(tasks: list[dict[str, Any]]) -> list[str]:
    problems = []
    for number, task in enumerate(tasks):
        text = task["data"]["text"]
        for annotation in task.get("annotations", []):
            who = annotation.get("completed_by")
            if isinstance(who, dict) and "email" not in who:
                problems.append(f"task {number}: It's expected to have 'email' field in 'completed_by' data")
            elif who is not None and not isinstance(who, (dict, int)):
                problems.append(f"task {number}: completed_by={who!r} is not an email or id")
            if not isinstance(annotation.get("result"), list):
                problems.append(f"task {number}: result must be a list")
        for prediction in task.get("predictions", []):
            if not isinstance(prediction.get("model_version"), str) or not isinstance(prediction.get("score"), float):
                problems.append(f"task {number}: a prediction without model_version or score")
        for result in [r for a in task.get("annotations", []) + task.get("predictions", []) for r in a["result"]]:
            value = result["value"]
            if result["type"] == "labels" and text[value["start"] : value["end"]] != value["text"]:
                problems.append(f"task {number}: region {value} is not on its text")
    return problems


def test_our_label_studio_export_is_what_label_studio_1_23_imports_with_the_annotators_kept() -> None:
    place = {"start": 46, "end": 51, "label": "LOCATION", "attrs": {}}
    count = {"start": 22, "end": 35, "label": "CASUALTY_COUNT", "attrs": {"value": 3, "status": "killed"}}
    records = [
        Record(text=TEXT, id="zwj-4", spans=[count, place], annotator="alice"),
        Record(text=TEXT, id="zwj-4", spans=[], annotator="bob"),
        Record(text=TEXT, id="zwj-4", spans=[place], annotator="gold"),
        Record(text=TEXT, id="zwj-4", spans=[{**place, "score": 0.75}], annotator="model", model_version="7"),
    ]
    written = "".join(write_labelstudio(records))
    (task,) = json.loads(written)
    assert label_studio_would_refuse([task]) == []
    assert (task["predictions"][0]["model_version"], task["predictions"][0]["score"]) == ("7", 0.75)
    # Label Studio stores the task's meta as it is and each annotation's id as `import_id`,
    # and exports them with its own new ids and its importing user as `completed_by`.
    relabelled = {
        **task,
        "id": 41,
        "annotations": [
            {**a, "id": 900 + i, "import_id": a["id"], "completed_by": 1, "lead_time": None}
            for i, a in enumerate(task["annotations"])
        ]
        + [{"id": 999, "import_id": None, "completed_by": 2, "result": [], "was_cancelled": False}],
    }
    back = list(read_labelstudio(json.dumps([relabelled])))
    assert [(r.annotator, r.spans) for r in back] == [
        ("alice", [count, place]),
        ("bob", []),
        ("gold", [place]),
        ("labelstudio-2", []),  # made in Label Studio: its user, not one of ours
    ]


def doccano_would_drop(line: dict[str, Any]) -> list[str]:
    """doccano 1.8 reads spans only from `label` triples; anything else is metadata."""
    if not isinstance(line.get("text"), str):
        return ["no text column"]
    triples = line.get("label")
    if not isinstance(triples, list):
        return ["no label column"]
    return [
        f"{item!r} is not [start, end, label] on the text"
        for item in triples
        if not (
            isinstance(item, list)
            and len(item) == 3
            and all(isinstance(x, int) for x in item[:2])
            and isinstance(item[2], str)
            and 0 <= item[0] < item[1] <= len(line["text"])
        )
    ]


def test_our_doccano_export_is_label_triples_and_comes_back_through_doccano_unchanged() -> None:
    studio = read_path(INTEROP / "labelstudio-1.23.2-export.json")
    records = [
        Record(text=r.text, id=r.meta["doc"], meta={"source": "AFP"}, spans=r.spans, annotator="alice") for r in studio
    ]
    lines = [json.loads(line) for line in "".join(write_doccano(records)).splitlines()]
    assert [doccano_would_drop(line) for line in lines] == [[]] * 4
    assert lines[3] == {
        "id": "zwj-4",
        "text": TEXT,
        "label": [[0, 10, "LOCATION"], [22, 35, "CASUALTY_COUNT"], [46, 51, "LOCATION"], [55, 67, "PERPETRATOR"]],
        "source": "AFP",
        "annotator": "alice",
        "Comments": [],
    }
    # doccano keeps the other keys as the example's meta and writes them back at the top
    # level, after its own id (which a meta `id` replaces), with its `Comments`.
    through = [
        {
            "id": 100 + n,
            "text": line["text"],
            **{k: v for k, v in line.items() if k not in ("text", "label", "Comments")},
            "label": line["label"],
            "Comments": [],
        }
        for n, line in enumerate(lines)
    ]
    back = read_bytes("doccano.jsonl", "\n".join(json.dumps(line) for line in through).encode(), "doccano")
    assert [(r.id, r.annotator, r.text, r.spans) for r in back] == [
        (r.id, "alice", r.text, [{**s, "attrs": {}} for s in r.spans or []]) for r in records
    ]
    assert back[0].meta == {"source": "AFP"}


# The links made in the tools (bench/interop.py): from each count, BY → PERPETRATOR, AT → LOCATION.
LINKS = {
    "ascii-1": {("12 people", "Syrian warplanes", "BY"), ("12 people", "Aleppo", "AT")},
    "fr-ar-2": {("37 civils", "Alep", "AT"), ("37 مدنيا", "حلب", "AT")},
    "emoji-3": {("5 people", "the army", "BY"), ("5 people", "Homs", "AT")},
    "zwj-4": {
        ("a family of 3", "Russian jets", "BY"),
        ("a family of 3", "Idlib", "AT"),
        ("a family of 3", TEXT[:10], "AT"),
    },
}


def links_by_doc(records: list[Record]) -> dict[str, set[tuple[str, str, str]]]:
    found: dict[str, set[tuple[str, str, str]]] = {}
    for record in records:
        spans = record.spans or []
        ends = [record.text[s["start"] : s["end"]] for s in spans]
        found[record.meta["doc"]] = {(ends[r["from"]], ends[r["to"]], r["type"]) for r in record.relations or []}
    return found


def test_doccano_1_8_relation_export_imports_with_every_relation_on_its_spans() -> None:
    # doccano's own ids: entities 199…, relations pointing at them, not at indices.
    records = list(read_path(INTEROP / "doccano-1.8.4-relations-export.jsonl"))
    assert links_by_doc(records) == LINKS
    again = list(read_bytes("again.jsonl", "".join(write_doccano(records, relations=True)).encode(), "doccano"))
    assert [(r.spans, r.relations) for r in again] == [(r.spans, r.relations) for r in records]


def test_label_studio_1_23_relation_export_imports_with_every_relation_on_its_spans() -> None:
    # Regions with Label Studio's own ids; each task's last link drawn with "direction": "left".
    records = list(read_path(INTEROP / "labelstudio-1.23.2-relations-export.json"))
    assert links_by_doc(records) == LINKS
    again = list(read_labelstudio("".join(write_labelstudio(records))))
    assert [(r.spans, r.relations) for r in again] == [(r.spans, r.relations) for r in records]
