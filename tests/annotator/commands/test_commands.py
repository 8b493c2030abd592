"""The contract's management commands, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotator.models import Document, Project
from tests.conftest import FIXTURES, ROOT

CORPUS = ROOT / "corpus" / "fakes.jsonl"


def test_create_project_then_a_second_time_fails_cleanly(db, capsys) -> None:
    call_command("create_project", "fakes", "--labels", "CASUALTY_COUNT,PERPETRATOR,LOCATION")
    assert "created project fakes" in capsys.readouterr().out
    project = Project.objects.get(slug="fakes")
    assert [label.name for label in project.labels.all()] == ["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"]
    assert project.labels.get(name="CASUALTY_COUNT").attributes["status"]["choices"] == ["killed", "wounded", "missing"]
    with pytest.raises(CommandError, match="project 'fakes' already exists"):
        call_command("create_project", "fakes", "--labels", "X")


def test_create_project_from_a_json_file(db, tmp_path: Path) -> None:
    spec = {
        "name": "Test",
        "labels": [{"name": "WEAPON", "colour": "#123456", "hotkey": "w"}],
        "annotators_per_document": 3,
    }
    (tmp_path / "p.json").write_text(json.dumps(spec))
    call_command("create_project", "weapons", "--from", str(tmp_path / "p.json"))
    project = Project.objects.get(slug="weapons")
    assert (project.annotators_per_document, project.labels.get().colour) == (3, "#123456")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"labels": [{"name": "X", "attributes": {"n": {"type": "integer", "min": "zero"}}}]}', "min must be"),
        ('{"name": "bad \\ud800", "labels": ["X"]}', "name: a lone surrogate"),
        ('{"labels": [\n  "X",, ]}', "at line 2: broken JSON"),
    ],
)
def test_create_project_from_a_bad_json_file_fails_cleanly(db, tmp_path: Path, text: str, words: str) -> None:
    (tmp_path / "p.json").write_text(text)
    with pytest.raises(CommandError, match=words):
        call_command("create_project", "weapons", "--from", str(tmp_path / "p.json"))
    assert not Project.objects.filter(slug="weapons").exists()


def test_the_fakes_corpus_imports_in_one_go_and_exports_byte_identical_texts(db, tmp_path: Path, capsys) -> None:
    call_command("create_project", "fakes", "--labels", "CASUALTY_COUNT,PERPETRATOR,LOCATION")
    call_command("import_documents", "fakes", str(CORPUS))
    out = capsys.readouterr().out
    lines = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]
    distinct = len({line["text"] for line in lines})
    assert len(lines) == 804
    assert Document.objects.filter(project__slug="fakes").count() == distinct
    assert f"{distinct} documents created, {804 - distinct} already in the project, skipped" in out
    call_command("export", "fakes", str(tmp_path / "out.jsonl"), "--source", "documents")
    texts = {json.loads(line)["id"]: json.loads(line)["text"] for line in (tmp_path / "out.jsonl").open()}
    for line in lines:
        if line["id"] in texts:
            assert texts[line["id"]] == line["text"]


def test_a_bad_file_exits_non_zero_with_one_readable_line(transactional_db, tmp_path: Path) -> None:
    call_command("create_project", "fakes", "--labels", "CASUALTY_COUNT,PERPETRATOR,LOCATION")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_documents", "fakes", str(FIXTURES / "bad" / "broken_json.jsonl")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_env_for_test_db(),
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "CommandError: line 3: broken JSON: Unterminated string starting at (column 21)"
    ]
    assert Document.objects.filter(project__slug="fakes").count() == 0


def test_import_of_a_missing_file_or_project_says_so(db) -> None:
    with pytest.raises(CommandError, match="no project 'nope'"):
        call_command("import_documents", "nope", str(CORPUS))
    call_command("create_project", "fakes", "--labels", "LOCATION")
    with pytest.raises(CommandError, match="no such file or folder"):
        call_command("import_documents", "fakes", "/nonexistent.jsonl")


def test_gold_export_round_trip_through_the_commands(db, tmp_path: Path) -> None:
    call_command("create_project", "fakes", "--labels", "CASUALTY_COUNT,PERPETRATOR,LOCATION")
    call_command("import_documents", "fakes", str(FIXTURES / "gold" / "dev.jsonl"), "--as-gold")
    call_command("export", "fakes", str(tmp_path / "gold.jsonl"), "--source", "gold")
    want = {d["id"]: d for d in map(json.loads, (FIXTURES / "gold" / "dev.jsonl").open())}
    got = {d["id"]: d for d in map(json.loads, (tmp_path / "gold.jsonl").open())}
    assert got.keys() == want.keys()
    for key, doc in want.items():
        assert got[key]["text"] == doc["text"]
        assert [(s["start"], s["end"], s["label"]) for s in got[key]["spans"]] == [
            (s["start"], s["end"], s["label"]) for s in doc["spans"]
        ]


def test_the_command_line_import_may_create_the_annotators_it_names(db, tmp_path: Path) -> None:
    """Unlike the API, whoever runs the server may bring in annotators from elsewhere."""
    from django.contrib.auth.models import User

    call_command("create_project", "fakes", "--labels", "LOCATION")
    text = "Shelling hit Douma on Friday."
    lines = [{"id": "d1", "text": text, "spans": [{"start": 13, "end": 18, "label": "LOCATION"}], "annotator": "yara"}]
    path = tmp_path / "yara.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    call_command("import_documents", "fakes", str(path))
    call_command("import_documents", "fakes", str(path), "--as-annotator", "zoe")
    for name in ("yara", "zoe"):
        user = User.objects.get(username=name)
        assert not user.has_usable_password()
        assert user.memberships.get(project__slug="fakes").role == "annotator"
        assert user.annotations.get(document__external_id="d1").status == "submitted"


def test_seed_demo_is_idempotent(db, capsys) -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    # The five seed articles to annotate, and the 40 development gold articles its first
    # model is trained on.
    assert "demo project aleppo already there: 45 documents (0 new)" in out
    assert Project.objects.get(slug="aleppo").memberships.count() == 4


def _env_for_test_db() -> dict[str, str]:
    from tests.conftest import subprocess_env

    return subprocess_env()


@pytest.mark.worker
def test_sweep_jobs_fails_a_running_job_whose_worker_is_gone(transactional_db, capsys) -> None:  # type: ignore[no-untyped-def]
    import time

    from annotator.models import Job

    job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        status=Job.Status.RUNNING,
        celery_task_id="a-task-no-worker-runs",
        result={"heartbeat": time.time() - 3600},
    )
    call_command("sweep_jobs")
    assert "failed 1 job(s) whose worker is gone" in capsys.readouterr().out
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "no heartbeat" in job.error
