"""People from the browser: site admins list, make and deactivate accounts and make join links;
a join link makes one account, once, before it expires; everyone changes their own password;
project owners search user names to add members."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from annotator.models import ApiToken, JoinLink, Membership
from annotator.services.tokens import issue_token

# Letters from three scripts: Django's user name validator takes any Unicode letter.
MIXED_NAME = "Zoé.حلب-Øst"
GOOD_PASSWORD = "a long walk to Azaz 2026"

ADMIN_ONLY = [
    ("get", "/api/accounts/"),
    ("post", "/api/accounts/"),
    ("patch", "/api/accounts/bob/"),
    ("get", "/api/join-links/"),
    ("post", "/api/join-links/"),
    ("delete", "/api/join-links/1/"),
]


def error_field(response) -> str:  # type: ignore[no-untyped-def]
    error = response.json()["error"]
    return error.get("field") or next(iter(error.get("fields", {})), "")


def make_link(client: APIClient, **wanted: object) -> dict:
    response = client.post("/api/join-links/", wanted, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def admin(client_for, owner, project) -> APIClient:  # type: ignore[no-untyped-def]
    """Olivia: a staff account and the owner of the project."""
    return client_for(owner)


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), ADMIN_ONLY)
def test_anonymous_callers_are_asked_to_log_in(client_for, project, method, path):
    assert getattr(client_for(None), method)(path, {}, format="json").status_code == 401


@pytest.mark.parametrize(("method", "path"), ADMIN_ONLY)
@pytest.mark.parametrize("who", ["alice", "reviewer", "outsider"])
def test_accounts_that_are_not_staff_are_refused(client_for, project, request, who, method, path):
    response = getattr(client_for(request.getfixturevalue(who)), method)(path, {}, format="json")
    assert response.status_code == 403
    assert "site admin" in response.json()["detail"]


def test_me_says_whether_the_caller_is_a_site_admin(client_for, owner, alice):
    assert client_for(owner).get("/api/auth/me/").json()["is_staff"] is True
    assert client_for(alice).get("/api/auth/me/").json()["is_staff"] is False


# --- the account list, new accounts, deactivation ----------------------------------------------


def test_an_admin_lists_accounts_with_their_state_and_last_login(admin, alice, bob, outsider):
    APIClient().post("/api/auth/login/", {"username": "alice", "password": "alice-password-1"}, format="json")
    bob.is_active = False
    bob.save()
    page = admin.get("/api/accounts/").json()
    rows = {row["username"]: row for row in page["results"]}
    assert page["count"] == len(rows) == 5
    assert rows["alice"]["last_login"] is not None and rows["rita"]["last_login"] is None
    assert rows["bob"]["is_active"] is False and rows["olivia"]["is_staff"] is True
    assert [r["username"] for r in admin.get("/api/accounts/?prefix=O").json()["results"]] == ["olivia", "oscar"]


def test_an_admin_makes_an_account_whose_password_logs_in(admin):
    body = {"username": MIXED_NAME, "password": GOOD_PASSWORD, "email": "zoe@example.org"}
    response = admin.post("/api/accounts/", body, format="json")
    assert response.status_code == 201
    assert response.json()["username"] == MIXED_NAME and response.json()["is_staff"] is False
    login = APIClient().post("/api/auth/login/", {"username": MIXED_NAME, "password": GOOD_PASSWORD}, format="json")
    assert login.status_code == 200
    assert User.objects.get(username=MIXED_NAME).email == "zoe@example.org"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "zoe", "password": "123"}, "password"),  # short and numeric
        ({"username": "zoe", "password": "password"}, "password"),  # common
        ({"username": "zoe.martin", "password": "zoe.martin"}, "password"),  # like the user name
        ({"username": "alice", "password": GOOD_PASSWORD}, "username"),  # taken
        ({"username": "ALICE", "password": GOOD_PASSWORD}, "username"),  # taken, but for the case
        ({"username": "gold", "password": GOOD_PASSWORD}, "username"),  # reserved for exports
        ({"username": "zoe martin", "password": GOOD_PASSWORD}, "username"),  # a space
        ({"username": "zoe\U0001f691", "password": GOOD_PASSWORD}, "username"),  # an emoji is no letter
        ({"username": "zoe", "password": GOOD_PASSWORD, "email": "not an address"}, "email"),
        ({"password": GOOD_PASSWORD}, "username"),
    ],
)
def test_a_refused_account_names_the_field_and_nothing_is_made(admin, body, field):
    before = User.objects.count()
    response = admin.post("/api/accounts/", body, format="json")
    assert response.status_code == 400
    assert error_field(response) == field, response.json()
    assert User.objects.count() == before


def test_a_deactivated_account_logs_in_neither_by_password_nor_by_token_until_reactivated(admin, alice):
    _, key = issue_token(user=alice, name="laptop")
    response = admin.patch("/api/accounts/alice/", {"is_active": False}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    holding = APIClient()
    holding.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert holding.get("/api/auth/me/").status_code == 401
    credentials = {"username": "alice", "password": "alice-password-1"}
    assert APIClient().post("/api/auth/login/", credentials, format="json").status_code == 401
    admin.patch("/api/accounts/alice/", {"is_active": True}, format="json")
    assert APIClient().post("/api/auth/login/", credentials, format="json").status_code == 200


def test_an_admin_cannot_deactivate_themselves_and_only_a_superuser_changes_a_staff_account(
    admin, client_for, owner, alice
):
    response = admin.patch("/api/accounts/olivia/", {"is_active": False}, format="json")
    assert response.status_code == 400 and error_field(response) == "is_active"
    other_admin = User.objects.create_user("sam", password=GOOD_PASSWORD, is_staff=True)
    assert (
        client_for(other_admin).patch("/api/accounts/olivia/", {"is_active": False}, format="json").status_code == 403
    )
    root = User.objects.create_superuser("root", password=GOOD_PASSWORD)
    assert client_for(root).patch("/api/accounts/olivia/", {"is_active": False}, format="json").status_code == 200
    assert client_for(root).get("/api/auth/me/").status_code == 200


def test_an_unknown_account_is_404_and_a_bad_body_400(admin):
    assert admin.patch("/api/accounts/nobody/", {"is_active": False}, format="json").status_code == 404
    response = admin.patch("/api/accounts/alice/", {"is_active": "maybe"}, format="json")
    assert response.status_code == 400 and error_field(response) == "is_active"


# --- join links --------------------------------------------------------------------------------


def test_a_join_link_is_shown_once_and_only_its_hash_is_stored(admin):
    link = make_link(admin, project="aleppo", role="annotator")
    assert link["url"].endswith(f"/join/{link['token']}") and link["state"] == "waiting"
    stored = JoinLink.objects.get(pk=link["id"])
    assert stored.token_hash == hashlib.sha256(link["token"].encode()).hexdigest()
    assert link["token"] not in str(JoinLink.objects.filter(pk=link["id"]).values().first())
    listed = admin.get("/api/join-links/").json()
    assert [(row["id"], row["project"], row["role"]) for row in listed] == [(link["id"], "aleppo", "annotator")]
    assert "token" not in listed[0] and "url" not in listed[0]


def test_a_join_link_works_seven_days_unless_told_otherwise(admin):
    week = make_link(admin)
    assert abs(timezone.datetime.fromisoformat(week["expires_at"]) - (timezone.now() + timedelta(days=7))) < timedelta(
        minutes=1
    )
    day = make_link(admin, days=1)
    assert timezone.datetime.fromisoformat(day["expires_at"]) < timezone.now() + timedelta(days=1, minutes=1)
    with override_settings(JOIN_LINK_DAYS=30):
        month = make_link(admin)
    assert timezone.datetime.fromisoformat(month["expires_at"]) > timezone.now() + timedelta(days=29)


def test_a_join_link_with_an_address_is_mailed_when_the_server_sends_mail(admin):
    # The tests' mail backend is Django's in-memory outbox: "configured".
    link = make_link(admin, email="zoe@example.org", project="aleppo", role="reviewer")
    assert link["mailed"] is True
    (sent,) = mail.outbox
    assert sent.to == ["zoe@example.org"] and link["url"] in sent.body and "as reviewer" in sent.body
    assert make_link(admin)["mailed"] is False


def test_a_person_joins_with_a_link_is_logged_in_and_lands_in_the_project(admin, project):
    link = make_link(admin, project="aleppo", role="annotator")
    visitor = APIClient()
    info = visitor.get(f"/api/join/{link['token']}/").json()
    assert info["project_name"] == project.name and info["role"] == "annotator" and info["username"] == ""
    response = visitor.post(
        f"/api/join/{link['token']}/", {"username": MIXED_NAME, "password": GOOD_PASSWORD}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["projects"] == [{"slug": "aleppo", "name": project.name, "role": "annotator"}]
    assert visitor.get("/api/auth/me/").json()["username"] == MIXED_NAME  # the session is logged in
    user = User.objects.get(username=MIXED_NAME)
    assert user.check_password(GOOD_PASSWORD)
    assert Membership.objects.get(project=project, user=user).role == "annotator"
    assert JoinLink.objects.get(pk=link["id"]).used_by == user
    assert visitor.get("/api/projects/aleppo/next/").status_code == 200


def test_a_used_link_answers_410_naming_the_token_and_makes_no_second_account(admin):
    link = make_link(admin)
    body = {"username": "zoe", "password": GOOD_PASSWORD}
    assert APIClient().post(f"/api/join/{link['token']}/", body, format="json").status_code == 201
    again = APIClient().post(f"/api/join/{link['token']}/", {**body, "username": "zoe2"}, format="json")
    assert again.status_code == 410
    assert again.json()["error"]["field"] == "token" and link["token"][:8] in again.json()["detail"]
    assert "was used" in again.json()["detail"]
    assert APIClient().get(f"/api/join/{link['token']}/").status_code == 410
    assert not User.objects.filter(username="zoe2").exists()


def test_an_expired_link_answers_410_and_makes_nothing(admin):
    link = make_link(admin, project="aleppo", role="annotator")
    JoinLink.objects.filter(pk=link["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = APIClient().post(
        f"/api/join/{link['token']}/", {"username": "zoe", "password": GOOD_PASSWORD}, format="json"
    )
    assert response.status_code == 410 and "expired" in response.json()["detail"]
    assert not User.objects.filter(username="zoe").exists()
    assert admin.get("/api/join-links/").json()[0]["state"] == "expired"


def test_an_unknown_or_withdrawn_token_is_404(admin):
    assert APIClient().get("/api/join/not-a-token/").status_code == 404
    link = make_link(admin)
    assert admin.delete(f"/api/join-links/{link['id']}/").status_code == 204
    response = APIClient().get(f"/api/join/{link['token']}/")
    assert response.status_code == 404 and response.json()["error"]["field"] == "token"
    assert admin.delete(f"/api/join-links/{link['id']}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "zoe", "password": "12345678"}, "password"),
        ({"username": "alice", "password": GOOD_PASSWORD}, "username"),
        ({"username": "", "password": GOOD_PASSWORD}, "username"),
        ({"username": "zoe"}, "password"),
    ],
)
def test_a_refused_join_writes_nothing_and_the_link_still_works(admin, project, body, field):
    link = make_link(admin, project="aleppo", role="annotator")
    users, members = User.objects.count(), Membership.objects.count()
    response = APIClient().post(f"/api/join/{link['token']}/", body, format="json")
    assert response.status_code == 400 and error_field(response) == field, response.json()
    assert (User.objects.count(), Membership.objects.count()) == (users, members)
    assert JoinLink.objects.get(pk=link["id"]).used_at is None
    good = {"username": "zoe", "password": GOOD_PASSWORD}
    assert APIClient().post(f"/api/join/{link['token']}/", good, format="json").status_code == 201


def test_a_preset_user_name_is_the_one_the_account_gets(admin):
    link = make_link(admin, username="zoe")
    assert APIClient().get(f"/api/join/{link['token']}/").json()["username"] == "zoe"
    other = APIClient().post(
        f"/api/join/{link['token']}/", {"username": "zed", "password": GOOD_PASSWORD}, format="json"
    )
    assert other.status_code == 400 and error_field(other) == "username"
    ok = APIClient().post(f"/api/join/{link['token']}/", {"password": GOOD_PASSWORD}, format="json")
    assert ok.status_code == 201 and ok.json()["username"] == "zoe"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "alice"}, "username"),
        ({"project": "aleppo"}, "role"),  # the missing role
        ({"role": "annotator"}, "project"),  # the missing project
        ({"project": "nowhere", "role": "annotator"}, "project"),
        ({"project": "aleppo", "role": "boss"}, "role"),
        ({"days": 0}, "days"),
        ({"email": "nobody"}, "email"),
    ],
)
def test_a_bad_join_link_request_names_the_field_and_makes_no_link(admin, body, field):
    response = admin.post("/api/join-links/", body, format="json")
    assert response.status_code == 400 and error_field(response) == field, response.json()
    assert not JoinLink.objects.exists()


def test_a_link_into_a_project_needs_its_owner_role(client_for, project, reviewer):
    reviewer.is_staff = True
    reviewer.save()
    staff_outsider = User.objects.create_user("sam", password=GOOD_PASSWORD, is_staff=True)
    body = {"project": "aleppo", "role": "annotator"}
    assert client_for(reviewer).post("/api/join-links/", body, format="json").status_code == 403
    response = client_for(staff_outsider).post("/api/join-links/", body, format="json")
    assert response.status_code == 400 and error_field(response) == "project"  # as if it did not exist
    assert client_for(staff_outsider).post("/api/join-links/", {}, format="json").status_code == 201


@override_settings(LOGIN_FAILURES_PER_CLIENT=3)
def test_guessing_join_tokens_is_limited_like_guessing_passwords(admin):
    link = make_link(admin)
    for guess in range(3):
        assert APIClient().get(f"/api/join/guess-{guess}/").status_code == 404
    response = APIClient().post(
        f"/api/join/{link['token']}/", {"username": "zoe", "password": GOOD_PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert not User.objects.filter(username="zoe").exists()


# --- the password change -----------------------------------------------------------------------


def test_a_user_changes_their_password_stays_logged_in_and_their_tokens_are_revoked(alice):
    issue_token(user=alice, name="laptop")
    session = APIClient()
    session.post("/api/auth/login/", {"username": "alice", "password": "alice-password-1"}, format="json")
    body = {"old_password": "alice-password-1", "new_password": GOOD_PASSWORD}
    response = session.post("/api/auth/password/", body, format="json")
    assert response.status_code == 200 and response.json() == {"tokens_revoked": 1}
    assert session.get("/api/auth/me/").status_code == 200
    assert not ApiToken.objects.filter(user=alice).exists()
    alice.refresh_from_db()
    assert alice.check_password(GOOD_PASSWORD)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"old_password": "wrong", "new_password": GOOD_PASSWORD}, "old_password"),
        ({"old_password": "alice-password-1", "new_password": "alice"}, "new_password"),
        ({"old_password": "alice-password-1"}, "new_password"),
    ],
)
def test_a_refused_password_change_names_the_field_and_keeps_the_old_password(client_for, alice, body, field):
    issue_token(user=alice, name="laptop")
    response = client_for(alice).post("/api/auth/password/", body, format="json")
    assert response.status_code == 400 and error_field(response) == field, response.json()
    alice.refresh_from_db()
    assert alice.check_password("alice-password-1") and ApiToken.objects.filter(user=alice).count() == 1


@override_settings(LOGIN_FAILURES_PER_USERNAME=2)
def test_wrong_current_passwords_count_as_failed_logins(client_for, alice):
    for _ in range(2):
        client_for(alice).post(
            "/api/auth/password/", {"old_password": "x", "new_password": GOOD_PASSWORD}, format="json"
        )
    right = {"old_password": "alice-password-1", "new_password": GOOD_PASSWORD}
    assert client_for(alice).post("/api/auth/password/", right, format="json").status_code == 429


def test_changing_a_password_needs_a_login(client_for, db):
    assert client_for(None).post("/api/auth/password/", {}, format="json").status_code == 401


# --- the owners' user name search ---------------------------------------------------------------


def test_an_owner_finds_active_accounts_by_the_start_of_their_name_names_only(client_for, owner, project, bob):
    User.objects.create_user("alina", email="alina@example.org")
    User.objects.create_user("alfred", is_active=False)
    for n in range(12):
        User.objects.create_user(f"zed{n:02}")
    response = client_for(owner).get("/api/usernames/?prefix=AL")
    assert response.status_code == 200
    assert response.json() == [{"username": "alice"}, {"username": "alina"}]
    assert len(client_for(owner).get("/api/usernames/?prefix=zed").json()) == 10
    assert client_for(owner).get("/api/usernames/?prefix=حلب").json() == []


@pytest.mark.parametrize("who", ["alice", "reviewer", "outsider"])
def test_only_owners_search_accounts(client_for, project, request, who):
    assert client_for(request.getfixturevalue(who)).get("/api/usernames/?prefix=a").status_code == 403


def test_a_superuser_searches_too_and_anonymous_callers_are_asked_to_log_in(client_for, project):
    root = User.objects.create_superuser("root", password=GOOD_PASSWORD)
    assert client_for(root).get("/api/usernames/?prefix=r").json() == [{"username": "rita"}, {"username": "root"}]
    assert client_for(None).get("/api/usernames/?prefix=a").status_code == 401


@pytest.mark.parametrize("query", ["", "?prefix=", "?prefix=" + "a" * 151])
def test_a_search_without_a_prefix_is_400_naming_it(client_for, owner, project, query):
    response = client_for(owner).get("/api/usernames/" + query)
    assert response.status_code == 400 and error_field(response) == "prefix"


def test_a_link_into_a_project_deleted_meanwhile_still_makes_the_account_without_a_membership(admin, project):
    from annotator.services.deletion import delete_project

    link = make_link(admin, project="aleppo", role="annotator")
    delete_project(project=project)
    assert APIClient().get(f"/api/join/{link['token']}/").json()["project_name"] is None
    body = {"username": "zoe", "password": GOOD_PASSWORD}
    response = APIClient().post(f"/api/join/{link['token']}/", body, format="json")
    assert response.status_code == 201 and response.json()["projects"] == []
    assert not Membership.objects.filter(user__username="zoe").exists()


@pytest.mark.parametrize("path", ["/join/some-token", "/account", "/people"])
def test_the_people_pages_are_routes_of_the_web_app(client, db, path):
    assert client.get(path).status_code in (200, 503)  # 503: the web UI is not built here
