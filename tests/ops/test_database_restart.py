"""PostgreSQL restarted under a running app: requests fail with 503 and a message, then recover."""

from __future__ import annotations

import os
import subprocess

import pytest
from django.test import Client

PG_BIN = "/usr/lib/postgresql/15/bin/pg_ctl"


def _pg_ctl(*args: str) -> None:
    data = os.environ["TEST_PG_DATA"]
    command = [PG_BIN, "-D", data, "-w", *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True)


@pytest.mark.postgres
def test_requests_get_503_while_postgres_is_down_and_recover_after(transactional_db, project, owner) -> None:
    if "TEST_PG_DATA" not in os.environ:
        pytest.skip("needs the PostgreSQL cluster that make test starts (TEST_PG_DATA)")
    client = Client()
    client.force_login(owner)
    assert client.get("/api/projects/").status_code == 200

    _pg_ctl("stop", "-m", "fast")
    try:
        response = client.get("/api/projects/")
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "database_unavailable"
        assert "try again" in response.json()["error"]["message"]
        assert response["Retry-After"] == "5"
    finally:
        _pg_ctl("start", "-l", os.path.join(os.environ["TEST_PG_DATA"], "log"))

    assert client.get("/api/projects/").status_code == 200
