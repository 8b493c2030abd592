"""Projects, their label sets and members, as an owner manages them."""

from __future__ import annotations

import pytest

from annotator.models import Label, Membership, Project, Span
from tests.api.conftest import assign, save


def test_creating_a_project_makes_the_caller_its_owner(client_for, owner):
    response = client_for(owner).post(
        "/api/projects/",
        {"slug": "idlib", "name": "Idlib", "labels": [{"name": "LOCATION"}, {"name": "WEAPON", "colour": "#123456"}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["role"] == "owner"
    assert [label["name"] for label in body["labels"]] == ["LOCATION", "WEAPON"]
    assert body["labels"][1]["colour"] == "#123456"
    assert body["progress"] == {
        "documents": 0,
        "done": 0,
        "by_status": {"unassigned": 0, "in_progress": 0, "done": 0, "gold": 0},
        "annotators": [],
    }
    assert Membership.objects.get(project__slug="idlib").user == owner


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"slug": "Bad Slug", "labels": [{"name": "X"}]}, "slug"),
        ({"slug": "ok", "labels": []}, "labels"),
        ({"slug": "ok", "labels": [{"name": "1bad"}]}, "labels"),
        ({"slug": "ok", "labels": [{"name": "A"}, {"name": "A"}]}, "label A is given twice"),
        ({"slug": "ok", "labels": [{"name": "A", "hotkey": "x"}, {"name": "B", "hotkey": "x"}]}, "hotkey 'x'"),
        ({"slug": "ok", "labels": [{"name": "A", "colour": "red"}]}, "colour"),
        ({"slug": "ok", "labels": [{"name": "A", "attributes": {"n": {"type": "float"}}}]}, "needs a type"),
        ({"slug": "ok", "labels": ["A"], "annotators_per_document": 0}, "annotators_per_document"),
    ],
)
def test_bad_project_input_gets_400_naming_the_problem_and_creates_nothing(client_for, owner, body, words):
    response = client_for(owner).post("/api/projects/", body, format="json")
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Project.objects.exists()


def test_a_taken_slug_is_not_available(project, client_for, owner):
    response = client_for(owner).post("/api/projects/", {"slug": "aleppo", "labels": [{"name": "X"}]}, format="json")
    assert response.status_code == 400
    assert "slug 'aleppo' is not available" in response.json()["error"]["message"]


def test_the_owner_changes_settings_and_labels(project, client_for, owner):
    labels = [
        {"name": "LOCATION", "colour": "#000000", "hotkey": "c"},  # takes CASUALTY_COUNT's hotkey
        {"name": "CASUALTY_COUNT", "hotkey": "l"},
        {"name": "PERPETRATOR"},
        {"name": "WEAPON", "attributes": {"kind": {"type": "choice", "choices": ["barrel bomb", "missile"]}}},
    ]
    response = client_for(owner).patch(
        "/api/projects/aleppo/",
        {"name": "Aleppo 2016", "annotators_per_document": 3, "labels": labels},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Aleppo 2016" and body["annotators_per_document"] == 3
    assert [(lab["name"], lab["hotkey"]) for lab in body["labels"]] == [
        ("LOCATION", "c"),
        ("CASUALTY_COUNT", "l"),
        ("PERPETRATOR", "p"),
        ("WEAPON", "w"),
    ]
    assert Label.objects.get(project=project, name="LOCATION").colour == "#000000"


def test_removing_a_label_in_use_gets_409_naming_it_and_changes_nothing(project, client_for, owner, alice):
    client = client_for(alice)
    doc = assign(client)["document"]
    start = doc["text"].index("Aleppo")
    spans = [{"start": start, "end": start + 6, "label": "LOCATION"}]
    assert save(client, doc["id"], spans=spans, version=1).status_code == 200
    response = client_for(owner).patch(
        "/api/projects/aleppo/", {"name": "Changed", "labels": [{"name": "PERPETRATOR"}]}, format="json"
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert "label LOCATION is used by existing spans" in error["message"]
    assert error["labels"] == ["LOCATION"]
    project.refresh_from_db()
    assert project.name != "Changed"
    assert Label.objects.filter(project=project).count() == 3
    assert Span.objects.filter(label="LOCATION").count() == 1


def test_removing_an_unused_label_is_allowed(project, client_for, owner):
    response = client_for(owner).patch(
        "/api/projects/aleppo/", {"labels": [{"name": "LOCATION"}, {"name": "PERPETRATOR"}]}, format="json"
    )
    assert response.status_code == 200
    assert sorted(Label.objects.filter(project=project).values_list("name", flat=True)) == ["LOCATION", "PERPETRATOR"]


def test_the_owner_manages_members(project, client_for, owner, outsider):
    client = client_for(owner)
    added = client.post("/api/projects/aleppo/members/", {"username": "oscar", "role": "annotator"}, format="json")
    assert added.status_code == 202 and added.json() == {"username": "oscar", "role": "annotator", "status": "invited"}
    (invitation,) = client_for(outsider).get("/api/invitations/").json()
    assert client_for(outsider).post(f"/api/invitations/{invitation['id']}/accept/").status_code == 200
    changed = client.patch("/api/projects/aleppo/members/oscar/", {"role": "reviewer"}, format="json")
    assert changed.status_code == 200 and changed.json()["role"] == "reviewer"
    listed = client.get("/api/projects/aleppo/members/").json()
    assert {"username": "oscar", "role": "reviewer"} in listed
    assert client.delete("/api/projects/aleppo/members/oscar/").status_code == 204
    assert not Membership.objects.filter(project=project, user=outsider).exists()


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "words"),
    [
        ("post", "members/", {"username": "no body", "role": "annotator"}, 400, "not a valid user name"),
        ("post", "members/", {"username": "oscar", "role": "boss"}, 400, "role"),
        ("patch", "members/olivia/", {"role": "annotator"}, 409, "only owner"),
        ("delete", "members/olivia/", None, 409, "only owner"),
        ("delete", "members/oscar/", None, 404, "not a member"),
        ("patch", "members/oscar/", {"role": "annotator"}, 404, "not a member"),
    ],
)
def test_bad_member_changes_are_refused(project, client_for, owner, outsider, method, path, body, status, words):
    client = client_for(owner)
    call = getattr(client, method)
    response = (
        call(f"/api/projects/aleppo/{path}", body, format="json") if body else call(f"/api/projects/aleppo/{path}")
    )
    assert response.status_code == status
    assert words in response.json()["error"]["message"] + str(response.json()["error"].get("fields", ""))
    assert Membership.objects.get(project=project, user=owner).role == "owner"


def test_progress_counts_done_documents_and_time_per_annotator(project, client_for, owner, alice, bob):
    for user, seconds in ((alice, 30.0), (bob, 12.5)):
        client = client_for(user)
        doc = assign(client)["document"]
        assert save(client, doc["id"], spans=[], status="submitted", version=1, time_spent=seconds).status_code == 200
    progress = client_for(owner).get("/api/projects/aleppo/").json()["progress"]
    assert progress["documents"] == 5
    assert progress["done"] == 1  # both annotators submitted the same first document (K=2)
    assert progress["by_status"] == {"unassigned": 4, "in_progress": 0, "done": 1, "gold": 0}
    assert progress["annotators"] == [
        {"username": "alice", "submitted": 1, "drafts": 0, "skipped": 0, "time_spent": 30.0},
        {"username": "bob", "submitted": 1, "drafts": 0, "skipped": 0, "time_spent": 12.5},
    ]
    listed = client_for(owner).get("/api/projects/").json()
    assert listed[0]["progress"]["done"] == 1


def test_a_label_without_a_name_in_a_settings_change_is_a_400_naming_it(project, client_for, owner):
    patch = {"labels": [{"colour": "#000000", "hotkey": "x", "attributes": {}}]}
    response = client_for(owner).patch(f"/api/projects/{project.slug}/", patch, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "labels: 0: name: This field is required."
