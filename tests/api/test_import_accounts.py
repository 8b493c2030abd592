"""An import through the API never creates a login account and never writes under the name
of someone who is not a member of the project; who may create projects is a setting."""

from __future__ import annotations

import json

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.models import Annotation, Document, Job, Membership, Project

TEXT = "Warplanes struck Idlib at dawn."
SPANS = [{"start": 17, "end": 22, "label": "LOCATION"}]


def jsonl(*lines: dict) -> bytes:
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def upload(client, slug: str, data: bytes, **fields):  # type: ignore[no-untyped-def]
    body = {"file": SimpleUploadedFile("docs.jsonl", data), **fields}
    return client.post(f"/api/projects/{slug}/imports/", body, format="multipart")


def test_a_user_who_is_not_staff_cannot_create_a_project(db, client_for, outsider) -> None:  # type: ignore[no-untyped-def]
    response = client_for(outsider).post(
        "/api/projects/", {"slug": "mine", "labels": [{"name": "LOCATION"}]}, format="json"
    )
    assert response.status_code == 403
    assert "PROJECT_CREATORS" in response.json()["error"]["message"]
    assert not Project.objects.exists()


def test_staff_create_projects_and_so_does_anyone_when_the_setting_says_all(
    db, client_for, owner, outsider, settings
) -> None:  # type: ignore[no-untyped-def]
    assert (
        client_for(owner).post("/api/projects/", {"slug": "a", "labels": [{"name": "X"}]}, format="json").status_code
        == 201
    )
    settings.PROJECT_CREATORS = "all"
    assert (
        client_for(outsider).post("/api/projects/", {"slug": "b", "labels": [{"name": "X"}]}, format="json").status_code
        == 201
    )


def test_an_import_naming_strangers_creates_no_account_and_stores_nothing(
    project, client_for, outsider, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """The outside probe: a user in no project makes one and imports lines 'by' admin, root
    and alice (who exists but never joined it)."""
    settings.PROJECT_CREATORS = "all"
    client = client_for(outsider)
    assert (
        client.post("/api/projects/", {"slug": "probe", "labels": [{"name": "LOCATION"}]}, format="json").status_code
        == 201
    )
    users_before = set(User.objects.values_list("username", flat=True))
    lines = [
        {"id": f"p{i}", "text": TEXT, "spans": SPANS, "annotator": name}
        for i, name in enumerate(["oscar", "admin", "root", "alice"])
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "probe", jsonl(*lines))
    job = client.get(f"/api/jobs/{response.json()['id']}/").json()
    assert job["status"] == "failed"
    assert "line 2" in job["error"] and "'admin' is not a member of project probe" in job["error"]
    assert set(User.objects.values_list("username", flat=True)) == users_before
    assert not Membership.objects.filter(project__slug="probe", user__username="alice").exists()
    assert not Document.objects.filter(project__slug="probe").exists()
    assert not Annotation.objects.filter(document__project__slug="probe").exists()


def test_the_refusal_reads_the_same_for_an_existing_account_and_a_missing_one(
    project, client_for, owner, outsider, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    errors = {}
    for name in ("oscar", "nobody-here"):
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(client_for(owner), "aleppo", jsonl({"text": TEXT, "spans": SPANS, "annotator": name}))
        errors[name] = Job.objects.get(pk=response.json()["id"]).error.replace(name, "NAME")
    assert errors["oscar"] == errors["nobody-here"] and "is not a member" in errors["oscar"]


def test_as_annotator_naming_a_non_member_gets_400_and_queues_nothing(project, client_for, owner) -> None:  # type: ignore[no-untyped-def]
    for name in ("oscar", "root"):
        response = upload(client_for(owner), "aleppo", jsonl({"text": TEXT, "spans": SPANS}), as_annotator=name)
        assert response.status_code == 400, response.content
        assert f"as_annotator: '{name}' is not a member of project aleppo" in response.json()["error"]["message"]
    assert not Job.objects.exists() and not User.objects.filter(username="root").exists()


def test_lines_by_members_are_stored_as_theirs(project, client_for, owner, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    lines = [
        {"id": "m1", "text": TEXT, "spans": SPANS, "annotator": "alice"},
        {"id": "m1", "text": TEXT, "spans": [], "annotator": "rita"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_for(owner), "aleppo", jsonl(*lines))
    assert Job.objects.get(pk=response.json()["id"]).status == "succeeded"
    stored = Annotation.objects.filter(document__external_id="m1").values_list("annotator__username", "status")
    assert sorted(stored) == [("alice", "submitted"), ("rita", "submitted")]
