"""Security settings a deployment relies on: headers, CSP without inline script, check --deploy."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.test import Client

from tests.conftest import ROOT


@pytest.mark.parametrize("path", ["/api/docs/", "/admin/login/", "/api/schema/"])
def test_pages_forbid_inline_script_and_framing(db, path: str) -> None:
    response = Client().get(path)
    csp = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert script_src.strip() == "'self'"
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_api_docs_load_no_inline_or_foreign_script(db) -> None:
    body = Client().get("/api/docs/").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", body, flags=re.S)
    assert scripts, "the docs page loads its scripts"
    for attributes, inline in scripts:
        assert inline.strip() == "", "no inline script"
        assert re.search(r'src="/(static|api)/', attributes), attributes


def test_check_deploy_is_clean_with_the_production_environment() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by the browser tests
    env.update(
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-production-secret-key-for-the-check-only-0123456789",
        ALLOWED_HOSTS="annotate.example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DEBUG="0", ALLOWED_HOSTS="annotate.example.org")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG=0" in result.stderr


def test_passwords_and_tokens_never_reach_the_logs(db, alice, caplog) -> None:
    import logging

    from annotator.services.tokens import issue_token

    caplog.set_level(logging.DEBUG)
    client = Client()
    client.post(
        "/api/auth/token/", {"username": "alice", "password": "guess-Secret-123"}, content_type="application/json"
    )
    token = issue_token(user=alice)[1]
    client.get("/api/projects/", HTTP_AUTHORIZATION=f"Token {token}")
    client.get("/api/projects/", HTTP_AUTHORIZATION="Token not-a-real-token-xyz")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "guess-Secret-123" not in logged
    assert token not in logged and "not-a-real-token-xyz" not in logged


def test_session_writes_need_a_csrf_token(db, alice) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        "/api/projects/", {"slug": "x", "labels": [{"name": "LOCATION"}]}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
