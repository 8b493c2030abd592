"""Celery tasks: thin wrappers that take a Job id, call one service through
`services.jobs.run_job` (which records status, progress and errors on the Job) and return
nothing a single machine alone could read. Several issues add tasks here: add yours as its
own functions, never rewrite the file."""

from __future__ import annotations
