"""The API's JSON parser: DRF's, with `annotator.jsoncheck`'s rules applied to every body.

Set as the default parser (settings.REST_FRAMEWORK), so no view can forget it: a lone
surrogate, a NUL, JSON nested too deeply, an unbounded whole number or an infinite one is
a 400 naming the place (`path`, e.g. ``spans[0].attrs.note``) before any view sees it.
"""

from __future__ import annotations

from typing import IO, Any

from rest_framework.exceptions import ParseError

# get_encoding (DRF's charset check) is missing from djangorestframework-stubs.
from rest_framework.parsers import JSONParser, get_encoding  # type: ignore[attr-defined]

from annotator import jsoncheck


class BadJsonInput(ParseError):
    """400 for a JSON body that breaks a rule of `annotator.jsoncheck`; `path` says where
    in the body, `field` under which top-level key."""

    default_code = "bad_json"

    def __init__(self, problem: jsoncheck.BadJson) -> None:
        self.path = problem.path
        self.field = problem.field
        self.line = problem.line
        where = f" (line {problem.line}, column {problem.column})" if problem.line else ""
        super().__init__(f"{problem}{where}")


class CheckedJSONParser(JSONParser):
    def parse(self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = get_encoding(parser_context or {})
        raw = stream.read()
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(f"the body is not {encoding} (byte {error.start})") from None
        try:
            return jsoncheck.loads(text)
        except jsoncheck.BadJson as problem:
            raise BadJsonInput(problem) from None
