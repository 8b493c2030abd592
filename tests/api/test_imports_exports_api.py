"""Uploading files to import (as jobs with progress) and exporting (streamed, or as jobs)."""

from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.models import Annotation, Document, Job
from tests.api.conftest import assign, save
from tests.conftest import FIXTURES

TEXTS = ["Warplanes struck Idlib at dawn.", "Shelling hit Douma on Friday."]


def jsonl(*lines: dict) -> bytes:
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def upload(client, data: bytes, name: str = "docs.jsonl", **fields):  # type: ignore[no-untyped-def]
    body = {"file": SimpleUploadedFile(name, data), **fields}
    return client.post("/api/projects/aleppo/imports/", body, format="multipart")


def test_an_upload_becomes_a_job_that_imports_the_documents(
    project, client_for, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, jsonl({"id": "idlib-1", "text": TEXTS[0]}, {"id": "douma-1", "text": TEXTS[1]}))
    assert response.status_code == 202, response.content
    queued = response.json()
    assert queued["kind"] == "import" and queued["status"] == "queued"
    job = client.get(f"/api/jobs/{queued['id']}/").json()
    assert job["status"] == "succeeded", job
    assert job["result"]["created"] == 2
    assert job["progress"] == {"done": 2, "total": 2, "fraction": 1.0}
    assert job["download_url"] is None
    assert set(Document.objects.filter(external_id__in=["idlib-1", "douma-1"]).values_list("text", flat=True)) == set(
        TEXTS
    )


def test_an_upload_with_spans_as_an_annotator_stores_their_annotation(
    project, client_for, owner, django_capture_on_commit_callbacks
):
    text = TEXTS[0]
    line = {"text": text, "spans": [{"start": 17, "end": 22, "label": "LOCATION"}]}
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_for(owner), jsonl(line), as_annotator="bob")
    assert response.status_code == 202
    assert Job.objects.get(pk=response.json()["id"]).status == "succeeded"
    annotation = Annotation.objects.get(annotator__username="bob")
    assert annotation.status == "submitted" and annotation.spans.get().label == "LOCATION"


@pytest.mark.parametrize(
    ("filename", "line", "words"),
    [
        ("broken_json.jsonl", 3, "broken JSON"),
        ("unknown_label.jsonl", 2, "unknown label 'WEAPON'"),
        ("boundary_inside_word.jsonl", 2, "inside the word 'Aleppo'"),
    ],
)
def test_a_bad_file_fails_the_job_naming_the_line_and_stores_nothing(
    project, client_for, owner, django_capture_on_commit_callbacks, filename, line, words
):
    before = Document.objects.count(), Annotation.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_for(owner), (FIXTURES / "bad" / filename).read_bytes(), name=filename)
    assert response.status_code == 202
    job = client_for(owner).get(f"/api/jobs/{response.json()['id']}/").json()
    assert job["status"] == "failed"
    assert f"line {line}" in job["error"] and words in job["error"]
    assert (Document.objects.count(), Annotation.objects.count()) == before


def test_an_upload_above_the_limit_gets_413_naming_the_limit(project, client_for, owner, settings):
    settings.MAX_UPLOAD_BYTES = 100
    response = upload(client_for(owner), b'{"text": "' + b"x" * 200 + b'"}\n')
    assert response.status_code == 413
    assert "the limit is 100 bytes" in response.json()["error"]["message"]
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("fields", "name", "words"),
    [
        ({"format": "docx"}, "docs.jsonl", "unknown import format 'docx'"),
        ({}, "docs.pdf", "cannot tell the format of 'docs.pdf'"),
        ({"as_gold": "true", "as_annotator": "carol"}, "docs.jsonl", "not both"),
        ({"as_annotator": "no spaces allowed"}, "docs.jsonl", "as_annotator"),
    ],
)
def test_bad_upload_requests_get_400_and_queue_nothing(project, client_for, owner, fields, name, words):
    response = upload(client_for(owner), jsonl({"text": TEXTS[0]}), name=name, **fields)
    assert response.status_code == 400, response.content
    assert words in response.content.decode()
    assert not Job.objects.exists()


def test_an_upload_without_a_file_gets_400(project, client_for, owner):
    response = client_for(owner).post("/api/projects/aleppo/imports/", {"format": "jsonl"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


def submitted_by_alice(client_for, alice) -> dict:  # type: ignore[no-untyped-def]
    client = client_for(alice)
    doc = assign(client)["document"]
    start = doc["text"].index("Aleppo")
    spans = [{"start": start, "end": start + 6, "label": "LOCATION"}]
    assert save(client, doc["id"], spans=spans, status="submitted", version=1).status_code == 200
    return doc


def test_export_streams_span_jsonl(project, client_for, reviewer, alice):
    doc = submitted_by_alice(client_for, alice)
    response = client_for(reviewer).get("/api/projects/aleppo/export/?format=jsonl&source=all")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert 'filename="aleppo-all.jsonl"' in response["Content-Disposition"]
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert len(lines) == 1 and lines[0]["annotator"] == "alice" and lines[0]["text"] == doc["text"]
    assert lines[0]["spans"][0]["label"] == "LOCATION"


def test_the_doccano_export_writes_label_triples_doccano_reads(project, client_for, reviewer, alice):
    doc = submitted_by_alice(client_for, alice)
    response = client_for(reviewer).get("/api/projects/aleppo/export/?format=doccano&source=all")
    assert response.status_code == 200
    assert 'filename="aleppo-all.jsonl"' in response["Content-Disposition"]
    (line,) = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert (line["text"], line["annotator"], "spans" in line) == (doc["text"], "alice", False)
    assert [label for _, _, label in line["label"]] == ["LOCATION"]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("format=docx", "unknown export format 'docx'"),
        ("source=everyone", "unknown source 'everyone'"),
        ("source=all&submitted_since=2026-02-31", "submitted_since"),
        ("source=documents&status=draft", "status"),
        ("source=all&limit=0", "limit"),
    ],
)
def test_bad_export_requests_get_400_naming_the_problem(project, client_for, reviewer, query, words):
    response = client_for(reviewer).get(f"/api/projects/aleppo/export/?{query}")
    assert response.status_code == 400, response.content
    assert words in response.content.decode()


def test_an_async_export_is_a_job_whose_link_serves_the_same_file(
    project, client_for, reviewer, alice, django_capture_on_commit_callbacks
):
    submitted_by_alice(client_for, alice)
    client = client_for(reviewer)
    streamed = b"".join(client.get("/api/projects/aleppo/export/?source=all").streaming_content)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/api/projects/aleppo/export/?source=all&async=1")
    assert response.status_code == 202
    job = client.get(f"/api/jobs/{response.json()['id']}/").json()
    assert job["status"] == "succeeded" and job["download_url"], job
    download = client.get(job["download_url"], HTTP_ACCEPT="application/octet-stream")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == streamed
    # Another annotator may not fetch it: an export can hold everyone's work.
    assert client_for(alice).get(job["download_url"]).status_code == 404


def test_large_projects_export_as_a_job(project, client_for, owner, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_STREAM_MAX_DOCUMENTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).get("/api/projects/aleppo/export/?source=documents")
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == "succeeded" and job.result["bytes"] > 0
    assert job.output_file.read().decode().count("\n") == 5


@pytest.mark.worker
def test_a_real_worker_imports_an_upload_and_reports_progress(project, client_for, owner, celery_worker):
    client = client_for(owner)
    lines = [{"id": f"w-{i}", "text": f"Report {i}: barrel bombs fell on Aleppo."} for i in range(50)]
    response = upload(client, jsonl(*lines))
    assert response.status_code == 202
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{response.json()['id']}/").json()
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.2)
    assert job["status"] == "succeeded", job
    assert job["result"]["created"] == 50 and job["progress"]["fraction"] == 1.0
    assert Document.objects.filter(external_id__startswith="w-").count() == 50
