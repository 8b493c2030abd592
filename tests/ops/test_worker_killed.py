"""The Celery worker killed in the middle of an import or an export: the Job ends failed with
a reason, nothing of the import or the export file is visible, and doing it again works."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from annotator.formats.registry import read_path
from annotator.models import Document
from annotator.services.imports import import_documents
from tests.conftest import FIXTURES

ROWS = 60_000  # enough that the import is still running when the worker is killed


def _upload(client):  # type: ignore[no-untyped-def]
    data = "".join(json.dumps({"id": f"k-{i}", "text": f"Report {i}: shells hit Aleppo."}) + "\n" for i in range(ROWS))
    body = {"file": SimpleUploadedFile("big.jsonl", data.encode())}
    response = client.post("/api/projects/aleppo/imports/", body, format="multipart")
    assert response.status_code == 202, response.content
    return response.json()["id"]


def _wait_for(client, job_id: int, statuses: set[str], seconds: float = 120) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}/").json()
        if job["status"] in statuses:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never reached {statuses}: {job}")


@pytest.fixture
def fast_heartbeat(monkeypatch, settings):  # type: ignore[no-untyped-def]
    """Workers beat every second (their environment); the web side calls a job dead after 4 s."""
    monkeypatch.setenv("JOB_HEARTBEAT_SECONDS", "1")
    settings.JOB_STALE_AFTER_SECONDS = 4


@pytest.mark.worker
def test_a_worker_killed_during_an_import_fails_the_job_and_a_retry_works(
    project, owner, fast_heartbeat, celery_worker, request
) -> None:
    client = APIClient()
    client.force_authenticate(owner)
    before = Document.objects.count()
    job_id = _upload(client)
    _wait_for(client, job_id, {"running"})
    for pid in [*_children(celery_worker.pid), celery_worker.pid]:  # the pool's children, then the main process
        os.kill(pid, signal.SIGKILL)
    celery_worker.wait(timeout=10)

    failed = _wait_for(client, job_id, {"failed", "succeeded"}, seconds=30)
    assert failed["status"] == "failed"
    assert "stopped: no heartbeat" in failed["error"]
    assert Document.objects.count() == before  # one transaction: nothing half-imported

    # Again, with a fresh worker: the whole file goes in.
    request.getfixturevalue("celery_worker_again")
    retry = _wait_for(client, _upload(client), {"failed", "succeeded"})
    assert retry["status"] == "succeeded", retry["error"]
    assert Document.objects.count() == before + ROWS


@pytest.fixture
def slow_export(monkeypatch, settings, tmp_path):  # type: ignore[no-untyped-def]
    """The worker's exports stop for a minute after their first chunk (a test hook), so the
    worker can be killed mid-export; its files go to a media folder of the test's own."""
    monkeypatch.setenv("EXPORT_PAUSE_SECONDS", "60")
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    settings.MEDIA_ROOT = str(tmp_path)
    return monkeypatch


def _files() -> list[Path]:
    return sorted(p for p in Path(django_settings.MEDIA_ROOT).rglob("*") if p.is_file())


@pytest.mark.worker
def test_a_worker_killed_during_an_export_fails_the_job_leaves_no_file_and_a_retry_works(
    project, owner, fast_heartbeat, slow_export, celery_worker, request
) -> None:
    import_documents(project=project, records=read_path(FIXTURES / "gold" / "dev.jsonl"), as_gold=True)
    client = APIClient()
    client.force_authenticate(owner)
    url = "/api/projects/aleppo/export/?format=jsonl&source=gold"
    job_id = client.get(f"{url}&async=1").json()["id"]
    _wait_for(client, job_id, {"running"})
    time.sleep(1)  # into the pause after the first chunk
    for pid in [*_children(celery_worker.pid), celery_worker.pid]:
        os.kill(pid, signal.SIGKILL)
    celery_worker.wait(timeout=10)

    failed = _wait_for(client, job_id, {"failed", "succeeded"}, seconds=30)
    assert failed["status"] == "failed"
    assert "stopped: no heartbeat" in failed["error"]
    assert failed["download_url"] is None
    assert client.get(f"/api/jobs/{job_id}/download/").status_code == 404
    assert _files() == []

    # Again, with a fresh worker that does not pause: the whole file, as the streamed export.
    slow_export.delenv("EXPORT_PAUSE_SECONDS")
    request.getfixturevalue("celery_worker_again")
    retry = _wait_for(client, client.get(f"{url}&async=1").json()["id"], {"failed", "succeeded"})
    assert retry["status"] == "succeeded", retry["error"]
    downloaded = client.get(f"/api/jobs/{retry['id']}/download/")
    streamed = client.get(url)
    assert downloaded.status_code == streamed.status_code == 200
    content = b"".join(downloaded.streaming_content)
    assert content == b"".join(streamed.streaming_content)
    assert content.count(b"\n") == 40
    assert [p.name for p in _files()] == [f"{retry['id']}-aleppo-gold.jsonl"]


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found
