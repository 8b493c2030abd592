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
