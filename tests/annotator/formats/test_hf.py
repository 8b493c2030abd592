"""The `hf` export: a zip that Hugging Face `datasets` loads with named tags."""

from __future__ import annotations

import importlib.util
import io
import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from annotator.formats import Record
from annotator.formats.hf import write_hf
from annotator.formats.registry import read_path
from annotator.tokenize import Token, bio_to_spans
from tests.conftest import FIXTURES, LABELS

TEXT = "Syrian warplanes killed 12 people in Aleppo. Dr. Adel said so."


def unzipped(data: bytes, folder: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["data.jsonl", "labels.json", "README.md"]
        archive.extractall(folder)
    return folder


def spans_of_rows(rows: list[dict], names: list[str]) -> Counter[str]:
    """Spans per label read back from rows of tokens and tag ids (token offsets in the row)."""
    found: Counter[str] = Counter()
    for row in rows:
        tokens = [Token(i, i + 1, t) for i, t in enumerate(row["tokens"])]
        found.update(span.label for span in bio_to_spans(tokens, [names[i] for i in row["ner_tags"]]))
    return found


def test_rows_are_sentences_with_tag_ids_in_the_label_order_given() -> None:
    spans = [
        {"start": 0, "end": 16, "label": "PERPETRATOR", "attrs": {}},
        {"start": 24, "end": 33, "label": "CASUALTY_COUNT", "attrs": {}},
        {"start": 37, "end": 43, "label": "LOCATION", "attrs": {}},
    ]
    data = b"".join(write_hf([Record(text=TEXT, id="d1", spans=spans, annotator="gold")], labels=LABELS))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = json.loads(archive.read("labels.json"))
        rows = [json.loads(line) for line in archive.read("data.jsonl").decode().splitlines()]
        card = archive.read("README.md").decode()
    assert names == [
        "O",
        "B-CASUALTY_COUNT",
        "I-CASUALTY_COUNT",
        "B-PERPETRATOR",
        "I-PERPETRATOR",
        "B-LOCATION",
        "I-LOCATION",
    ]
    assert [(r["id"], r["document"], r["annotator"], r["sentence"]) for r in rows] == [
        ("d1-0", "d1", "gold", 0),
        ("d1-1", "d1", "gold", 1),
    ]
    assert rows[0]["tokens"] == ["Syrian", "warplanes", "killed", "12", "people", "in", "Aleppo", "."]
    assert rows[0]["ner_tags"] == [3, 4, 0, 1, 2, 0, 5, 0]
    assert rows[1]["tokens"][:3] == ["Dr", ".", "Adel"]  # "Dr." ends no sentence
    assert "'1': \"B-CASUALTY_COUNT\"" in card and "| LOCATION | 1 |" in card


def test_spans_iob2_cannot_hold_are_reported_not_cut() -> None:
    spans = [
        {"start": 24, "end": 43, "label": "CASUALTY_COUNT", "attrs": {}},
        {"start": 37, "end": 43, "label": "LOCATION", "attrs": {}},
        {"start": 0, "end": 6, "label": "WEAPON", "attrs": {}},
    ]
    heard: list[str] = []
    data = b"".join(write_hf([Record(text=TEXT, id="d1", spans=spans)], labels=LABELS, on_loss=heard.append))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = json.loads(archive.read("data.jsonl").decode().splitlines()[0])
    assert first["ner_tags"] == [0, 0, 0, 1, 2, 2, 2, 0]
    assert heard == [
        "document d1: 2 span(s) not in IOB2 (overlapped or on no token): "
        "WEAPON [0, 6) 'Syrian', LOCATION [37, 43) 'Aleppo'"
    ]


@pytest.mark.skipif(importlib.util.find_spec("datasets") is None, reason="Hugging Face `datasets` is not installed")
def test_datasets_loads_the_gold_export_with_every_span_and_the_label_names(tmp_path: Path) -> None:
    import datasets

    gold = read_path(FIXTURES / "gold" / "dev.jsonl") + read_path(FIXTURES / "gold" / "seeds.jsonl")
    folder = unzipped(b"".join(write_hf(gold, labels=LABELS)), tmp_path / "gold")
    loaded = datasets.load_dataset(str(folder), cache_dir=str(tmp_path / "cache"))["train"]
    names = loaded.features["ner_tags"].feature.names
    assert names == json.loads((folder / "labels.json").read_text())
    assert names[:3] == ["O", "B-CASUALTY_COUNT", "I-CASUALTY_COUNT"]
    assert loaded.features["tokens"].feature.dtype == "string"
    assert sorted(set(loaded["document"])) == sorted(r.id for r in gold)
    rows = loaded.to_list()
    assert spans_of_rows(rows, names) == Counter(s["label"] for r in gold for s in r.spans or [])
    assert sum(spans_of_rows(rows, names).values()) == 774
