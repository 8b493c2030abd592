"""The span reranker: candidates, their features, the interval decoding, and the tagger that
uses them (deterministic, pickles, whole non-overlapping spans)."""

from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest

from annotator.spans import Span
from annotator.tagger import SpanTagger, dump_tagger, load_tagger
from annotator.tagger import reranking as rr
from annotator.tokenize import tokenize

LABELS = ["CASUALTY_COUNT", "LOCATION", "PERPETRATOR"]
ACTORS = ["Syrian warplanes", "Russian jets", "Government forces", "Rebel fighters"]
COUNTS = ["21 people", "dozens of civilians", "three children", "40 people"]
PLACES = ["Aleppo", "east Ghouta", "Idlib", "Marea"]


def synthetic(count: int) -> tuple[list[str], list[list[Span]]]:
    texts, spans = [], []
    for k, (actor, number, place) in enumerate(itertools.islice(itertools.product(ACTORS, COUNTS, PLACES), 5, None)):
        if len(texts) == count:
            break
        text = f"{actor} killed {number} in {place} on Monday. The talks ended without a deal number {k}."
        texts.append(text)
        spans.append(
            [
                Span(text.index(piece), text.index(piece) + len(piece), label)
                for piece, label in ((actor, "PERPETRATOR"), (number, "CASUALTY_COUNT"), (place, "LOCATION"))
            ]
        )
    return texts, spans


@pytest.fixture(scope="module")
def reranked() -> SpanTagger:
    texts, spans = synthetic(12)
    return SpanTagger(labels=LABELS, max_iter=30, rerank_min_documents=8).fit(texts, spans)


def brute_force(firsts: np.ndarray, lasts: np.ndarray, scores: np.ndarray, threshold: float) -> float:
    """The best total log-odds (above the threshold's) of a non-overlapping subset, by trying all."""
    best = 0.0
    weight = np.log(scores / (1 - scores)) - np.log(threshold / (1 - threshold))
    for size in range(1, len(firsts) + 1):
        for subset in itertools.combinations(range(len(firsts)), size):
            if any(scores[c] <= threshold for c in subset):
                continue
            spans = sorted((firsts[c], lasts[c]) for c in subset)
            if all(a[1] < b[0] for a, b in itertools.pairwise(spans)):
                best = max(best, float(sum(weight[c] for c in subset)))
    return best


def test_interval_decoding_picks_the_best_non_overlapping_set() -> None:
    firsts, lasts = np.array([0, 0, 1]), np.array([2, 0, 2])
    # One long span at 0.9 against two short ones at 0.8 each: the two weigh more.
    assert rr.best_spans(firsts, lasts, np.array([0.9, 0.8, 0.8]), 0.25) == [1, 2]
    # Only the long one is sure enough.
    assert rr.best_spans(firsts, lasts, np.array([0.9, 0.2, 0.2]), 0.25) == [0]
    assert rr.best_spans(firsts, lasts, np.array([0.1, 0.2, 0.2]), 0.25) == []


def test_interval_decoding_equals_trying_every_subset() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        m = int(rng.integers(1, 8))
        firsts = rng.integers(0, 10, size=m)
        lasts = firsts + rng.integers(0, 4, size=m)
        scores = rng.uniform(0.01, 0.99, size=m)
        chosen = rr.best_spans(firsts, lasts, scores, 0.3)
        spans = [(firsts[c], lasts[c]) for c in chosen]
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))
        weight = np.log(scores / (1 - scores)) - np.log(0.3 / 0.7)
        assert sum(weight[c] for c in chosen) == pytest.approx(brute_force(firsts, lasts, scores, 0.3), abs=1e-6)


def test_a_document_without_candidates_has_no_features() -> None:
    empty = np.zeros(0, dtype=np.int64)
    features = rr.candidate_features(
        np.ones((3, 7)) / 7, ["a", "b", "c"], empty + 0, [], empty, empty, empty, n_labels=3
    )
    assert features.matrix().shape == (0, rr.n_columns(3))
    assert features.scores(np.zeros(rr.n_columns(3)), 0.0).shape == (0,)


def test_candidates_stay_in_a_sentence_include_viterbi_and_are_unique() -> None:
    # Tags O, B-A, I-A; tokens 0-3 sentence 0, tokens 4-5 sentence 1.
    probs = np.array(
        [[0.1, 0.8, 0.1], [0.2, 0.1, 0.7], [0.5, 0.0, 0.5], [0.2, 0.1, 0.7], [0.1, 0.1, 0.8], [0.9, 0.1, 0.0]]
    )
    sid = np.array([0, 0, 0, 0, 1, 1])
    firsts, lasts, labels = rr.candidates(
        probs, sid, [(0, 1, 0), (5, 5, 0)], n_labels=1, start_min=0.05, inside_min=0.05, max_length=3
    )
    found = set(zip(firsts.tolist(), lasts.tolist(), labels.tolist(), strict=True))
    assert len(found) == len(firsts)
    assert {(0, 0, 0), (0, 1, 0), (0, 2, 0), (1, 1, 0), (1, 3, 0), (5, 5, 0)} <= found
    assert (0, 3, 0) not in found  # longer than max_length
    assert all(sid[f] == sid[la] for f, la in zip(firsts, lasts, strict=True))
    assert (4, 4, 0) in found and (3, 4, 0) not in found


def test_candidate_features_are_one_row_per_candidate_and_repeatable() -> None:
    text = "Syrian warplanes killed 21 people in Aleppo. Talks ended."
    tokens = tokenize(text)
    rng = np.random.default_rng(1)
    probs = rng.dirichlet(np.ones(7), size=len(tokens))
    sid = np.array([0] * 8 + [1] * 3)
    args = (probs, sid, [(0, 1, 2)])
    firsts, lasts, labels = rr.candidates(*args, n_labels=3, start_min=0.05, inside_min=0.05, max_length=10)
    words = [t.text for t in tokens]
    features = rr.candidate_features(probs, words, sid, [(0, 1, 2)], firsts, lasts, labels, n_labels=3)
    X = features.matrix()
    again = rr.candidate_features(probs, words, sid, [(0, 1, 2)], firsts, lasts, labels, n_labels=3).matrix()
    assert X.shape == (len(firsts), rr.n_columns(3))
    assert (again != X).nnz == 0
    assert np.isfinite(X.data).all()
    # Prediction scores without the matrix: the same as the product with it.
    weights = rng.normal(size=rr.n_columns(3))
    assert np.allclose(features.scores(weights, 0.5), X @ weights + 0.5)


def test_the_reranker_is_trained_from_enough_documents_only(reranked: SpanTagger) -> None:
    assert reranked.reranker_ is not None
    texts, spans = synthetic(6)
    assert SpanTagger(labels=LABELS, max_iter=30, rerank_min_documents=8).fit(texts, spans).reranker_ is None
    assert SpanTagger(labels=LABELS, rerank=False, rerank_min_documents=2).fit(texts, spans).reranker_ is None


def test_reranked_spans_are_whole_tokens_scored_and_do_not_overlap(reranked: SpanTagger) -> None:
    text = "Russian jets killed 40 people in Idlib on Monday."
    (prediction,) = reranked.predict_documents([text])
    found = {(text[s.start : s.end], s.label) for s in prediction.spans}
    assert ("Idlib", "LOCATION") in found
    bounds = {t.start for t in tokenize(text)}, {t.end for t in tokenize(text)}
    spans = sorted(prediction.spans, key=lambda s: s.start)
    assert all(s.start in bounds[0] and s.end in bounds[1] for s in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    assert all(0.0 < s.score <= 1.0 for s in spans)


def test_the_reranked_tagger_is_deterministic_and_pickles(reranked: SpanTagger) -> None:
    texts, spans = synthetic(12)
    again = SpanTagger(labels=LABELS, max_iter=30, rerank_min_documents=8).fit(texts, spans)
    probe = ["Rebel fighters killed 21 people in Marea.", "Government forces shelled east Ghouta."]
    assert again.predict_documents(probe) == reranked.predict_documents(probe)
    assert np.array_equal(again.reranker_.weights, reranked.reranker_.weights)
    assert pickle.loads(pickle.dumps(reranked)).predict_documents(probe) == reranked.predict_documents(probe)
    assert load_tagger(dump_tagger(reranked)).predict_documents(probe) == reranked.predict_documents(probe)
