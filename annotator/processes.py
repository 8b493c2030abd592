"""The command lines that start the app's processes, for the tests and benchmarks that run a
real web server, Celery worker or browser (scripts/run.sh says the same for `make run`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

# Every queue the tasks are routed to (settings.CELERY_TASK_ROUTES) plus the default one.
ALL_QUEUES = "default,training,prediction"
# Debian's Chromium (Playwright's own download does not work here), headless, quiet.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# gunicorn answers a request line over 4 KB itself, with an HTML 414; 8 KB (nginx's default
# buffer) lets the API's own checks answer a long query with its JSON 400.
REQUEST_LINE_LIMIT = ["--limit-request-line", "8190"]


def gunicorn_command(*, bind: str, workers: int = 1, threads: int = 4, extra: Sequence[str] = ()) -> list[str]:
    """The web app under gunicorn, as in production (threads > 1: gthread workers)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "annotator.wsgi",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        # Its default control socket is one path per user: test servers side by side would share it.
        "--no-control-socket",
        *REQUEST_LINE_LIMIT,
        *extra,
    ]


def celery_worker_command(*, concurrency: int, loglevel: str = "WARNING", extra: Sequence[str] = ()) -> list[str]:
    """A Celery worker consuming every queue."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "annotator.celery",
        "worker",
        "-Q",
        ALL_QUEUES,
        "--concurrency",
        str(concurrency),
        "--loglevel",
        loglevel,
        *extra,
    ]
