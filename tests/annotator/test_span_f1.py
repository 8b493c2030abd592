from __future__ import annotations

from annotator.agreement.span_f1 import span_f1
from annotator.spans import Span

A = [Span(0, 5, "LOCATION"), Span(10, 20, "PERPETRATOR")]


def test_identical_annotations_give_one() -> None:
    result = span_f1([A], [A])
    assert result.f1 == 1.0 and result.macro == 1.0 and result.micro.items == 2


def test_exact_needs_the_same_offsets_while_overlap_needs_one_shared_character() -> None:
    shifted = [Span(0, 4, "LOCATION"), Span(12, 20, "PERPETRATOR")]
    assert span_f1([A], [shifted]).f1 == 0.0
    assert span_f1([A], [shifted], match="overlap").f1 == 1.0


def test_overlap_matching_is_one_to_one() -> None:
    two_small = [Span(0, 2, "LOCATION"), Span(3, 5, "LOCATION")]
    result = span_f1([[Span(0, 5, "LOCATION")]], [two_small], match="overlap")
    counts = result.per_label["LOCATION"]
    assert (counts.matched, counts.precision, counts.recall) == (1, 0.5, 1.0)


def test_nothing_on_either_side_is_undefined_not_zero() -> None:
    result = span_f1([[]], [[]])
    assert result.f1 is None and result.macro is None


def test_macro_averages_labels_either_side_used() -> None:
    result = span_f1([A], [[A[0]]])
    assert result.per_label["PERPETRATOR"].f1 == 0.0
    assert result.macro == 0.5
    assert result.f1 == 2 / 3
