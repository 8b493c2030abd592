"""Domain errors, raised by the pure core and the services.

Plain Python (no Django): `api/exceptions.py` maps each to an HTTP status and the one JSON
error shape; management commands print `str(error)` on one line and exit non-zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class AnnotatorError(Exception):
    """Base of every error the app reports to a person."""

    code = "invalid"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class SpanProblem:
    """One bad span: its position in the submitted list, the span as given and why."""

    index: int
    span: dict[str, Any]
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "span": self.span, "reason": self.reason}


class InvalidSpans(AnnotatorError):
    """Spans that break a rule of `annotator.spans`; `problems` names each one."""

    code = "invalid_spans"

    def __init__(self, problems: list[SpanProblem], *, line: int = 0) -> None:
        self.problems = problems
        self.line = line
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        where = f"line {line}: " if line else ""
        message = f"{where}span {first.index} {_describe(first.span)}: {first.reason}{more}"
        super().__init__(message, **({"line": line} if line else {}))


def _describe(span: dict[str, Any]) -> str:
    return f"[{span.get('start')}, {span.get('end')}) {span.get('label')!s}"


class FormatError(AnnotatorError):
    """A file that cannot be read; `line` is 1-based (0 where the file as a whole is bad)."""

    code = "bad_file"

    def __init__(self, message: str, *, line: int = 0) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)
        self.reason = message


class StaleVersion(AnnotatorError):
    """A save that was based on an older version than the one stored."""

    code = "stale_version"

    def __init__(self, *, expected: int, current: int) -> None:
        self.expected = expected
        self.current = current
        super().__init__(
            f"version {expected} is stale: the annotation is at version {current}; "
            "reload it and apply your change again"
        )


class NotFound(AnnotatorError):
    code = "not_found"


class Conflict(AnnotatorError):
    code = "conflict"


class Gone(AnnotatorError):
    """Something that existed and can no longer be used: a used or expired join link."""

    code = "gone"
