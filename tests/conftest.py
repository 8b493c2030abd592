"""Fixtures shared by the whole suite: a fixed cast of users, the default project, and the
real services (a Celery worker on Redis) that marked tests need."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEEDS = ROOT / "seeds"
LABELS = ["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"]


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # The cast logs in often; a fast hasher keeps the suite quick (production keeps PBKDF2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The login limits count in the cache. In this process that is memory, cleared before
    # each test, never the Redis the worker tests use as their broker; tests of the shared
    # counters point a server process or an override at Redis themselves.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"},
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that touches the database `db`, so `make test` can run exactly those
    again on PostgreSQL; skip `postgres` tests on SQLite."""
    from django.conf import settings

    on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or fixtures & {"db", "transactional_db", "live_server"}:
            item.add_marker(pytest.mark.db)
        if item.get_closest_marker("postgres") and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (runs in make test's PostgreSQL pass)"))


@pytest.fixture(autouse=True)
def _celery_eager(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run eagerly in the calling process unless the test asks for a real worker."""
    from annotator.celery import app

    eager = request.node.get_closest_marker("worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_login_limits() -> None:
    """Each test starts with no failed logins counted and the shared cache taken as up."""
    from django.core.cache import caches

    from annotator.services import login_limits

    caches["default"].clear()
    caches["local"].clear()
    login_limits._redis_down_until = 0.0


# --- The cast ------------------------------------------------------------------------------


def _user(username: str):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    return User.objects.create_user(username=username, password=f"{username}-password-1")


@pytest.fixture
def owner(db):  # type: ignore[no-untyped-def]
    """The project's owner; a staff account, so she may create projects (PROJECT_CREATORS)."""
    user = _user("olivia")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def alice(db):  # type: ignore[no-untyped-def]
    return _user("alice")


@pytest.fixture
def bob(db):  # type: ignore[no-untyped-def]
    return _user("bob")


@pytest.fixture
def reviewer(db):  # type: ignore[no-untyped-def]
    return _user("rita")


@pytest.fixture
def outsider(db):  # type: ignore[no-untyped-def]
    return _user("oscar")


@pytest.fixture
def project(db, owner, alice, bob, reviewer):  # type: ignore[no-untyped-def]
    """The default project (three labels, two annotators a document) with the seed articles."""
    from annotator.formats.registry import read_path
    from annotator.models import Role
    from annotator.services.imports import import_documents
    from annotator.services.projects import add_member, create_project

    project = create_project(
        slug="aleppo",
        labels=LABELS,
        guidelines=(SEEDS / "guidelines.md").read_text(encoding="utf-8"),
        annotators_per_document=2,
        retrain_every=5,
        owner=owner,
        # No control documents here: the tests of suggestions expect them on every document;
        # the control share's own tests set one (tests/api/test_control_share_api.py).
        control_share=0.0,
    )
    add_member(project=project, user=alice, role=Role.ANNOTATOR)
    add_member(project=project, user=bob, role=Role.ANNOTATOR)
    add_member(project=project, user=reviewer, role=Role.REVIEWER)
    import_documents(project=project, records=read_path(SEEDS, "txt"))
    return project


# --- Real services ---------------------------------------------------------------------------


def wait_for(condition: Callable[[], bool], timeout: float = 120, what: str = "") -> None:
    """Poll `condition` until it holds; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _database_url_for_subprocess() -> str:
    """The URL of the test database (not the configured one) for a worker or server process."""
    from django.db import connection

    cfg = connection.settings_dict
    if cfg["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{cfg['NAME']}"
    return f"postgres://{cfg['USER']}@{cfg['HOST']}:{cfg['PORT']}/{cfg['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # The browser tests' process needs this; a server or worker must never run with it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(DATABASE_URL=_database_url_for_subprocess(), CELERY_TASK_ALWAYS_EAGER="0", **extra)
    return env


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served_by_gunicorn(*, log_name: str, workers: int = 1, threads: int = 4, **env: str) -> Iterator[str]:
    """The app under gunicorn, as in production, on a free loopback port against the test
    database; yields its base URL once it answers, stops it after."""
    import urllib.error
    import urllib.request

    from annotator.processes import gunicorn_command

    port = free_port()
    log_path = Path(os.environ.get("ANNOTATOR_VAR_DIR", "/tmp")) / log_name
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            gunicorn_command(bind=f"127.0.0.1:{port}", workers=workers, threads=threads),
            cwd=ROOT,
            env=subprocess_env(DEBUG="1", **env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        # A readiness wait, not a timing check: three workers booting on a loaded 2-core
        # machine have taken over 30 s.
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=2).read()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise RuntimeError(f"gunicorn did not start; see {log_path}") from None
                time.sleep(0.2)
        try:
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _worker_process() -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker process on the test Redis, consuming every queue, against the
    test database; stopped when the test ends."""
    from annotator.celery import app
    from annotator.processes import celery_worker_command

    app.control.purge()
    log = open(os.environ.get("ANNOTATOR_VAR_DIR", "/tmp") + "/celery-test.log", "ab")  # noqa: SIM115
    worker = subprocess.Popen(
        celery_worker_command(
            concurrency=2, loglevel="INFO", extra=["--pool", "prefork", "--without-gossip", "--without-mingle"]
        ),
        cwd=ROOT,
        env=subprocess_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError("the Celery worker exited at start; see celery-test.log")
        if app.control.ping(timeout=0.5):
            break
    else:
        worker.kill()
        raise RuntimeError("the Celery worker did not answer a ping within 60 s")
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
    log.close()


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[subprocess.Popen[bytes]]:  # type: ignore[no-untyped-def]
    """A real Celery worker. Tests that use it commit their rows (transactional_db)."""
    yield from _worker_process()


@pytest.fixture
def celery_worker_again(transactional_db) -> Iterator[subprocess.Popen[bytes]]:  # type: ignore[no-untyped-def]
    """A second worker, for tests that kill the first one and go on."""
    yield from _worker_process()


# --- A broker that is down ------------------------------------------------------------------

OWN_BROKER_PORT = 6398  # a Redis of the test's own, which starts stopped


def _reset_celery_connections() -> None:
    """Forget the app's cached pools so the next send uses the current URL. (Not closed:
    kombu keeps pools in a global registry by URL and would hand the closed one back.)"""
    from annotator.celery import app

    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def own_broker(tmp_path):  # type: ignore[no-untyped-def]
    """Point the Celery app at a Redis that is not running; calling the fixture's value
    starts it. The app is restored afterwards."""
    from annotator.celery import app

    def start() -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(OWN_BROKER_PORT),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--save",
                "",
                "--dir",
                str(tmp_path),
            ],
            check=True,
            capture_output=True,
        )
        for _ in range(50):
            if subprocess.run(["redis-cli", "-p", str(OWN_BROKER_PORT), "ping"], capture_output=True).returncode == 0:
                return
            time.sleep(0.1)

    previous = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{OWN_BROKER_PORT}/0"
    _reset_celery_connections()
    yield start
    subprocess.run(["redis-cli", "-p", str(OWN_BROKER_PORT), "shutdown", "nosave"], capture_output=True)
    app.conf.broker_url = previous
    _reset_celery_connections()
