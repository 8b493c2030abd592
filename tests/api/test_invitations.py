"""Joining a project takes the invitee's consent, and neither the members form nor project
creation tells an owner which user names or project slugs exist."""

from __future__ import annotations

from annotator.models import Invitation, Membership


def invite(client, username: str, role: str = "annotator"):  # type: ignore[no-untyped-def]
    return client.post("/api/projects/aleppo/members/", {"username": username, "role": role}, format="json")


def test_an_added_user_is_invited_and_joins_only_by_accepting(project, client_for, owner, outsider) -> None:  # type: ignore[no-untyped-def]
    assert invite(client_for(owner), "oscar", "reviewer").status_code == 202
    oscar = client_for(outsider)
    assert not Membership.objects.filter(project=project, user=outsider).exists()
    assert oscar.get("/api/projects/aleppo/").status_code == 404
    (invitation,) = oscar.get("/api/invitations/").json()
    assert (invitation["project"], invitation["role"], invitation["invited_by"]) == ("aleppo", "reviewer", "olivia")
    accepted = oscar.post(f"/api/invitations/{invitation['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["role"] == "reviewer"
    assert oscar.get("/api/projects/aleppo/").json()["role"] == "reviewer"
    assert oscar.get("/api/invitations/").json() == []


def test_a_declined_invitation_leaves_no_membership(project, client_for, owner, outsider) -> None:  # type: ignore[no-untyped-def]
    invite(client_for(owner), "oscar")
    (invitation,) = client_for(outsider).get("/api/invitations/").json()
    assert client_for(outsider).post(f"/api/invitations/{invitation['id']}/decline/").status_code == 204
    assert not Membership.objects.filter(project=project, user=outsider).exists()
    assert client_for(owner).get("/api/projects/aleppo/invitations/").json() == []


def test_inviting_a_name_without_an_account_answers_exactly_as_for_one_with(
    project, client_for, owner, outsider
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(owner)
    real, ghost = invite(client, "oscar"), invite(client, "nobody-at-all")
    assert (real.status_code, ghost.status_code) == (202, 202)
    assert {k: v for k, v in real.json().items() if k != "username"} == {
        k: v for k, v in ghost.json().items() if k != "username"
    }
    pending = client.get("/api/projects/aleppo/invitations/").json()
    assert [(p["username"], p["role"]) for p in pending] == [("nobody-at-all", "annotator"), ("oscar", "annotator")]


def test_only_the_invitee_can_answer_an_invitation(project, client_for, owner, outsider, alice) -> None:  # type: ignore[no-untyped-def]
    invite(client_for(owner), "oscar")
    pk = Invitation.objects.get(username="oscar").pk
    assert client_for(alice).post(f"/api/invitations/{pk}/accept/").status_code == 404
    assert client_for(owner).post(f"/api/invitations/{pk}/decline/").status_code == 404
    assert client_for(outsider).post(f"/api/invitations/{pk}/accept/").status_code == 200
    assert client_for(outsider).post(f"/api/invitations/{pk}/accept/").status_code == 404


def test_a_withdrawn_or_deleted_projects_invitation_cannot_be_accepted(project, client_for, owner, outsider) -> None:  # type: ignore[no-untyped-def]
    client = client_for(owner)
    invite(client, "oscar")
    assert client.delete("/api/projects/aleppo/invitations/oscar/").status_code == 204
    assert client_for(outsider).get("/api/invitations/").json() == []
    invite(client, "oscar")
    pk = Invitation.objects.get(username="oscar").pk
    assert client.delete("/api/projects/aleppo/").status_code == 200
    assert client_for(outsider).get("/api/invitations/").json() == []
    assert client_for(outsider).post(f"/api/invitations/{pk}/accept/").status_code == 404


def test_a_members_role_changes_without_an_invitation(project, client_for, owner, alice) -> None:  # type: ignore[no-untyped-def]
    response = invite(client_for(owner), "alice", "reviewer")
    assert response.status_code == 200 and response.json()["status"] == "member"
    assert Membership.objects.get(project=project, user=alice).role == "reviewer"
    assert not Invitation.objects.exists()


def test_a_taken_slug_reads_the_same_to_everyone(project, client_for, owner, outsider, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PROJECT_CREATORS = "all"
    body = {"slug": "aleppo", "labels": [{"name": "X"}]}
    theirs = client_for(outsider).post("/api/projects/", body, format="json")
    mine = client_for(owner).post("/api/projects/", body, format="json")
    assert theirs.status_code == mine.status_code == 400
    assert theirs.json() == mine.json()
    assert client_for(owner).delete("/api/projects/aleppo/").status_code == 200
    deleted = client_for(outsider).post("/api/projects/", body, format="json")
    assert deleted.status_code == 400 and deleted.json() == theirs.json()
