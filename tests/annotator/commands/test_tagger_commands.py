"""`manage.py train` and `manage.py predict`."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from annotator.models import ModelVersion
from annotator.services.predictor import refresh_now
from annotator.services.trainer import train_now
from tests.annotator.services.tagger_data import add_gold, texts


def test_train_wait_trains_and_prints_the_metrics(transactional_db, project, capsys) -> None:
    # Committed rows (transactional_db): the queued task runs (eagerly) on commit, as in production.
    add_gold(project, 8)
    call_command("train", "aleppo", "--wait", "--timeout", "120")
    out = capsys.readouterr().out
    assert "model v1: promoted to current" in out
    assert "micro span F1" in out and "CASUALTY_COUNT: F1" in out
    assert ModelVersion.objects.get(project=project).status == ModelVersion.Status.CURRENT


def test_train_with_nothing_labelled_fails_with_the_reason(transactional_db, project) -> None:
    with pytest.raises(CommandError, match="nothing to train on"):
        call_command("train", "aleppo", "--wait", "--timeout", "120")


def test_predict_writes_model_spans_with_scores(project, tmp_path) -> None:
    add_gold(project, 8)
    train_now(project=project)
    refresh_now(project=project)
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"id": f"t{i}", "text": text}) + "\n" for i, text in enumerate(texts(2, skip=20))),
        encoding="utf-8",
    )
    target = tmp_path / "out.jsonl"
    call_command("predict", "aleppo", str(source), str(target))
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["t0", "t1"]
    assert all(line["annotator"] == "model" for line in lines)
    spans = [span for line in lines for span in line["spans"]]
    assert spans and all(0 < span["score"] <= 1 for span in spans)


def test_predict_without_a_model_says_so_and_writes_nothing(project, tmp_path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": "Jets struck Aleppo."}) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no trained model"):
        call_command("predict", "aleppo", str(source), str(tmp_path / "out.jsonl"))
    assert not (tmp_path / "out.jsonl").exists()
