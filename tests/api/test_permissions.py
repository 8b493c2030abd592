"""Who may call what: every endpoint × (anonymous, outsider, annotator, reviewer, owner).

The matrix is a table (ROWS): an endpoint added later is one more row. Outsiders get 404
(a project they are not in does not exist for them), members whose role is too low 403,
anonymous callers 401. Below the matrix, checks that no answer leaks another project's or
another annotator's data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.models import Annotation, Document, Job
from annotator.services.projects import create_project
from tests.api.conftest import assign, save

CALLERS = ("anonymous", "outsider", "annotator", "reviewer", "owner")


@dataclass(frozen=True)
class Row:
    """One endpoint: method, path (with {slug}, {mine} = a document assigned to the
    annotator, {other} = a document nobody holds, {job} = a job the owner started), a body
    factory, and the expected status for each caller in CALLERS order."""

    name: str
    method: str
    path: str
    expect: tuple[int, int, int, int, int]
    body: Any = None
    format: str = "json"
    extra: dict[str, Any] = field(default_factory=dict)


def _upload(_caller: str) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("docs.jsonl", b'{"text": "A new report from Idlib."}\n'), "format": "jsonl"}


ROWS = [
    Row("me", "get", "/api/auth/me/", (401, 200, 200, 200, 200)),
    Row("logout", "post", "/api/auth/logout/", (401, 204, 204, 204, 204)),
    Row("project list", "get", "/api/projects/", (401, 200, 200, 200, 200)),
    Row(
        "project create",
        "post",
        "/api/projects/",
        (401, 403, 403, 403, 201),
        body=lambda caller: {"slug": f"new-{caller}", "labels": [{"name": "LOCATION"}]},
    ),
    Row("project detail", "get", "/api/projects/{slug}/", (401, 404, 200, 200, 200)),
    Row("project update", "patch", "/api/projects/{slug}/", (401, 404, 403, 403, 200), body={"name": "Renamed"}),
    Row("project delete", "delete", "/api/projects/{slug}/", (401, 404, 403, 403, 200)),
    Row("project restore", "post", "/api/projects/{slug}/restore/", (401, 404, 403, 403, 409)),
    Row("document delete", "delete", "/api/documents/{other}/", (401, 404, 403, 403, 200)),
    Row("document restore", "post", "/api/documents/{other}/restore/", (401, 404, 403, 403, 409)),
    Row("member list", "get", "/api/projects/{slug}/members/", (401, 404, 403, 200, 200)),
    Row(
        "member add",
        "post",
        "/api/projects/{slug}/members/",
        (401, 404, 403, 403, 202),
        body={"username": "oscar", "role": "annotator"},
    ),
    Row(
        "member role",
        "patch",
        "/api/projects/{slug}/members/bob/",
        (401, 404, 403, 403, 200),
        body={"role": "reviewer"},
    ),
    Row("member remove", "delete", "/api/projects/{slug}/members/bob/", (401, 404, 403, 403, 204)),
    Row("project invitations", "get", "/api/projects/{slug}/invitations/", (401, 404, 403, 403, 200)),
    Row("withdraw invitation", "delete", "/api/projects/{slug}/invitations/nobody/", (401, 404, 403, 403, 404)),
    Row("my invitations", "get", "/api/invitations/", (401, 200, 200, 200, 200)),
    Row("document list", "get", "/api/projects/{slug}/documents/", (401, 404, 200, 200, 200)),
    Row(
        "document create",
        "post",
        "/api/projects/{slug}/documents/",
        (401, 404, 403, 403, 201),
        body=lambda caller: {"text": "A new report from Idlib.", "id": f"new-{caller}"},
    ),
    Row("document (assigned)", "get", "/api/documents/{mine}/", (401, 404, 200, 200, 200)),
    Row("document (not assigned)", "get", "/api/documents/{other}/", (401, 404, 404, 200, 200)),
    Row("import", "post", "/api/projects/{slug}/imports/", (401, 404, 403, 403, 202), body=_upload, format="multipart"),
    Row("next", "get", "/api/projects/{slug}/next/", (401, 404, 200, 200, 200)),
    Row("my annotation", "get", "/api/documents/{mine}/annotations/mine/", (401, 404, 200, 404, 404)),
    Row(
        "save my annotation",
        "put",
        "/api/documents/{mine}/annotations/mine/",
        (401, 404, 200, 404, 404),
        body={"spans": [], "status": "draft", "version": 1},
    ),
    Row("export gold", "get", "/api/projects/{slug}/export/?source=gold", (401, 404, 403, 200, 200)),
    Row("export all", "get", "/api/projects/{slug}/export/?source=all&format=jsonl", (401, 404, 403, 200, 200)),
    Row("export own", "get", "/api/projects/{slug}/export/?source=annotator:alice", (401, 404, 200, 200, 200)),
    Row("job", "get", "/api/jobs/{job}/", (401, 404, 404, 200, 200)),
    # Other areas' endpoints (review, gold, agreement, models), added as rows like the rest.
    Row("everyone's annotations", "get", "/api/documents/{mine}/annotations/", (401, 404, 403, 200, 200)),
    Row("adjudication", "get", "/api/documents/{mine}/adjudication/", (401, 404, 403, 200, 200)),
    Row("gold", "get", "/api/documents/{mine}/gold/", (401, 404, 403, 200, 200)),
    Row(
        "gold save",
        "put",
        "/api/documents/{other}/gold/",
        (401, 404, 403, 200, 200),
        body={"spans": [], "source_annotation_ids": [], "version": 0},
    ),
    # The first ask of a project's report starts the worker's computation (202 with the job).
    Row("agreement", "get", "/api/projects/{slug}/agreement/", (401, 404, 403, 202, 202)),
    Row("agreement documents", "get", "/api/projects/{slug}/agreement/documents/", (401, 404, 403, 200, 200)),
    Row("agreement document", "get", "/api/projects/{slug}/agreement/documents/{mine}/", (401, 404, 403, 200, 200)),
    Row("models", "get", "/api/projects/{slug}/models/", (401, 404, 200, 200, 200)),
    Row("train", "post", "/api/projects/{slug}/models/train/", (401, 404, 403, 202, 202), body={}),
    Row("effort curve", "get", "/api/projects/{slug}/models/effort/", (401, 404, 403, 200, 200)),
    Row(
        "predict (no model yet)",
        "post",
        "/api/projects/{slug}/predict/",
        (401, 404, 409, 409, 409),
        body={"text": "Warplanes struck Aleppo."},
    ),
]


@pytest.fixture
def world(project, owner, alice, bob, reviewer, outsider, client_for) -> dict[str, Any]:
    """The default project with one document assigned to alice (and submitted by bob), one
    nobody holds, a job the owner started, and the outsider's own project next door."""
    create_project(slug="elsewhere", labels=["LOCATION"], owner=outsider)
    mine = assign(client_for(alice))["document"]["id"]
    bob_client = client_for(bob)  # bob holds and submits the same document (two per document)
    assert assign(bob_client)["document"]["id"] == mine
    assert save(bob_client, mine, spans=[], status="submitted", version=1).status_code == 200
    other = Document.objects.filter(project=project).exclude(pk=mine).first().pk
    job = Job.objects.create(kind=Job.Kind.IMPORT, project=project, created_by=owner)
    users = {"anonymous": None, "outsider": outsider, "annotator": alice, "reviewer": reviewer, "owner": owner}
    return {"slug": project.slug, "mine": mine, "other": other, "job": job.pk, "users": users}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_permission_matrix(world, client_for, row: Row, caller: str):
    client = client_for(world["users"][caller])
    path = row.path.format(**{k: v for k, v in world.items() if k != "users"})
    body = row.body(caller) if callable(row.body) else row.body
    kwargs = {"format": row.format} if body is not None else {}
    response = (
        getattr(client, row.method)(path, body, **kwargs) if body is not None else getattr(client, row.method)(path)
    )
    expected = row.expect[CALLERS.index(caller)]
    assert response.status_code == expected, (row.name, caller, response.status_code, response.content[:300])
    if response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
        error = response.json()["error"]
        assert error["message"], "every refusal says why"


# --- No leaks ---------------------------------------------------------------------------------


def test_project_list_shows_only_the_callers_projects(world, client_for, alice, outsider):
    assert [p["slug"] for p in client_for(alice).get("/api/projects/").json()] == ["aleppo"]
    assert [p["slug"] for p in client_for(outsider).get("/api/projects/").json()] == ["elsewhere"]


def test_annotators_list_only_their_documents_and_no_assignees(world, client_for, alice):
    body = client_for(alice).get("/api/projects/aleppo/documents/").json()
    assert [d["id"] for d in body["results"]] == [world["mine"]]
    assert body["results"][0]["assignees"] is None
    assert body["results"][0]["my_status"] == "draft"


def test_annotators_may_not_filter_by_someone_elses_assignments(world, client_for, alice):
    response = client_for(alice).get("/api/projects/aleppo/documents/?assignee=bob")
    assert response.status_code == 403
    assert "only for themselves" in response.json()["error"]["message"]


def test_an_annotators_progress_shows_only_their_own_row(world, client_for, alice, bob):
    assign(client_for(bob))
    annotators = client_for(alice).get("/api/projects/aleppo/").json()["progress"]["annotators"]
    assert [a["username"] for a in annotators] == ["alice"]
    everyone = client_for(world["users"]["reviewer"]).get("/api/projects/aleppo/").json()["progress"]["annotators"]
    assert [a["username"] for a in everyone] == ["alice", "bob"]


def test_another_annotators_spans_are_never_served(world, client_for, alice, bob):
    text = Document.objects.get(pk=world["mine"]).text
    start = text.index("Aleppo")
    spans = [{"start": start, "end": start + 6, "label": "LOCATION"}]
    assert save(client_for(alice), world["mine"], spans=spans, status="submitted", version=1).status_code == 200
    bob_client = client_for(bob)  # bob submitted the same document with no spans
    assert bob_client.get(f"/api/documents/{world['mine']}/annotations/mine/").json()["spans"] == []
    assert bob_client.get("/api/projects/aleppo/export/?source=annotator:alice").status_code == 403
    own = b"".join(bob_client.get("/api/projects/aleppo/export/?source=annotator:bob").streaming_content)
    lines = [json.loads(line) for line in own.decode().splitlines()]
    assert [(line["annotator"], line["spans"]) for line in lines] == [("bob", [])]
    assert bob_client.get(f"/api/documents/{world['mine']}/annotations/").status_code == 403


def test_outsiders_cannot_reach_documents_or_jobs_of_other_projects(world, client_for, outsider):
    client = client_for(outsider)
    for path in (f"/api/documents/{world['mine']}/", f"/api/jobs/{world['job']}/", "/api/projects/aleppo/documents/"):
        assert client.get(path).status_code == 404, path


def test_an_annotator_reads_their_own_jobs_but_not_others(world, client_for, alice):
    own = Job.objects.create(
        kind=Job.Kind.EXPORT,
        project_id=Document.objects.get(pk=world["mine"]).project_id,
        params={"source": "annotator:alice", "format": "jsonl"},
    )
    own.created_by = alice
    own.save()
    client = client_for(alice)
    assert client.get(f"/api/jobs/{own.pk}/").status_code == 200
    assert client.get(f"/api/jobs/{world['job']}/").status_code == 404


def test_no_annotation_is_created_for_callers_who_were_refused(world, client_for, outsider):
    before = Annotation.objects.count()
    client_for(outsider).get("/api/projects/aleppo/next/")
    client_for(None).get("/api/projects/aleppo/next/")
    assert Annotation.objects.count() == before
