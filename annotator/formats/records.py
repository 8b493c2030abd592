from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Record:
    """One document as a file carries it, with one annotator's spans or none.

    `spans` is None where the line carries no annotation at all, and [] for an annotation
    that found nothing. Spans are plain dicts (start, end, label, attrs, maybe score): they
    are checked against a project's label set by the services, not here.
    """

    text: str
    id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[dict[str, Any]] | None = None
    annotator: str | None = None
    line: int = 0
    # The model version that made the spans, where the annotator is "model".
    model_version: str | None = None
    # Comment threads on the document (services.comments.export_threads' shape), or None:
    # written by jsonl (`comments`) and doccano (`Comments`), read back by jsonl, never imported.
    comments: list[dict[str, Any]] | None = None
    # Typed links between the record's spans, by their index in `spans`
    # (``{"from": 0, "to": 2, "type": "BY"}``, maybe with a `score`), or None where the
    # line carries none: files name spans by an `id` of their own, mapped to indices on
    # reading and written as the index.
    relations: list[dict[str, Any]] | None = None
