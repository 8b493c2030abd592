"""Bad input is a 400 (or 404, 413) in JSON naming the field, and nothing of it is stored
(issue 14: what an outside probe broke). Bodies are sent as raw JSON text: a JSON escape
like \\ud800 is how a lone surrogate arrives."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from annotator.models import Annotation, Document, Gold, Job, Label, Project, Span
from tests.api.conftest import assign, save
from tests.api.test_imports_exports_api import submitted_by_alice, upload

SURROGATE = r"\ud800"  # as it stands in the JSON text


def send(client, method: str, path: str, text: str):  # type: ignore[no-untyped-def]
    return getattr(client, method)(path, data=text, content_type="application/json")


def assert_bad(response, status: int, *words: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"] == body["error"]["message"]
    for word in words:
        assert word in body["detail"], body
    return body["error"]


# --- 1. A lone surrogate is refused wherever text enters ----------------------------------------


def test_a_lone_surrogate_in_span_attrs_is_a_400_naming_the_field_and_nothing_is_stored(
    project, client_for, alice, reviewer
):
    client = client_for(alice)
    doc = assign(client)["document"]
    start = doc["text"].index("Aleppo")
    span = {"start": start, "end": start + 6, "label": "LOCATION"}
    body = json.dumps({"spans": [span], "status": "submitted", "version": 1})
    bad = body.replace('"label": "LOCATION"', f'"label": "LOCATION", "attrs": {{"note": "{SURROGATE}"}}')
    error = assert_bad(send(client, "put", f"/api/documents/{doc['id']}/annotations/mine/", bad), 400, "lone surrogate")
    assert error["path"] == "spans[0].attrs.note" and error["field"] == "spans"
    # Nothing was stored: the same version saves, and every read and export still answers.
    assert not Span.objects.filter(annotation__document_id=doc["id"]).exists()
    assert save(client, doc["id"], spans=[span], status="submitted", version=1).status_code == 200
    assert client.get(f"/api/documents/{doc['id']}/annotations/mine/").status_code == 200
    for path in (f"/api/documents/{doc['id']}/annotations/", f"/api/documents/{doc['id']}/adjudication/"):
        assert client_for(reviewer).get(path).status_code == 200, path
    export = client_for(reviewer).get("/api/projects/aleppo/export/?source=all")
    assert export.status_code == 200 and b"".join(export.streaming_content).count(b"\n") == 1


def test_a_lone_surrogate_in_gold_attrs_is_a_400_and_no_gold_is_stored(project, client_for, reviewer):
    document = Document.objects.filter(project=project).first()
    start = document.text.index("Aleppo")
    text = (
        f'{{"spans": [{{"start": {start}, "end": {start + 6}, "label": "LOCATION", '
        f'"attrs": {{"note": "{SURROGATE}"}}}}], "version": 0}}'
    )
    error = assert_bad(send(client_for(reviewer), "put", f"/api/documents/{document.pk}/gold/", text), 400)
    assert error["path"] == "spans[0].attrs.note"
    assert not Gold.objects.filter(document=document).exists()


def test_a_lone_surrogate_in_document_meta_is_a_400_and_no_document_is_stored(project, client_for, owner):
    before = Document.objects.count()
    text = f'{{"text": "Shelling hit Douma.", "meta": {{"source": {{"name": "x{SURROGATE}"}}}}}}'
    error = assert_bad(send(client_for(owner), "post", "/api/projects/aleppo/documents/", text), 400)
    assert error["path"] == "meta.source.name" and error["field"] == "meta"
    assert Document.objects.count() == before


def test_a_lone_surrogate_in_imported_meta_fails_the_job_naming_the_line_and_stores_nothing(
    project, client_for, owner, django_capture_on_commit_callbacks
):
    before = Document.objects.count()
    data = (
        '{"id": "ok-1", "text": "Shelling hit Douma."}\n'
        f'{{"id": "bad-2", "text": "Clashes in Homs.", "meta": {{"note": "{SURROGATE}"}}}}\n'
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_for(owner), data)
    job = client_for(owner).get(f"/api/jobs/{response.json()['id']}/").json()
    assert job["status"] == "failed"
    assert job["error"].startswith("line 2: meta.note: a lone surrogate"), job["error"]
    assert Document.objects.count() == before


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"text": "Shelling hit Douma.", "meta": {"n": 1' + "0" * 400 + "}}", "meta.n"),
        ('{"text": "Shelling hit Douma.", "meta": {"n": 1e400}}', "meta.n"),
        (r'{"text": "Shelling hit Douma.", "meta": {"k\u0000": 1}}', r'meta["k\u0000"]'),
        (r'{"text": "Shelling \u0000 hit Douma."}', "text"),
    ],
)
def test_numbers_without_bound_and_nul_characters_are_a_400_naming_the_path(project, client_for, owner, text, path):
    before = Document.objects.count()
    error = assert_bad(send(client_for(owner), "post", "/api/projects/aleppo/documents/", text), 400)
    assert error["path"] == path
    assert Document.objects.count() == before


# --- 6. Deep nesting -------------------------------------------------------------------------------


def test_deeply_nested_json_is_a_400_even_before_logging_in(db):
    response = Client().post("/api/auth/token/", "[" * 50_000, content_type="application/json")
    assert_bad(response, 400, "nested too deeply")


def test_json_nested_past_the_limit_is_a_400_on_any_endpoint(project, client_for, owner):
    meta = "[" * 70 + "]" * 70
    text = f'{{"text": "Shelling hit Douma.", "meta": {{"deep": {meta}}}}}'
    error = assert_bad(send(client_for(owner), "post", "/api/projects/aleppo/documents/", text), 400, "too deeply")
    assert error["field"] == "meta"


# --- 7. Other input that gave 500s --------------------------------------------------------------


def test_a_span_origin_that_is_an_object_is_a_400_naming_the_span(project, client_for, alice):
    client = client_for(alice)
    doc = assign(client)["document"]
    start = doc["text"].index("Aleppo")
    spans = [{"start": start, "end": start + 6, "label": "LOCATION", "origin": {"a": 1}}]
    error = assert_bad(save(client, doc["id"], spans=spans, version=1), 400, "origin")
    assert error["spans"][0]["index"] == 0
    assert Annotation.objects.get(document_id=doc["id"]).version == 1


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-01:00"])
def test_export_dates_out_of_range_are_a_400_before_anything_is_streamed(project, client_for, reviewer, moment):
    response = client_for(reviewer).get("/api/projects/aleppo/export/", {"source": "all", "submitted_since": moment})
    error = assert_bad(response, 400, "out of range")
    assert error["field"] == "submitted_since"


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ({"type": "integer", "min": "zero"}, "min must be a whole number"),
        ({"type": "integer", "min": True}, "min must be a whole number"),
        ({"type": "choice", "choices": "abc"}, "needs choices"),
        ({"type": "choice", "choices": ["a", 1]}, "each choice is a non-empty string"),
        ({"type": "choice", "choices": ["a", "a"]}, "given twice"),
        ({"type": "text", "min": 0}, "'min' applies to integer"),
        ({"type": "integer", "maximum": 3}, "unknown rule 'maximum'"),
        ({"type": "date"}, "needs a type"),
        ("integer", "must be an object"),
    ],
)
def test_a_label_attribute_schema_is_checked_when_a_project_is_created_and_changed(
    project, client_for, owner, rule, words
):
    labels = [{"name": "CASUALTY_COUNT", "attributes": {"value": rule}}]
    created = client_for(owner).post("/api/projects/", {"slug": "homs", "labels": labels}, format="json")
    error = assert_bad(created, 400, "label CASUALTY_COUNT", words)
    assert error["field"] == "labels"
    assert not Project.objects.filter(slug="homs").exists()
    changed = client_for(owner).patch("/api/projects/aleppo/", {"labels": labels}, format="json")
    assert_bad(changed, 400, words)
    assert Label.objects.get(project=project, name="CASUALTY_COUNT").attributes["value"] == {
        "type": "integer",
        "min": 0,
    }


@pytest.mark.parametrize("name", ["", "two words", "x" * 65, "1st"])
def test_an_attribute_name_must_be_a_plain_name(project, client_for, owner, name):
    labels = [{"name": "LOCATION", "attributes": {name: {"type": "text"}}}]
    response = client_for(owner).post("/api/projects/", {"slug": "homs", "labels": labels}, format="json")
    assert_bad(response, 400, "attribute name")


def test_an_attribute_name_with_a_nul_is_a_400(project, client_for, owner):
    text = r'{"slug": "homs", "labels": [{"name": "LOCATION", "attributes": {"n\u0000": {"type": "text"}}}]}'
    error = assert_bad(send(client_for(owner), "post", "/api/projects/", text), 400, "NUL")
    assert error["field"] == "labels"
    assert not Project.objects.filter(slug="homs").exists()


# --- 10. Every error under /api/ is JSON --------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/documents/-1/", "/api/no-such-thing/", "/api/projects/aleppo/nope/"])
def test_a_url_no_route_matches_is_a_json_404(project, client_for, owner, path):
    assert_bad(client_for(owner).get(path), 404, "not found")


def test_a_body_over_the_size_limit_is_a_json_413(project, client_for, owner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    text = json.dumps({"text": "Shelling hit Douma. " * 100})
    assert_bad(send(client_for(owner), "post", "/api/projects/aleppo/documents/", text), 413, "1000 bytes")


def test_a_server_error_is_json_too(project, client_for, alice):
    # A schema stored before schemas were checked (min is not a number) breaks the save.
    Label.objects.filter(project=project, name="CASUALTY_COUNT").update(
        attributes={"value": {"type": "integer", "min": "zero"}}
    )
    client = client_for(alice)
    client.raise_request_exception = False
    doc = assign(client)["document"]
    start = doc["text"].index("Aleppo")
    spans = [{"start": start, "end": start + 6, "label": "CASUALTY_COUNT", "attrs": {"value": 3}}]
    assert_bad(save(client, doc["id"], spans=spans, version=1), 500, "internal error")


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL cannot store a lone surrogate, even before the check"
)
def test_a_streamed_export_that_fails_part_way_ends_with_an_error_line_and_no_clean_end(
    project, client_for, reviewer, alice
):
    submitted_by_alice(client_for, alice)
    # A document stored before input was checked: its meta cannot be written as UTF-8.
    Document.objects.filter(project=project).exclude(annotations__annotator=alice).update(meta={"note": "\ud800"})
    response = client_for(reviewer).get("/api/projects/aleppo/export/?source=documents")
    assert response.status_code == 200
    received: list[bytes] = []
    with pytest.raises(UnicodeEncodeError):  # raised again: the server drops the connection
        for chunk in response.streaming_content:
            received.append(chunk)
    last = json.loads(b"".join(received).splitlines()[-1])
    assert last["error"]["code"] == "export_failed" and "incomplete" in last["error"]["message"]


# --- 13. Job JSON keeps the workers' own details to itself ----------------------------------------


def test_job_json_shows_no_worker_host_or_storage_path(
    project, client_for, reviewer, alice, django_capture_on_commit_callbacks
):
    submitted_by_alice(client_for, alice)
    client = client_for(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/api/projects/aleppo/export/?source=all&async=1")
    job = client.get(f"/api/jobs/{response.json()['id']}/").json()
    assert job["status"] == "succeeded"
    stored = Job.objects.get(pk=job["id"])
    assert "worker" in stored.params and "writing" in stored.params  # still there for the sweep
    assert set(job["params"]) == {"source", "format", "filters"}
    assert stored.output_file.name not in json.dumps(job)


def test_a_job_failed_as_lost_does_not_name_the_worker(project, owner, client_for, settings):
    settings.JOB_STALE_AFTER_SECONDS = 5
    job = Job.objects.create(
        kind=Job.Kind.EXPORT,
        project=project,
        created_by=owner,
        status=Job.Status.RUNNING,
        started_at=timezone.now() - timezone.timedelta(minutes=5),
        params={"worker": "web-7.internal:4242", "source": "gold", "format": "jsonl"},
        result={"heartbeat": 0},
    )
    body = client_for(owner).get(f"/api/jobs/{job.pk}/").json()
    assert body["status"] == "failed" and "no heartbeat" in body["error"]
    assert "web-7.internal" not in json.dumps(body)


def test_a_nul_in_a_user_name_in_the_url_is_a_json_404(project, client_for, owner):
    assert_bad(client_for(owner).delete("/api/projects/aleppo/members/a%00b/"), 404, "not found")
    assert client_for(owner).delete("/api/projects/aleppo/members/bob/").status_code == 204
