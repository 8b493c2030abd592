"""Password guessing meets one limit per client address and per user name, whichever way it
comes in (the token endpoint, the web UI's login, the admin's login form), whatever
X-Forwarded-For it sends, and while Redis is down."""

from __future__ import annotations

import logging
import time

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from rest_framework.test import APIClient

from tests.conftest import free_port

PER_USERNAME = 10  # the defaults of LOGIN_FAILURES_PER_USERNAME and LOGIN_FAILURES_PER_CLIENT
PER_CLIENT = 20


def token_status(client: APIClient, username: str, password: str, **headers: str) -> int:
    body = {"username": username, "password": password}
    return client.post("/api/auth/token/", body, format="json", **headers).status_code


@pytest.fixture
def root(db) -> User:
    return User.objects.create_superuser("root", password="root-password-1")


def test_a_new_forwarded_for_address_each_time_does_not_escape_the_limit(alice) -> None:
    client = APIClient()
    statuses = [token_status(client, "alice", f"guess{i}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}") for i in range(80)]
    assert statuses.count(401) == PER_USERNAME and set(statuses[PER_USERNAME:]) == {429}
    assert token_status(client, "alice", "alice-password-1", HTTP_X_FORWARDED_FOR="203.0.113.9") == 429


def test_the_superuser_is_limited_like_everyone(root) -> None:
    client = APIClient()
    for i in range(PER_USERNAME):
        assert token_status(client, "root", f"guess{i}") == 401
    assert token_status(client, "root", "root-password-1") == 429


def test_a_user_name_that_failed_too_often_is_refused_from_every_address(alice) -> None:
    for i in range(PER_USERNAME):
        assert token_status(APIClient(REMOTE_ADDR=f"192.0.2.{i}"), "alice", f"guess{i}") == 401
    assert token_status(APIClient(REMOTE_ADDR="192.0.2.200"), "alice", "alice-password-1") == 429


def test_one_address_guessing_many_user_names_is_limited(alice) -> None:
    client = APIClient(REMOTE_ADDR="192.0.2.7")
    statuses = [token_status(client, f"user{i}", "guess") for i in range(PER_CLIENT + 5)]
    assert statuses.count(401) == PER_CLIENT and statuses[-1] == 429
    assert token_status(client, "alice", "alice-password-1") == 429
    # Someone else, elsewhere, is not affected.
    assert token_status(APIClient(REMOTE_ADDR="192.0.2.8"), "alice", "alice-password-1") == 200


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_clients_count_by_the_address_it_forwarded(alice) -> None:
    proxy = APIClient(REMOTE_ADDR="10.0.0.2")
    # What the client itself puts in the header (left of the proxy's entry) is not trusted.
    statuses = [
        token_status(proxy, f"user{i}", "guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.5")
        for i in range(PER_CLIENT + 1)
    ]
    assert statuses.count(401) == PER_CLIENT and statuses[-1] == 429
    assert token_status(proxy, "alice", "alice-password-1", HTTP_X_FORWARDED_FOR="203.0.113.6") == 200


def test_a_throttled_login_says_when_to_try_again(alice) -> None:
    client = APIClient()
    for i in range(PER_USERNAME):
        token_status(client, "alice", f"guess{i}")
    response = client.post("/api/auth/token/", {"username": "alice", "password": "x"}, format="json")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 900
    assert "Too many failed logins" in response.json()["error"]["message"]


def test_a_successful_login_starts_the_user_name_afresh(alice) -> None:
    client = APIClient()
    for i in range(PER_USERNAME - 1):
        assert token_status(client, "alice", f"guess{i}") == 401
    assert token_status(client, "alice", "alice-password-1") == 200
    for i in range(PER_USERNAME - 1):
        assert token_status(client, "alice", f"again{i}") == 401


def test_the_web_login_shares_the_limit_with_the_token_endpoint(alice) -> None:
    client = APIClient()
    for i in range(PER_USERNAME):
        assert token_status(client, "alice", f"guess{i}") == 401
    response = client.post("/api/auth/login/", {"username": "alice", "password": "alice-password-1"}, format="json")
    assert response.status_code == 429
    assert client.get("/api/auth/me/").status_code == 401


def test_the_admin_login_is_behind_the_same_limit(root) -> None:
    client = Client()
    for i in range(60):
        response = client.post("/admin/login/", {"username": "root", "password": f"guess{i}"})
        assert response.status_code == 200  # the form again, with an error
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": "root-password-1"})
    assert response.status_code == 200 and b"Too many failed logins" in response.content
    assert client.get("/admin/").status_code == 302  # still sent to the login page
    # Failures at the admin count for the API too.
    assert token_status(APIClient(), "root", "root-password-1") == 429


def test_the_admin_login_still_works(root) -> None:
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": "root-password-1"})
    assert response.status_code == 302 and client.get("/admin/").status_code == 200


def test_logins_stay_limited_and_say_so_when_redis_is_down(alice, caplog) -> None:
    redis_down = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # a port nothing listens on
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "down-test"}
    client = APIClient()
    started = time.monotonic()
    with override_settings(CACHES={"default": redis_down, "local": local}), caplog.at_level(logging.ERROR):
        statuses = [token_status(client, "alice", f"guess{i}") for i in range(PER_USERNAME + 2)]
        right = token_status(client, "alice", "alice-password-1")
    assert statuses.count(401) == PER_USERNAME and right == 429
    assert "shared cache is unreachable" in caplog.text
    assert time.monotonic() - started < 10  # Redis down does not hang the logins
