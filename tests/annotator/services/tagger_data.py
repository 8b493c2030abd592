"""Small labelled data for the tagger's service tests: dev gold articles and the seeds' gold."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.formats import Record
from annotator.formats.jsonl import read_jsonl
from annotator.services.imports import import_documents

GOLD = Path(__file__).resolve().parents[3] / "fixtures" / "gold"


def gold_records(count: int, *, skip: int = 0) -> list[Record]:
    """The first `count` development gold articles (after `skip`), spans and all."""
    lines = (GOLD / "dev.jsonl").read_text(encoding="utf-8").splitlines()[skip : skip + count]
    return list(read_jsonl(lines))


def seed_gold() -> list[Record]:
    return list(read_jsonl((GOLD / "seeds.jsonl").read_text(encoding="utf-8").splitlines()))


def add_gold(project, count: int, *, skip: int = 0) -> None:  # type: ignore[no-untyped-def]
    import_documents(project=project, records=gold_records(count, skip=skip), as_gold=True)


def add_submissions(project, username: str, count: int, *, skip: int = 0) -> None:  # type: ignore[no-untyped-def]
    import_documents(project=project, records=gold_records(count, skip=skip), as_annotator=username)


def texts(count: int, *, skip: int = 0) -> list[str]:
    lines = (GOLD / "dev.jsonl").read_text(encoding="utf-8").splitlines()[skip : skip + count]
    return [json.loads(line)["text"] for line in lines]
