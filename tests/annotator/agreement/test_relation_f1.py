"""Relation F1 against hand computation on small cases: pairwise, per type, against gold,
exact and overlap matching of the end spans."""

from __future__ import annotations

import pytest

from annotator.agreement.bootstrap import Bootstrap
from annotator.agreement.relation_f1 import (
    document_relation_counts,
    relation_f1_against_gold,
    relation_f1_figure,
)
from annotator.agreement.relation_links import LinkedRelation
from annotator.spans import Span

COUNT = Span(0, 2, "CASUALTY_COUNT")
WIDER_COUNT = Span(0, 3, "CASUALTY_COUNT")
ACTOR = Span(10, 15, "PERPETRATOR")
PLACE = Span(20, 25, "LOCATION")
OTHER_PLACE = Span(30, 35, "LOCATION")


def by(source: Span, target: Span) -> LinkedRelation:
    return LinkedRelation(source, target, "BY")


def at(source: Span, target: Span) -> LinkedRelation:
    return LinkedRelation(source, target, "AT")


ALICE_1 = [by(COUNT, ACTOR), at(COUNT, PLACE)]
BOB_1 = [by(COUNT, ACTOR), at(COUNT, OTHER_PLACE)]  # the same actor, another place
DOCUMENTS = [{"alice": ALICE_1, "bob": BOB_1}, {"alice": [], "bob": [at(COUNT, PLACE)]}]


def test_exact_match_needs_both_ends_and_the_type() -> None:
    counts = document_relation_counts(ALICE_1, BOB_1, match="exact")
    assert (counts["BY"].matched, counts["BY"].reference, counts["BY"].predicted) == (1, 1, 1)
    assert (counts["AT"].matched, counts["AT"].reference, counts["AT"].predicted) == (0, 1, 1)
    assert document_relation_counts([by(COUNT, ACTOR)], [at(COUNT, ACTOR)], match="exact")["BY"].matched == 0


def test_overlap_match_accepts_a_wider_end_but_not_another_target() -> None:
    wider = [by(WIDER_COUNT, ACTOR), at(WIDER_COUNT, OTHER_PLACE)]
    exact = document_relation_counts(ALICE_1, wider, match="exact")
    overlap = document_relation_counts(ALICE_1, wider, match="overlap")
    assert exact["BY"].matched == 0 and overlap["BY"].matched == 1
    assert overlap["AT"].matched == 0


def test_one_relation_matches_one_other_only() -> None:
    twice = [by(COUNT, ACTOR), by(WIDER_COUNT, ACTOR)]
    assert document_relation_counts([by(COUNT, ACTOR)], twice, match="overlap")["BY"].matched == 1


def test_pairwise_figure_pools_the_documents_both_submitted() -> None:
    figure = relation_f1_figure(
        DOCUMENTS, annotators=["alice", "bob"], types=["BY", "AT"], bootstrap=Bootstrap.draw(2, resamples=200, seed=1)
    )
    # matched 1; alice 2 relations, bob 3 -> 2 * 1 / 5; BY 2*1/2 = 1; AT 0 of 1 + 2 -> 0.
    assert figure["value"] == pytest.approx(0.4)
    assert figure["per_label"]["BY"]["value"] == 1.0 and figure["per_label"]["AT"]["value"] == 0.0
    assert figure["macro"] == pytest.approx(0.5)
    assert figure["items"] == 4 and figure["documents"] == 2
    assert figure["per_pair"]["alice|bob"] == {"value": pytest.approx(0.4), "macro": 0.5, "items": 4, "documents": 2}
    low, high = figure["ci95"]  # type: ignore[misc]
    assert 0.0 <= low <= 0.4 <= high <= 1.0


def test_against_gold_only_documents_with_gold_count() -> None:
    figure = relation_f1_against_gold(
        DOCUMENTS,
        [ALICE_1, None],
        annotators=["alice", "bob"],
        types=["BY", "AT"],
        bootstrap=Bootstrap.draw(2, resamples=50, seed=1),
    )
    assert figure["per_pair"]["alice"]["value"] == 1.0
    assert figure["per_pair"]["bob"]["value"] == 0.5
    assert figure["value"] == pytest.approx(0.75) and figure["documents"] == 1
    assert figure["ci95"] is None  # one document is too few for an interval


def test_nothing_to_compare_is_undefined_not_zero() -> None:
    figure = relation_f1_figure(
        [{"alice": [], "bob": []}],
        annotators=["alice", "bob"],
        types=["BY"],
        bootstrap=Bootstrap.draw(1, resamples=10, seed=1),
    )
    assert figure["value"] is None and figure["per_label"]["BY"]["value"] is None
