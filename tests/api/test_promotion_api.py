"""Promotion the owner can see and steer (issue 18): each version's decision with the figures
it rests on, manual promote and roll back (owners only, recorded), the training's job."""

from __future__ import annotations

import pytest

from annotator.models import Job, ModelVersion, Promotion, Suggestion
from annotator.services.predictor import refresh_now
from annotator.services.trainer import train_now
from tests.annotator.services.tagger_data import add_gold


@pytest.fixture
def two_versions(project):  # type: ignore[no-untyped-def]
    """v1 and v2 trained on the same gold: v2 ties v1 on the held-out documents and is current."""
    add_gold(project, 8)
    train_now(project=project)
    train_now(project=project)
    refresh_now(project=project)
    return project


def versions(client) -> dict[int, dict]:  # type: ignore[no-untyped-def]
    return {m["version"]: m for m in client.get("/api/projects/aleppo/models/").json()}


def test_each_version_shows_its_decision_with_the_figures_and_the_rule(two_versions, client_for, alice) -> None:
    listed = versions(client_for(alice))
    first, second = listed[1]["decision"], listed[2]["decision"]
    assert first["promoted"] is True and first["current_version"] is None
    assert first["reason"].startswith("promoted: there was no current model")
    assert second["current_version"] == 1 and second["f1"] == listed[2]["metrics"]["value"]
    assert second["current_f1"] == listed[2]["metrics"]["current_model_on_same_documents"]["value"]
    assert second["promoted"] is True and "is not below v1's" in second["reason"]
    assert "held-out" in second["rule"]
    assert [p["kind"] for p in listed[2]["promotions"]] == ["automatic"]
    assert listed[2]["promotions"][0]["by"] is None and listed[2]["promotions"][0]["from_version"] == 1


def test_the_owner_rolls_back_to_an_older_version_and_it_is_recorded(
    two_versions, client_for, owner, alice, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post("/api/projects/aleppo/models/1/promote/", {}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["promotion"]["kind"] == "rollback" and body["promotion"]["by"] == owner.username
    assert (body["promotion"]["from_version"], body["promotion"]["to_version"]) == (2, 1)
    listed = versions(client_for(alice))
    assert listed[1]["status"] == "current" and listed[2]["status"] == "retired"
    assert listed[1]["promotions"][0] == body["promotion"]
    # The suggestions were refreshed the way an automatic promotion refreshes them.
    refresh = Job.objects.get(pk=body["refresh_job"])
    assert refresh.kind == Job.Kind.SUGGESTIONS and refresh.status == Job.Status.SUCCEEDED, refresh.error
    v1 = ModelVersion.objects.get(project=two_versions, version=1)
    assert Suggestion.objects.filter(model_version=v1).exists()
    assert client_for(alice).get("/api/projects/aleppo/next/").json()["model_version"]["version"] == 1


def test_roll_back_goes_to_the_version_current_before_and_promote_goes_forward_again(
    two_versions, client_for, owner
) -> None:
    owner_client = client_for(owner)
    back = owner_client.post("/api/projects/aleppo/models/rollback/", {}, format="json").json()["promotion"]
    assert (back["kind"], back["from_version"], back["to_version"]) == ("rollback", 2, 1)
    forward = owner_client.post("/api/projects/aleppo/models/2/promote/", {}, format="json").json()["promotion"]
    assert (forward["kind"], forward["from_version"], forward["to_version"]) == ("promote", 1, 2)
    assert Promotion.objects.filter(project=two_versions).count() == 4  # two automatic, two by hand


def test_promoting_the_current_version_or_an_unknown_one_says_why(two_versions, client_for, owner) -> None:
    response = client_for(owner).post("/api/projects/aleppo/models/2/promote/", {}, format="json")
    assert response.status_code == 409 and "already the current model" in response.json()["error"]["message"]
    assert client_for(owner).post("/api/projects/aleppo/models/9/promote/", {}, format="json").status_code == 404


def test_a_failed_version_cannot_be_made_current(two_versions, client_for, owner) -> None:
    ModelVersion.objects.create(project=two_versions, version=3, status=ModelVersion.Status.FAILED)
    response = client_for(owner).post("/api/projects/aleppo/models/3/promote/", {}, format="json")
    assert response.status_code == 409 and "v3 is failed" in response.json()["error"]["message"]


def test_rolling_back_without_an_earlier_version_is_a_conflict(project, client_for, owner) -> None:
    add_gold(project, 8)
    train_now(project=project)
    response = client_for(owner).post("/api/projects/aleppo/models/rollback/", {}, format="json")
    assert response.status_code == 409 and "no earlier model" in response.json()["error"]["message"]


@pytest.mark.parametrize(("who", "expected"), [("reviewer", 403), ("alice", 403), ("outsider", 404)])
def test_only_owners_promote_or_roll_back(two_versions, client_for, request, who, expected) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.post("/api/projects/aleppo/models/1/promote/", {}, format="json").status_code == expected
    assert client.post("/api/projects/aleppo/models/rollback/", {}, format="json").status_code == expected
    assert ModelVersion.objects.get(project=two_versions, status=ModelVersion.Status.CURRENT).version == 2
    assert Promotion.objects.filter(project=two_versions).exclude(kind="automatic").count() == 0


def test_reviewers_follow_the_training_job(project, client_for, owner, reviewer, alice, outsider) -> None:
    assert client_for(reviewer).get("/api/projects/aleppo/models/training/").json() == {"job": None}
    add_gold(project, 8)
    job = train_now(project=project)
    body = client_for(reviewer).get("/api/projects/aleppo/models/training/").json()
    assert body["job"]["id"] == job.pk and body["job"]["status"] == "succeeded"
    assert body["job"]["progress"]["done"] == body["job"]["progress"]["total"] == 4
    assert client_for(alice).get("/api/projects/aleppo/models/training/").status_code == 403
    assert client_for(outsider).get("/api/projects/aleppo/models/training/").status_code == 404
