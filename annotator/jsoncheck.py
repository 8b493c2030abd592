"""The rules any JSON (and any text) must meet before it is stored.

One place for them, used by the API's JSON parser (`api.parsers`) and by the importers
(`annotator.formats.registry`), so text is refused where it enters, with the field or line
named, instead of being stored and breaking every later read, export and job:

- no lone surrogate (U+D800..U+DFFF not in a pair): JSON's ``"\\ud800"`` escape makes one,
  and it cannot be written as UTF-8, so every response or file holding it fails;
- no NUL (U+0000), in values or keys: PostgreSQL stores neither in text nor in jsonb;
- at most MAX_DEPTH levels of arrays and objects (deeper JSON once took the parser past
  Python's recursion limit);
- whole numbers within ±(2**53 − 1) and no infinite numbers (``1e400``): what every JSON
  reader (a browser's included) keeps exact.

These are I-JSON's rules (RFC 7493) on characters and numbers, plus NUL and a depth.
Plain Python: no Django.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 64
MAX_INT = 2**53 - 1

_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class BadJson(ValueError):
    """JSON that breaks a rule: `reason`, where (`path` in the value, e.g. ``spans[0].attrs``,
    and/or `line` and `column` in the text, 1-based; empty or 0 when unknown)."""

    def __init__(self, reason: str, *, path: str = "", line: int = 0, column: int = 0) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        self.column = column
        where = f"{path}: " if path else ""
        super().__init__(where + reason)

    @property
    def field(self) -> str:
        """The top-level key the problem is under (the path's first step)."""
        match = re.match(r'^([A-Za-z_][A-Za-z0-9_]*|\["(?:[^"\\]|\\.)*"\]|\[\d+\])', self.path)
        return match.group(1) if match else ""


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored (a lone surrogate, a NUL), or None."""
    if "\x00" not in text:
        if text.isascii():
            return None
        # A lone surrogate is the one character UTF-8 cannot encode: the encoder (C) finds
        # whether there is one several times faster than the pattern below, which is kept to
        # say where (a large import checks every text: #17).
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            pass
        else:
            return None
    bad = _BAD_CHAR.search(text)
    if bad is None:
        return None
    char = bad.group()
    if char == "\x00":
        return "NUL characters (U+0000) are not allowed"
    return (
        f"a lone surrogate (U+{ord(char):04X}, at character {bad.start()}) is not a character; "
        "send text as UTF-8 (a \\ud83d\\ude00-style escape only as a pair)"
    )


def step(path: str, key: str | int) -> str:
    """`path` one step further: ``.name`` for a plain key, ``["..."]`` (ASCII-escaped, so a
    bad key can be shown safely) for any other, ``[i]`` for an index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _PLAIN_KEY.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


def check_value(value: Any, *, path: str = "", max_depth: int = MAX_DEPTH) -> None:
    """Raise `BadJson` naming the first place in `value` (parsed JSON: dicts, lists, str,
    int, float, bool, None) that breaks a rule. Iterative, so any depth is safe to check."""
    stack: list[tuple[Any, str, int]] = [(value, path, 0)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                raise BadJson(problem, path=where)
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if not -MAX_INT <= item <= MAX_INT:
                raise BadJson(
                    f"the whole number has {len(str(abs(item)))} digits; the limit is ±{MAX_INT} (2**53 − 1), "
                    "what every JSON reader keeps exact (send a larger one as a string)",
                    path=where,
                )
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise BadJson("the number is too large to be a finite number", path=where)
        elif isinstance(item, (dict, list)):
            if depth >= max_depth:
                raise BadJson(f"JSON nested too deeply (more than {max_depth} levels)", path=where)
            if isinstance(item, dict):
                for key in reversed(list(item)):
                    problem = text_problem(key) if isinstance(key, str) else "keys must be strings"
                    if problem:
                        raise BadJson(f"a key: {problem}", path=step(where, str(key)))
                    stack.append((item[key], step(where, key), depth + 1))
            else:
                stack.extend((item[i], step(where, i), depth + 1) for i in reversed(range(len(item))))
        else:
            raise BadJson(f"{type(item).__name__} is not a JSON value", path=where)


def parse(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """`text` parsed as JSON, or `BadJson` with the line and column where it is broken or
    nested more than `max_depth` deep (NaN and Infinity are not JSON either). The values
    are not checked: see `loads`, or `check_value` on the parts that are kept."""
    try:
        if text.startswith("\ufeff"):  # as json.loads says it
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise BadJson(f"broken JSON: {error.msg}", line=error.lineno, column=error.colno) from None
    except RecursionError:
        line, column = _too_deep_at(text, max_depth)
        raise BadJson(f"JSON nested too deeply (more than {max_depth} levels)", line=line, column=column) from None


def loads(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """`parse`, then `check_value` on the whole value (`BadJson` naming its path)."""
    value = parse(text, max_depth=max_depth)
    check_value(value, max_depth=max_depth)
    return value


def _no_constant(name: str) -> Any:
    raise BadJson(f"broken JSON: {name} is not a JSON value")


# One decoder for every call: json.loads builds a new one each time it is given an option,
# a tenth of the parsing time of a large import's short lines.
_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def _too_deep_at(text: str, max_depth: int) -> tuple[int, int]:
    """Line and column of the bracket that goes deeper than `max_depth` (only called once
    the parser gave up, so the slow character loop never runs on good input)."""
    depth, in_string, escaped = 0, False, False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)
        elif char in "]}":
            depth -= 1
    return 0, 0
