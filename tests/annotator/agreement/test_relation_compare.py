"""Relation disagreements of one document, grouped by count and type, on small hand cases."""

from __future__ import annotations

from annotator.agreement.relation_compare import compare_relations
from annotator.agreement.relation_links import LinkedRelation
from annotator.spans import Span

COUNT = Span(0, 2, "CASUALTY_COUNT")
OTHER_COUNT = Span(40, 42, "CASUALTY_COUNT")
REGIME = Span(10, 15, "PERPETRATOR")
COALITION = Span(16, 25, "PERPETRATOR")
MANBIJ = Span(30, 36, "LOCATION")


def by(source: Span, target: Span) -> LinkedRelation:
    return LinkedRelation(source, target, "BY")


def at(source: Span, target: Span) -> LinkedRelation:
    return LinkedRelation(source, target, "AT")


def test_links_everyone_made_are_agreed_and_nothing_else_is_listed() -> None:
    same = [by(COUNT, REGIME), at(COUNT, MANBIJ)]
    comparison = compare_relations({"alice": same, "bob": list(reversed(same))})
    assert {r.key for r in comparison.agreed} == {r.key for r in same}
    assert comparison.disagreements == []


def test_another_target_for_the_same_count_and_type_is_one_group() -> None:
    comparison = compare_relations(
        {"alice": [by(COUNT, REGIME), at(COUNT, MANBIJ)], "bob": [by(COUNT, COALITION), at(COUNT, MANBIJ)]}
    )
    assert [r.type for r in comparison.agreed] == ["AT"]
    (group,) = comparison.disagreements
    assert (group.kind, group.type, group.source) == ("other_target", "BY", COUNT)
    assert group.targets == [(REGIME, ["alice"]), (COALITION, ["bob"])] and group.missing == []


def test_with_two_annotators_a_link_only_one_made_is_extra() -> None:
    comparison = compare_relations({"alice": [by(COUNT, REGIME)], "bob": []})
    (group,) = comparison.disagreements
    assert (group.kind, group.targets, group.missing) == ("extra", [(REGIME, ["alice"])], ["bob"])


def test_a_link_most_annotators_made_is_missing_in_the_others() -> None:
    comparison = compare_relations(
        {"alice": [at(COUNT, MANBIJ)], "bob": [at(COUNT, MANBIJ)], "carol": [at(OTHER_COUNT, MANBIJ)]}
    )
    kinds = [(d.kind, d.source, d.missing) for d in comparison.disagreements]
    assert kinds == [("missing", COUNT, ["carol"]), ("extra", OTHER_COUNT, ["alice", "bob"])]


def test_one_more_target_than_the_others_is_another_target_and_the_shared_one_says_who() -> None:
    comparison = compare_relations({"alice": [by(COUNT, REGIME), by(COUNT, COALITION)], "bob": [by(COUNT, REGIME)]})
    (group,) = comparison.disagreements
    assert group.kind == "other_target"
    assert group.as_dict()["relations"] == [
        {"target": {"start": 10, "end": 15, "label": "PERPETRATOR"}, "annotators": ["alice", "bob"]},
        {"target": {"start": 16, "end": 25, "label": "PERPETRATOR"}, "annotators": ["alice"]},
    ]
    assert comparison.as_dict()["disagreements"]["other_target"][0]["start"] == 0


def test_no_annotators_no_relations() -> None:
    assert compare_relations({}).as_dict() == {
        "agreed": [],
        "disagreements": {"missing": [], "extra": [], "other_target": []},
        "disagreement_count": 0,
    }
