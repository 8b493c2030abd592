"""The login limits hold across gunicorn workers: the counters are in Redis, not in each
worker's memory (where 70 guesses a minute once got 51 answers from three workers)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import served_by_gunicorn


@pytest.fixture
def three_workers(transactional_db) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """gunicorn with three single-threaded workers on the test database and the test Redis,
    counting under a key prefix of its own."""
    prefix = f"test-{uuid.uuid4().hex}"
    with served_by_gunicorn(log_name="login-limits-server.log", workers=3, threads=1, CACHE_KEY_PREFIX=prefix) as base:
        yield base


def _post_token(base: str, username: str, password: str) -> int:
    body = json.dumps({"username": username, "password": password}).encode()
    request = urllib.request.Request(
        base + "/api/auth/token/", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.worker  # needs the test Redis (REDIS_URL)
def test_three_workers_share_one_count_of_failed_logins(three_workers, alice) -> None:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    # The server process uses the default hashers, not the suite's MD5.
    hasher = PBKDF2PasswordHasher()
    alice.password = hasher.encode("alice-password-1", hasher.salt(), iterations=1000)
    alice.save(update_fields=["password"])

    statuses = [_post_token(three_workers, "alice", f"guess{i}") for i in range(40)]
    assert statuses.count(401) == 10, statuses  # LOGIN_FAILURES_PER_USERNAME, not 10 per worker
    assert set(statuses[10:]) == {429}
    assert _post_token(three_workers, "alice", "alice-password-1") == 429
