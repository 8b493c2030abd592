"""Documents with and without suggestions compared: the figures against a hand computation."""

from __future__ import annotations

import pytest

from annotator.agreement.conditions import DocumentFigures, compare_conditions

# Two documents with suggestions, two control documents.
HELPED = [
    # 2 annotators: 3 spans each, 2 match -> pair F1 2*2/6; gold: 4 matched of 3+3 and 3+3.
    DocumentFigures(
        control=False,
        pairs=1,
        pair_matched=2,
        pair_spans=6,
        gold_compared=2,
        gold_matched=4,
        gold_spans=12,
        annotations=2,
        seconds=50.0,
        accepted=3,
        shown=4,
    ),
    # 2 annotators: 1 span each, matching -> 2*1/2; no gold.
    DocumentFigures(
        control=False, pairs=1, pair_matched=1, pair_spans=2, annotations=2, seconds=30.0, accepted=1, shown=4
    ),
]
CONTROL = [
    DocumentFigures(control=True, pairs=1, pair_matched=1, pair_spans=4, annotations=2, seconds=100.0),
    DocumentFigures(control=True, annotations=1, seconds=60.0),  # one annotator: no pair
]


def test_each_figure_is_the_pooled_ratio_over_the_documents_it_stands_on() -> None:
    report = compare_conditions(HELPED + CONTROL, resamples=200, seed=1)
    assert report["documents"] == {"with_suggestions": 2, "without_suggestions": 2}
    helped, plain = report["agreement"]["with_suggestions"], report["agreement"]["without_suggestions"]
    assert helped["value"] == pytest.approx((2 * 2 + 2 * 1) / (6 + 2)) and helped["documents"] == 2
    assert plain["value"] == pytest.approx(2 * 1 / 4) and plain["documents"] == 1
    assert report["agreement"]["difference"]["value"] == pytest.approx(0.75 - 0.5)
    assert report["gold"]["with_suggestions"]["value"] == pytest.approx(8 / 12)
    assert report["gold"]["with_suggestions"]["documents"] == 1
    assert report["seconds"]["with_suggestions"]["value"] == pytest.approx(80 / 4)
    assert report["seconds"]["without_suggestions"]["value"] == pytest.approx(160 / 3)
    assert report["accept_rate"]["with_suggestions"]["value"] == pytest.approx(4 / 8)


def test_a_figure_with_nothing_to_stand_on_is_null_never_zero() -> None:
    report = compare_conditions(HELPED + CONTROL, resamples=200, seed=1)
    assert report["gold"]["without_suggestions"] == {"value": None, "ci95": None, "documents": 0}
    assert report["accept_rate"]["without_suggestions"] == {"value": None, "ci95": None, "documents": 0}
    assert report["gold"]["difference"] == {"value": None, "ci95": None}
    # One document gives a value but no interval.
    assert report["agreement"]["without_suggestions"]["ci95"] is None
    assert report["agreement"]["difference"]["ci95"] is None


def test_the_interval_lies_between_the_documents_own_ratios_and_repeats_with_the_seed() -> None:
    report = compare_conditions(HELPED + CONTROL, resamples=500, seed=3)
    low, high = report["seconds"]["with_suggestions"]["ci95"]
    assert 15.0 <= low <= high <= 25.0  # the two documents' own figures: 30/2 and 50/2
    low, high = report["accept_rate"]["with_suggestions"]["ci95"]
    assert 0.25 <= low <= high <= 0.75
    assert compare_conditions(HELPED + CONTROL, resamples=500, seed=3) == report


def test_no_documents_give_an_empty_comparison() -> None:
    report = compare_conditions([])
    assert report["documents"] == {"with_suggestions": 0, "without_suggestions": 0}
    assert report["seconds"]["with_suggestions"]["value"] is None
