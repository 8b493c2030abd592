"""Logging in: tokens for scripts, sessions with CSRF for the web UI."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.api.conftest import assign


def test_a_token_for_good_credentials_works_as_a_header(project, alice):
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": "alice", "password": "alice-password-1"}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get("/api/auth/me/").json()
    assert me == {
        "username": "alice",
        "is_superuser": False,
        "is_staff": False,
        "may_create_projects": False,
        "projects": [{"slug": "aleppo", "name": project.name, "role": "annotator"}],
    }


def test_wrong_credentials_get_401_with_a_message(alice):
    response = APIClient().post("/api/auth/token/", {"username": "alice", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "wrong user name or password"


def test_missing_credentials_get_400_naming_the_field(db):
    response = APIClient().post("/api/auth/token/", {"username": "alice"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]


def test_password_guessing_is_throttled(alice):
    client = APIClient()
    statuses = [
        client.post("/api/auth/token/", {"username": "alice", "password": f"guess{i}"}, format="json").status_code
        for i in range(35)
    ]
    assert statuses[0] == 401 and statuses[-1] == 429


def test_session_login_needs_the_csrf_token_and_then_works(project, alice):
    client = APIClient(enforce_csrf_checks=True)
    first = client.get("/api/auth/me/")
    assert first.status_code == 401
    csrf = client.cookies["csrftoken"].value
    refused = client.post("/api/auth/login/", {"username": "alice", "password": "alice-password-1"}, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]
    response = client.post(
        "/api/auth/login/",
        {"username": "alice", "password": "alice-password-1"},
        format="json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 200 and response.json()["username"] == "alice"
    assert client.get("/api/projects/aleppo/next/").status_code == 200
    # Writes in a session need the CSRF header too.
    csrf = client.cookies["csrftoken"].value
    doc = assign(client)["document"]
    body = {"spans": [], "status": "draft", "version": 1}
    url = f"/api/documents/{doc['id']}/annotations/mine/"
    assert client.put(url, body, format="json").status_code == 403
    assert client.put(url, body, format="json", HTTP_X_CSRFTOKEN=csrf).status_code == 200
    assert client.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=csrf).status_code == 204
    assert client.get("/api/auth/me/").status_code == 401


def test_logout_with_a_token_revokes_it(alice):
    client = APIClient()
    token = client.post("/api/auth/token/", {"username": "alice", "password": "alice-password-1"}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert client.post("/api/auth/logout/").status_code == 204
    assert client.get("/api/auth/me/").status_code == 401
