"""System checks of the running install (Django's check framework), beyond Django's own.

`annotator.W001`: a project too large for SQLite (annotator/services/large_projects.py says
why and where the threshold comes from). It reads the database, so by Django's rule it runs
when a database is named: `manage.py check --database default`, and before every
`manage.py migrate` (which `make run` runs at each start); plain `manage.py check` stays
static.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError

from annotator.services.large_projects import large_projects, sqlite_in_use


@register(Tags.database)
def large_projects_on_sqlite(
    app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not databases or "default" not in databases or not sqlite_in_use():
        return []
    try:
        found = large_projects()
    except DatabaseError:  # not migrated yet (migrate checks first): nothing to count
        return []
    threshold = settings.LARGE_PROJECT_SQLITE_DOCUMENTS
    return [
        Warning(
            f"project {project.slug!r} holds {threshold:,} documents or more on SQLite",
            hint="SQLite takes one writer at a time: an import of this size holds every annotator's save "
            "for tens of seconds, near the 30 s after which saves fail, and migrations take minutes. "
            "Move to PostgreSQL (DATABASE_URL; docs/operations.md, 'Large projects'). "
            f"LARGE_PROJECT_SQLITE_DOCUMENTS={threshold} sets this threshold (0: no check).",
            id="annotator.W001",
        )
        for project in found
    ]
