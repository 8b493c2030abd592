"""Browser tests: the real server (gunicorn on a free loopback port, against the test
database) driven by headless Chromium through Playwright. The test's rows must be committed
(transactional_db) for the server process to see them."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.processes import CHROMIUM, CHROMIUM_ARGS, gunicorn_command
from tests.conftest import ROOT, subprocess_env

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DIST = ROOT / "frontend" / "dist" / "index.html"
SCREENSHOTS = ROOT / "docs" / "img"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def browser_passwords(*users) -> None:  # type: ignore[no-untyped-def]
    """The suite hashes passwords with MD5 for speed, which the server process (default
    hashers) will not accept; give the cast PBKDF2 hashes it does (few iterations: a test)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    for user in users:
        user.password = hasher.encode(f"{user.username}-password-1", hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])


@pytest.fixture
def server(transactional_db) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app served by gunicorn, as in production, with the built web UI."""
    if not DIST.exists():
        pytest.fail("the web UI is not built: run `make frontend` (scripts/frontend.sh) first")
    port = _free_port()
    log_path = Path(os.environ.get("ANNOTATOR_VAR_DIR", "/tmp")) / "e2e-server.log"
    log = open(log_path, "ab")  # noqa: SIM115
    process = subprocess.Popen(
        gunicorn_command(bind=f"127.0.0.1:{port}"),
        cwd=ROOT,
        env=subprocess_env(DEBUG="1"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/login", timeout=1).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"gunicorn did not start; see {log_path}") from None
            time.sleep(0.2)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def log_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}-password-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/projects")
