"""The disk fills up while an export file or a model is written: the job fails with the
reason, no half file or half model is left behind, and what was written before (earlier
files, the current model) is untouched."""

from __future__ import annotations

import contextlib
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import OperationalError, connection

from annotator import tasks
from annotator.formats.registry import read_path
from annotator.models import Job, ModelVersion
from annotator.services.imports import import_documents
from annotator.services.jobs import create_job, run_job
from annotator.services.uploads import run_export
from annotator.tagger import load_tagger
from tests.annotator.services.tagger_data import add_gold
from tests.conftest import FIXTURES


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB filesystem (tmpfs), mounted for the test; needs root, as make test has."""
    mount = tmp_path / f"tiny-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {result.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_full_disk_fails_the_export_cleanly(project, owner, settings, tiny_disk: Path) -> None:
    settings.MEDIA_ROOT = str(tiny_disk)
    import_documents(project=project, records=read_path(FIXTURES / "gold" / "dev.jsonl"), as_gold=True)

    small = create_job(kind=Job.Kind.EXPORT, project=project, user=owner, params={"source": "gold", "format": "csv"})
    small.params.update(format="casualty-csv")
    Job.objects.filter(pk=small.pk).update(params=small.params)
    run_job(small.pk, lambda job: run_export(job=job))
    small.refresh_from_db()
    assert small.status == "succeeded"
    before = sorted(p.name for p in tiny_disk.rglob("*") if p.is_file())
    kept = {p.name: p.read_bytes() for p in tiny_disk.rglob("*") if p.is_file()}

    big = create_job(kind=Job.Kind.EXPORT, project=project, user=owner, params={"source": "gold", "format": "jsonl"})
    run_job(big.pk, lambda job: run_export(job=job))  # ~150 KB of JSONL into 64 KiB
    big.refresh_from_db()
    assert big.status == "failed"
    assert "could not write the export file: No space left on device" in big.error
    assert not big.output_file
    assert sorted(p.name for p in tiny_disk.rglob("*") if p.is_file()) == before
    assert {p.name: p.read_bytes() for p in tiny_disk.rglob("*") if p.is_file()} == kept


@pytest.fixture
def database_nearly_full(transactional_db) -> Iterator[Callable[[int], None]]:  # type: ignore[no-untyped-def]
    """Cap the SQLite database at its size now plus `pages` pages: SQLite then fails a write
    past that with "database or disk is full", exactly as on a full disk (the limit holds
    for this connection, the one that stores the model)."""
    if connection.vendor != "sqlite":
        pytest.skip("the page cap is SQLite's; PostgreSQL's disk-full path is the same transaction")

    def cap(pages: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA page_count")
            (used,) = cursor.fetchone()
            cursor.execute(f"PRAGMA max_page_count = {int(used) + pages}")

    yield cap
    cap(1 << 30)


def _train(project) -> Job:  # type: ignore[no-untyped-def]
    """A training as the worker runs it (the task, in this process). An unexpected error
    is re-raised after the Job is failed, for the worker's log: here it is dropped."""
    job = Job.objects.create(kind=Job.Kind.TRAINING, project=project, params={"reason": "test"})
    with contextlib.suppress(OperationalError):
        tasks.run_training_job.apply(args=[job.pk])
    job.refresh_from_db()
    return job


def test_a_full_disk_while_a_model_is_stored_fails_the_training_and_keeps_the_current_model(
    project, database_nearly_full
) -> None:
    add_gold(project, 8)
    first = _train(project)
    assert first.status == Job.Status.SUCCEEDED, first.error
    current = ModelVersion.objects.get(project=project, status=ModelVersion.Status.CURRENT)

    add_gold(project, 4, skip=8)
    database_nearly_full(8)  # 32 KiB more: rows fit, a model (hundreds of KiB) does not
    failed = _train(project)
    assert failed.status == Job.Status.FAILED
    assert "database or disk is full" in failed.error
    assert ModelVersion.objects.get(status=ModelVersion.Status.CURRENT) == current
    assert load_tagger(current.artifact, expected_sha256=current.artifact_sha256).predict(["12 people were killed"])
    cut_short = ModelVersion.objects.get(project=project, version=current.version + 1)
    assert cut_short.status == ModelVersion.Status.FAILED and not cut_short.artifact
    assert "database or disk is full" in cut_short.metrics["error"]

    database_nearly_full(1 << 20)  # space again: the next training stores and promotes its model
    retry = _train(project)
    assert retry.status == Job.Status.SUCCEEDED, retry.error
    assert ModelVersion.objects.get(status=ModelVersion.Status.CURRENT).version > current.version
