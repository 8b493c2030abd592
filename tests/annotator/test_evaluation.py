"""Judging a trained tagger without a database: the held-out split, the scores, promotion."""

from __future__ import annotations

from collections.abc import Sequence

from annotator.evaluation import LabelledDocument, evaluate, is_held_out, should_promote, split
from annotator.spans import Span


def _documents(ids: range) -> list[LabelledDocument]:
    return [LabelledDocument(i, f"text {i}", []) for i in ids]


def test_the_split_holds_out_exactly_the_documents_the_held_out_rule_names() -> None:
    documents = _documents(range(1, 101))
    train, held = split(documents)
    assert [d.document_id for d in held] == [i for i in range(1, 101) if is_held_out(i)]
    assert {d.document_id for d in train} | {d.document_id for d in held} == set(range(1, 101))


def test_the_split_is_the_same_from_one_training_to_the_next() -> None:
    assert split(_documents(range(1, 50))) == split(_documents(range(1, 50)))


def test_two_documents_always_give_one_to_train_on_and_one_held_out() -> None:
    for first in range(1, 40):
        train, held = split(_documents(range(first, first + 2)))
        assert (len(train), len(held)) == (1, 1)


def test_one_document_is_trained_on_and_none_held_out_unless_the_rule_names_it() -> None:
    train, held = split(_documents(range(7, 8)))
    assert len(train) + len(held) == 1 and len(held) <= 1


class _Echo:
    """A tagger that predicts the spans it was given for each text."""

    def __init__(self, answers: dict[str, list[Span]]) -> None:
        self.answers = answers

    def predict(self, texts: Sequence[str]) -> list[list[Span]]:
        return [self.answers[t] for t in texts]


def test_a_tagger_that_finds_every_held_out_span_scores_one() -> None:
    spans = [Span(0, 4, "LOCATION")]
    held = [LabelledDocument(1, "Homs was hit", spans)]
    result = evaluate(_Echo({"Homs was hit": spans}), held, ["LOCATION"])
    assert result["f1"] == result["value"] == 1.0 and result["held_out_documents"] == 1


def test_nothing_held_out_scores_nothing() -> None:
    assert evaluate(_Echo({}), [], ["LOCATION"])["f1"] is None


def test_a_new_model_is_promoted_unless_it_is_worse_than_the_current_one() -> None:
    assert should_promote({"value": 0.1}, None)  # no current model
    assert should_promote({"value": 0.5}, {"value": 0.5})  # a tie promotes
    assert not should_promote({"value": 0.4}, {"value": 0.5})
    assert should_promote({"value": 0.0}, {"value": None, "error": "scikit-learn changed"})
    assert should_promote({"value": None}, {"value": None})
