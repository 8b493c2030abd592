"""Celery tasks: thin wrappers that load a Job by id, call one service, record the outcome."""

from __future__ import annotations
