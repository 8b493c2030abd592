"""A backup restored gives back identical exports, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.exceptions import AnnotatorError
from annotator.formats.registry import read_path
from annotator.models import Document, Project
from annotator.services.backup import backup, restore
from annotator.services.exports import export
from annotator.services.imports import import_documents
from tests.conftest import FIXTURES


def exports(project: Project) -> tuple[str, str]:
    gold = "".join(export(project=project, source="gold", fmt="jsonl"))
    docs = "".join(export(project=project, source="documents", fmt="jsonl"))
    return gold, docs


def test_restore_gives_back_identical_exports(transactional_db, project, tmp_path: Path) -> None:
    import_documents(project=project, records=read_path(FIXTURES / "gold" / "dev.jsonl"), as_gold=True)
    before = exports(project)
    archive = backup(target=tmp_path / "b.tar.gz")

    # Months of work lost: every document and its gold deleted.
    Document.objects.filter(project=project).delete()
    assert exports(project) == ("", "")

    restore(source=archive)
    assert exports(Project.objects.get(slug="aleppo")) == before


def test_restoring_a_missing_file_fails_cleanly(db, tmp_path: Path) -> None:
    with pytest.raises(AnnotatorError, match="no such backup file"):
        restore(source=tmp_path / "nope.tar.gz")
