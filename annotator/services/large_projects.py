"""Projects too large for SQLite (#17): what `manage.py check` warns about.

SQLite takes one writer at a time, and an import is one transaction: while it runs, every
save of every annotator waits for it, up to the connection's 30 s busy timeout, and past
that fails. The app imports about 10,000 documents a second on a quiet core and 4,000–5,000
on a busy one (docs/benchmarks.md, "Project size"), so an import the size of a project of
100,000 documents holds the lock for 10–25 s: near the timeout. Migrations that rebuild the
documents table or its search index take minutes past that size too (docs/operations.md,
"Large projects"). Hence the default threshold, `LARGE_PROJECT_SQLITE_DOCUMENTS` = 100,000
live documents in one project; PostgreSQL has neither limit.

Counting is capped: each project's live documents are counted up to the threshold through
the `(project, created_at, id)` index of live documents, never a full count of a million rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connections

from annotator.models import Document, Project


@dataclass(frozen=True)
class LargeProject:
    slug: str
    documents_at_least: int


def sqlite_in_use(alias: str = "default") -> bool:
    return connections[alias].vendor == "sqlite"


def large_projects(*, threshold: int | None = None) -> list[LargeProject]:
    """The live projects holding at least `threshold` live documents (default the
    LARGE_PROJECT_SQLITE_DOCUMENTS setting; 0 turns the check off), each counted no further."""
    limit = settings.LARGE_PROJECT_SQLITE_DOCUMENTS if threshold is None else threshold
    if limit <= 0:
        return []
    found = []
    for project_id, slug in Project.objects.live().order_by("pk").values_list("pk", "slug"):
        counted = Document.objects.live().filter(project_id=project_id).values("pk")[:limit].count()
        if counted >= limit:
            found.append(LargeProject(slug=slug, documents_at_least=counted))
    return found


NOTICE_LARGE_ON_SQLITE = "large_project_on_sqlite"


def owner_notices(*, documents: int) -> list[dict[str, str]]:
    """What the project's page tells its owners about the install: with `documents` (the
    live documents the project's progress already counted) at the threshold on SQLite, the
    warning of `manage.py check` (annotator.W001). No query of its own."""
    threshold = settings.LARGE_PROJECT_SQLITE_DOCUMENTS
    if threshold <= 0 or documents < threshold or not sqlite_in_use():
        return []
    message = (
        f"This project holds {documents:,} document{'' if documents == 1 else 's'} on SQLite, "
        "which takes one writer at a time: "
        "a large import holds every annotator's save until it ends, and saves fail after 30 s. "
        "Ask your administrator to move the install to PostgreSQL (docs/operations.md, 'Large projects')."
    )
    return [{"code": NOTICE_LARGE_ON_SQLITE, "message": message}]
