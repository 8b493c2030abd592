"""The rules any JSON must meet before it is stored (annotator.jsoncheck), without Django."""

from __future__ import annotations

import pytest

from annotator import jsoncheck
from annotator.jsoncheck import MAX_DEPTH, MAX_INT, BadJson


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        (r'{"note": "\ud800"}', "note", "lone surrogate (U+D800"),
        (r'{"spans": [{"attrs": {"note": "ok \udfff"}}]}', "spans[0].attrs.note", "lone surrogate (U+DFFF"),
        (r'{"meta": {"a": "nul \u0000"}}', "meta.a", "NUL"),
        (r'{"meta": {"n\u0000": 1}}', r'meta["n\u0000"]', "a key: NUL"),
        (r'{"meta": {"\ud800": 1}}', r'meta["\ud800"]', "a key: a lone surrogate"),
        ('{"value": ' + "1" + "0" * 400 + "}", "value", "401 digits"),
        ('{"value": -9007199254740992}', "value", "limit"),
        ('{"score": 1e400}', "score", "finite"),
    ],
)
def test_a_value_that_cannot_be_stored_is_named_by_its_path(text: str, path: str, words: str) -> None:
    with pytest.raises(BadJson) as caught:
        jsoncheck.loads(text)
    assert caught.value.path == path
    assert words in caught.value.reason
    assert str(caught.value).startswith(path + ": ")


def test_a_path_is_ascii_so_it_can_be_shown_even_when_the_key_is_the_problem() -> None:
    with pytest.raises(BadJson) as caught:
        jsoncheck.loads(r'{"labels": [{"attributes": {"\ud800x": {}}}]}')
    assert caught.value.path.isascii()
    assert caught.value.field == "labels"


def test_a_pair_of_surrogate_escapes_is_one_character_and_welcome() -> None:
    assert jsoncheck.loads(r'{"emoji": "\ud83d\udca3", "n": 9007199254740991}') == {
        "emoji": "\U0001f4a3",
        "n": MAX_INT,
    }


def test_nesting_deeper_than_the_limit_is_refused_wherever_the_parser_gives_up() -> None:
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert jsoncheck.loads(ok)
    with pytest.raises(BadJson, match="nested too deeply") as caught:
        jsoncheck.loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert caught.value.path == "[0]" * MAX_DEPTH
    # Far past Python's recursion limit: a clear error with the line and column, not a crash.
    with pytest.raises(BadJson, match="nested too deeply") as caught:
        jsoncheck.parse('{"a": 1,\n "b": ' + "[" * 50_000)
    assert (caught.value.line, caught.value.column) == (2, 6 + MAX_DEPTH)  # the object is level 1


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(constant: str) -> None:
    with pytest.raises(BadJson, match="not a JSON value"):
        jsoncheck.loads(f'{{"a": {constant}}}')


def test_broken_json_names_the_line_and_column() -> None:
    with pytest.raises(BadJson, match="broken JSON") as caught:
        jsoncheck.parse('{"a": 1,\n  "b": }')
    assert (caught.value.line, caught.value.column) == (2, 8)


def test_plain_text_with_nothing_wrong_has_no_problem() -> None:
    assert jsoncheck.text_problem("Aleppo \u062d\u0644\u0628 \U0001f4a3") is None
    assert "NUL" in (jsoncheck.text_problem("a\x00b") or "")
