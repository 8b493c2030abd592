"""The disk fills up while an export file is written: the job fails with the reason, no half
file is left behind, and the files written before are untouched."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.formats.registry import read_path
from annotator.models import Job
from annotator.services.imports import import_documents
from annotator.services.jobs import create_job, run_job
from annotator.services.uploads import run_export
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
