"""The simulated annotator and the replay of the model-in-the-loop, on small hand-checked cases."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.effort import COSTS, RANDOM_EVERY, Actions, next_document, replay, simulate_annotator
from annotator.evaluation import LabelledDocument
from annotator.spans import Span

KILLED = Span(0, 2, "CASUALTY_COUNT")
ALEPPO = Span(13, 19, "LOCATION")


def test_a_suggestion_exactly_right_costs_one_accept() -> None:
    assert simulate_annotator([KILLED], [KILLED]) == Actions(accept=1)


def test_a_suggestion_with_a_boundary_off_costs_one_move() -> None:
    assert simulate_annotator([ALEPPO], [Span(10, 19, "LOCATION")]) == Actions(move=1)


def test_a_suggestion_with_the_wrong_label_costs_one_relabel() -> None:
    assert simulate_annotator([ALEPPO], [Span(13, 19, "PERPETRATOR")]) == Actions(relabel=1)


def test_a_span_nobody_suggested_costs_one_add() -> None:
    assert simulate_annotator([KILLED, ALEPPO], [KILLED]) == Actions(accept=1, add=1)


def test_a_spurious_suggestion_costs_one_reject() -> None:
    assert simulate_annotator([KILLED], [KILLED, Span(30, 35, "LOCATION")]) == Actions(accept=1, reject=1)


def test_a_suggestion_off_in_both_label_and_boundaries_is_rejected_and_the_span_added() -> None:
    assert simulate_annotator([ALEPPO], [Span(10, 19, "PERPETRATOR")]) == Actions(reject=1, add=1)


def test_one_suggestion_fixes_one_span_only() -> None:
    # Two right spans inside one long suggestion: it is moved onto the one it covers most.
    gold = [Span(0, 6, "LOCATION"), Span(8, 10, "LOCATION")]
    assert simulate_annotator(gold, [Span(0, 10, "LOCATION")]) == Actions(move=1, add=1)


def test_without_suggestions_every_span_is_added() -> None:
    assert simulate_annotator([KILLED, ALEPPO], []) == Actions(add=2)


def test_accepts_are_not_manual_actions_but_take_time() -> None:
    actions = Actions(accept=2, reject=1, add=1, move=1, relabel=1)
    assert (actions.manual, actions.total) == (4, 6)
    assert actions.seconds() == 2 * COSTS["accept"] + COSTS["reject"] + COSTS["add"] + COSTS["move"] + COSTS["relabel"]


def test_the_queue_without_a_model_follows_import_order() -> None:
    assert next_document([4, 2, 9], None, 1, random.Random(0)) == 4


def test_the_queue_with_a_model_serves_the_least_certain_first() -> None:
    assert next_document([4, 2, 9], {4: 0.1, 2: 0.7, 9: 0.3}, 1, random.Random(0)) == 2


def test_every_fifth_pick_is_drawn_at_random_as_in_the_service() -> None:
    from annotator.services import active_learning

    assert RANDOM_EVERY == active_learning.RANDOM_EVERY
    picks = {next_document([1, 2, 3], {1: 0.9, 2: 0.0, 3: 0.0}, 5, random.Random(seed)) for seed in range(30)}
    assert picks == {1, 2, 3}


@dataclass
class _Prediction:
    spans: list[Span]
    uncertainty: float


class _WordList:
    """A stand-in model: suggests every occurrence of a word it saw labelled."""

    def __init__(self, documents: list[LabelledDocument]) -> None:
        self.words = {d.text[s.start : s.end]: s.label for d in documents for s in d.spans}

    def predict_documents(self, texts: Sequence[str]) -> list[_Prediction]:
        return [_Prediction(self._spans(text), 0.5) for text in texts]

    def predict(self, texts: Sequence[str]) -> list[list[Span]]:
        return [self._spans(text) for text in texts]

    def _spans(self, text: str) -> list[Span]:
        return [
            Span(m.start(), m.end(), self.words[m.group()])
            for m in re.finditer(r"\w+", text)
            if m.group() in self.words
        ]


def _town_documents() -> list[LabelledDocument]:
    texts = ["Shelling in Aleppo", "Raids on Aleppo", "Aleppo and Homs hit", "Homs and Aleppo"]
    return [
        LabelledDocument(i + 1, text, [Span(m.start(), m.end(), "LOCATION") for m in re.finditer(r"Aleppo|Homs", text)])
        for i, text in enumerate(texts)
    ]


def test_a_replay_without_a_model_adds_every_span_in_import_order() -> None:
    result = replay(_town_documents(), train=None, retrain_every=2, labels=["LOCATION"])
    assert [(d.document_id, d.actions) for d in result.documents] == [
        (1, Actions(add=1)),
        (2, Actions(add=1)),
        (3, Actions(add=2)),
        (4, Actions(add=2)),
    ]
    assert result.trainings == []


def test_a_replay_trains_after_every_n_documents_and_the_annotator_accepts_what_it_learned() -> None:
    result = replay(_town_documents(), train=lambda docs, _: _WordList(docs), retrain_every=2, labels=["LOCATION"])
    # Trained after document 2 on one of the two (the other held out): it knows "Aleppo" at
    # least once it is promoted, so Aleppo is accepted and Homs, never seen, added.
    assert [t.documents for t in result.trainings] == [2]
    assert result.trainings[0].promoted
    later = result.documents[2:]
    assert all(d.model_version == 1 for d in later)
    assert [d.actions for d in later] == [Actions(accept=1, add=1), Actions(accept=1, add=1)]


@dataclass
class _Scored:
    start: int
    end: int
    label: str
    score: float


class _Unsure(_WordList):
    """The word-list model, giving every suggestion a score of 0.2."""

    def predict_documents(self, texts: Sequence[str]) -> list[_Prediction]:
        return [
            _Prediction([_Scored(s.start, s.end, s.label, 0.2) for s in self._spans(text)], 0.5)  # type: ignore[misc]
            for text in texts
        ]


def test_suggestions_scored_below_the_minimum_are_not_shown() -> None:
    def train(docs, _):  # type: ignore[no-untyped-def]
        return _Unsure(docs)

    shown = replay(_town_documents(), train=train, retrain_every=2, labels=["LOCATION"], min_score=0.5)
    assert [d.suggestions for d in shown.documents[2:]] == [0, 0]
    assert [d.actions for d in shown.documents[2:]] == [Actions(add=2), Actions(add=2)]
    kept = replay(_town_documents(), train=train, retrain_every=2, labels=["LOCATION"], min_score=0.1)
    assert [d.suggestions for d in kept.documents[2:]] == [1, 1]
