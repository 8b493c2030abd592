"""Side-by-side comparison of one document's annotations, and the majority pre-fill."""

from __future__ import annotations

from annotator.agreement.compare import compare_annotations
from annotator.spans import Span, span_problems


def test_spans_everyone_marked_are_agreed_and_the_rest_sorted_by_kind() -> None:
    comparison = compare_annotations(
        {
            "alice": [Span(0, 5, "LOCATION"), Span(10, 20, "PERPETRATOR"), Span(30, 35, "LOCATION")],
            "bob": [Span(0, 5, "LOCATION"), Span(10, 15, "PERPETRATOR"), Span(30, 35, "PERPETRATOR")],
            "carol": [Span(0, 5, "LOCATION"), Span(12, 20, "PERPETRATOR"), Span(40, 45, "LOCATION")],
        }
    )
    assert comparison.agreed == [Span(0, 5, "LOCATION")]
    kinds = {(d.kind, d.start, d.end) for d in comparison.disagreements}
    assert kinds == {("boundary", 10, 20), ("label", 30, 35), ("only_one", 40, 45)}
    label = next(d for d in comparison.disagreements if d.kind == "label")
    assert label.missing == ["carol"] and not label.boundary_too


def test_majority_vote_takes_spans_more_than_half_marked_with_majority_attributes() -> None:
    count = {"value": 12, "status": "killed"}
    comparison = compare_annotations(
        {
            "alice": [Span(0, 5, "CASUALTY_COUNT", count), Span(8, 9, "LOCATION")],
            "bob": [Span(0, 5, "CASUALTY_COUNT", {"value": 12, "status": "wounded"})],
            "carol": [Span(0, 5, "CASUALTY_COUNT", count), Span(8, 9, "LOCATION")],
        }
    )
    assert comparison.majority == [Span(0, 5, "CASUALTY_COUNT"), Span(8, 9, "LOCATION")]
    assert comparison.majority[0].attrs == count
    assert {d.kind for d in comparison.disagreements} == {"attributes", "not_everyone"}


def test_with_two_annotators_a_tie_is_left_to_the_adjudicator() -> None:
    comparison = compare_annotations({"alice": [Span(0, 5, "LOCATION")], "bob": [Span(0, 3, "LOCATION")]})
    assert comparison.majority == [] and comparison.agreed == []
    assert [d.kind for d in comparison.disagreements] == ["boundary"]


def test_the_majority_prefill_is_always_a_valid_span_list() -> None:
    text = "a b c d e f g h"
    comparison = compare_annotations(
        {
            "alice": [Span(0, 3, "LOCATION"), Span(4, 7, "LOCATION")],
            "bob": [Span(0, 3, "LOCATION"), Span(2, 5, "PERPETRATOR")],
            "carol": [Span(2, 5, "PERPETRATOR"), Span(4, 7, "LOCATION")],
        }
    )
    assert span_problems(text, [s.as_dict() for s in comparison.majority], ["LOCATION", "PERPETRATOR"]) == []
    assert len(comparison.majority) == 3
