"""Helpers the benchmarks share: a fresh database in a temporary folder, and timing."""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "fakes.jsonl"


def fresh_django(database_url: str | None = None) -> Path:
    """Set up Django on a brand-new database (SQLite in a temporary folder unless
    `database_url` is given) and return the folder."""
    folder = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    os.environ["ANNOTATOR_VAR_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return folder


def best_of(repeats: int, work: Callable[[], Any], reset: Callable[[], Any] | None = None) -> float:
    """The fastest of `repeats` runs, in seconds (reset runs untimed before each)."""
    times = []
    for _ in range(repeats):
        if reset:
            reset()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}"


def bench_projects() -> tuple[Any, Any, dict[str, Any]]:
    """The search and browser benches' cast: project `bench` (the three labels, two
    annotators a document) with olivia (owner), alice and bob (annotators) and rita
    (reviewer), and a project `other` whose documents no query of `bench` may return."""
    from django.contrib.auth.models import User

    from annotator.models import Role
    from annotator.services.projects import add_member, create_project

    project = create_project(
        slug="bench", labels=["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"], annotators_per_document=2
    )
    other = create_project(slug="other", labels=["LOCATION"], annotators_per_document=1)
    users = {}
    for name, role in (
        ("olivia", Role.OWNER),
        ("alice", Role.ANNOTATOR),
        ("bob", Role.ANNOTATOR),
        ("rita", Role.REVIEWER),
    ):
        users[name] = User.objects.create_user(username=name, password=None)
        add_member(project=project, user=users[name], role=role)
    return project, other, users
