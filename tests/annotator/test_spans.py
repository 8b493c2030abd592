"""Every span rule, with no database. Cases are shared in spirit with frontend/src/domain."""

from __future__ import annotations

import pytest

from annotator.exceptions import InvalidSpans
from annotator.spans import Span, boundary_inside_word, check_spans, span_problems

TEXT = "Syrian warplanes killed more than 300 people in east Aleppo, monitors said."
LABELS = {
    "CASUALTY_COUNT": {
        "value": {"type": "integer", "min": 0},
        "status": {"type": "choice", "choices": ["killed", "wounded", "missing"]},
    },
    "PERPETRATOR": {},
    "LOCATION": {},
}


def span(start: int, end: int, label: str = "LOCATION", **attrs: object) -> dict[str, object]:
    return {"start": start, "end": end, "label": label, "attrs": attrs}


def reasons(*spans: dict[str, object], text: str = TEXT) -> list[str]:
    return [problem.reason for problem in span_problems(text, spans, LABELS)]


def test_a_valid_span_list_has_no_problems() -> None:
    assert reasons(span(0, 16, "PERPETRATOR"), span(24, 44, "CASUALTY_COUNT", value=300), span(48, 59)) == []


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        (span(-1, 6, "PERPETRATOR"), "offsets outside the text"),
        (span(60, 999), "offsets outside the text"),
        (span(10, 10), "start must be before end"),
        (span(12, 8), "start must be before end"),
        (span(50, 59), "start 50 is inside the word 'east'"),
        (span(48, 57), "end 57 is inside the word 'Aleppo'"),
        (span(48, 59, "WEAPON"), "unknown label 'WEAPON'"),
        ({"start": "0", "end": 6, "label": "LOCATION"}, "start and end must be whole numbers"),
        ({"start": True, "end": 6, "label": "LOCATION"}, "start and end must be whole numbers"),
        (span(24, 44, "CASUALTY_COUNT", status="exploded"), "attribute 'status' must be one of"),
        (span(24, 44, "CASUALTY_COUNT", value="300"), "attribute 'value' must be a whole number"),
        (span(24, 44, "CASUALTY_COUNT", value=-3), "attribute 'value' must be at least 0"),
        (span(24, 44, "CASUALTY_COUNT", weapon="barrel bomb"), "has no attribute 'weapon'"),
        ({"start": 0, "end": 6, "label": "PERPETRATOR", "attrs": [1]}, "attrs must be an object"),
    ],
)
def test_each_rule_names_the_span_and_the_reason(given: dict[str, object], reason: str) -> None:
    found = reasons(span(0, 16, "PERPETRATOR"), given)
    assert len(found) == 1
    assert reason in found[0]


def test_same_label_spans_never_overlap_but_different_labels_may() -> None:
    assert reasons(span(48, 59), span(53, 59)) == ["overlaps span 0 of the same label LOCATION"]
    assert reasons(span(48, 59), span(48, 59)) == ["overlaps span 0 of the same label LOCATION"]
    assert reasons(span(48, 59, "LOCATION"), span(53, 59, "PERPETRATOR")) == []
    # Touching is not overlapping.
    assert reasons(span(24, 28, "CASUALTY_COUNT"), span(29, 44, "CASUALTY_COUNT")) == []


def test_overlap_is_found_against_any_earlier_span_not_only_the_previous_one() -> None:
    long, short, inside = span(0, 44, "PERPETRATOR"), span(0, 6, "PERPETRATOR"), span(24, 30, "PERPETRATOR")
    assert len(reasons(long, short, inside)) == 2


def test_a_span_may_begin_or_end_at_a_space_or_be_one_punctuation_mark() -> None:
    assert reasons(span(47, 59), span(48, 60, "PERPETRATOR"), span(59, 60, "CASUALTY_COUNT")) == []


def test_combining_marks_belong_to_their_word() -> None:
    text = "Cafe\u0301 bombed"
    assert boundary_inside_word(text, 4)
    assert reasons(span(0, 4), text=text) == ["end 4 is inside the word 'Cafe\u0301'"]
    assert reasons(span(0, 5), text=text) == []


def test_attributes_may_be_blank_and_labels_without_a_schema_take_any() -> None:
    assert reasons(span(24, 44, "CASUALTY_COUNT", value=None, status=None), span(0, 16, "PERPETRATOR", note="x")) == []


def test_check_spans_returns_sorted_spans_or_raises_naming_the_line() -> None:
    spans = check_spans(TEXT, [span(48, 59), span(0, 16, "PERPETRATOR")], LABELS)
    assert spans == [Span(0, 16, "PERPETRATOR"), Span(48, 59, "LOCATION")]
    with pytest.raises(InvalidSpans) as error:
        check_spans(TEXT, [span(48, 59), span(12, 8)], LABELS, line=7)
    assert str(error.value) == "line 7: span 1 [12, 8) LOCATION: start must be before end"
    assert error.value.problems[0].index == 1


def test_a_plain_label_collection_skips_attribute_checks() -> None:
    assert span_problems(TEXT, [span(24, 44, "CASUALTY_COUNT", anything=1)], ["CASUALTY_COUNT"]) == []


def test_offsets_count_code_points_past_an_emoji_a_flag_and_a_family() -> None:
    text = "Les secours à Alep \U0001f691 ont compté 20 Menschen في حلب \U0001f1f8\U0001f1fe ont fui."
    assert text[32:43] == "20 Menschen"
    assert reasons(span(32, 43, "CASUALTY_COUNT"), span(47, 50), span(51, 53), text=text) == []
    assert reasons(span(32, 38, "CASUALTY_COUNT"), text=text) == ["end 38 is inside the word 'Menschen'"]


def test_no_boundary_inside_a_flag_or_an_emoji_family() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    text = f"à \U0001f1f8\U0001f1fe {family} !"
    assert reasons(span(2, 3), text=text) == ["end 3 is inside the character '\U0001f1f8\U0001f1fe'"]
    assert reasons(span(7, 10, "PERPETRATOR"), text=text) == [f"start 7 is inside the character '{family}'"]
    assert reasons(span(2, 4), span(5, 10, "PERPETRATOR"), text=text) == []
