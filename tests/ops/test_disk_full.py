"""The disk fills up while an export file or a model is written: the job fails with the
reason, no half file or half model is left behind, and what was written before (earlier
files, the current model) is untouched."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import OperationalError, connection

from annotator import tasks
from annotator.formats.registry import read_path
from annotator.jobs.records import create_job, run_job
from annotator.models import Job, ModelVersion
from annotator.services.imports import import_documents
from annotator.services.uploads import run_export
from annotator.tagger import load_tagger
from tests.annotator.services.tagger_data import add_gold
from tests.conftest import FIXTURES


def mount_tmpfs(mount: Path, options: str) -> None:
    """A tmpfs at `mount` (made here) with mount `options`; the test is skipped where it
    cannot be mounted (it needs root, as make test has)."""
    mount.mkdir(parents=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {result.stderr.decode().strip()}")


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB filesystem (tmpfs), mounted for the test."""
    mount = tmp_path / f"tiny-{uuid.uuid4().hex[:6]}"
    mount_tmpfs(mount, "size=64k")
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


class ModelStorage:
    """Where models are stored (the ModelVersion table), made nearly full and free again.

    SQLite: the database capped at its size now plus `spare` bytes (`max_page_count`, for
    this connection, the one that stores the model): a write past it fails with "database
    or disk is full", as on a full disk. PostgreSQL: the table (and its TOAST table, where
    the model bytes go) moved to a tablespace on a tmpfs with `spare` bytes free: the server
    itself runs out of disk."""

    def __init__(self, mounts: Path) -> None:
        self.mounts = mounts
        self.tablespace: str | None = None
        self.mount: Path | None = None

    def fill(self, spare: int) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # Free pages left by earlier tests would hold a model without the file
                # growing: give them back first, so the cap is what is free.
                cursor.execute("VACUUM")
                cursor.execute("PRAGMA page_size")
                (page,) = cursor.fetchone()
                cursor.execute("PRAGMA page_count")
                (used,) = cursor.fetchone()
                cursor.execute(f"PRAGMA max_page_count = {int(used) + spare // int(page)}")
                return
            cursor.execute("SELECT pg_table_size('annotator_modelversion')")
            (used,) = cursor.fetchone()
            name = f"tiny_{uuid.uuid4().hex[:8]}"
            self.mount = self.mounts / name
            size = -(-(int(used) + spare) // 4096) * 4096
            mount_tmpfs(self.mount, f"size={size},mode=0700,uid=postgres")
            # Names from uuid4 hex above, not from input; DDL takes no parameters.
            cursor.execute(f"CREATE TABLESPACE {name} LOCATION '{self.mount}'")
            self.tablespace = name
            cursor.execute(f"ALTER TABLE annotator_modelversion SET TABLESPACE {name}")

    def free(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA max_page_count = 1073741823")
                return
            if self.tablespace:
                cursor.execute("ALTER TABLE annotator_modelversion SET TABLESPACE pg_default")
                cursor.execute(f"DROP TABLESPACE {self.tablespace}")
                self.tablespace = None
        if self.mount:
            subprocess.run(["umount", str(self.mount)], capture_output=True)
            self.mount = None


@pytest.fixture
def model_storage(transactional_db) -> Iterator[ModelStorage]:  # type: ignore[no-untyped-def]
    # A folder the postgres user can reach (pytest's tmp_path is private to root).
    mounts = Path(tempfile.mkdtemp(prefix="annotator-tiny-"))
    mounts.chmod(0o755)
    storage = ModelStorage(mounts)
    try:
        yield storage
    finally:
        storage.free()
        shutil.rmtree(mounts, ignore_errors=True)


def _train(project) -> Job:  # type: ignore[no-untyped-def]
    """A training as the worker runs it (the task, in this process). An unexpected error
    is re-raised after the Job is failed, for the worker's log: here it is dropped."""
    job = Job.objects.create(kind=Job.Kind.TRAINING, project=project, params={"reason": "test"})
    with contextlib.suppress(OperationalError):
        tasks.run_training_job.apply(args=[job.pk])
    job.refresh_from_db()
    return job


def test_a_full_disk_while_a_model_is_stored_fails_the_training_and_keeps_the_current_model(
    project, model_storage: ModelStorage
) -> None:
    add_gold(project, 8)
    first = _train(project)
    assert first.status == Job.Status.SUCCEEDED, first.error
    current = ModelVersion.objects.get(project=project, status=ModelVersion.Status.CURRENT)
    assert len(current.artifact) > 64 * 1024

    add_gold(project, 4, skip=8)
    model_storage.fill(32 * 1024)  # rows fit, a model does not
    failed = _train(project)
    assert failed.status == Job.Status.FAILED
    full = "database or disk is full" if connection.vendor == "sqlite" else "No space left on device"
    assert full in failed.error
    assert ModelVersion.objects.get(status=ModelVersion.Status.CURRENT) == current
    assert load_tagger(current.artifact, expected_sha256=current.artifact_sha256).predict(["12 people were killed"])
    cut_short = ModelVersion.objects.get(project=project, version=current.version + 1)
    assert cut_short.status == ModelVersion.Status.FAILED and not cut_short.artifact
    assert full in cut_short.metrics["error"]

    model_storage.free()  # space again: the next training stores its model
    retry = _train(project)
    assert retry.status == Job.Status.SUCCEEDED, retry.error
    stored = ModelVersion.objects.get(pk=retry.result["model_version_id"])
    assert stored.version > cut_short.version and stored.artifact
    # Promoted or not by the usual rule (not worse on the held-out documents than v1).
    assert stored.status == (ModelVersion.Status.CURRENT if retry.result["promoted"] else ModelVersion.Status.READY)
