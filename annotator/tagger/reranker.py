"""Training and applying the span reranker (the features are `reranking`'s).

The reranker learns from the candidates of token models that never saw the document
(`folds` folds over at most `max_documents` documents, a seeded sample) and from the final
model's own candidates on the same documents: out of fold its inputs are worse than the
final model's on new text (trained on a fraction of the data), in sample better; learning
from both keeps it from trusting them too little or too much.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from annotator.tagger import reranking
from annotator.tagger.decoding import runs
from annotator.tagger.features import sentence_bounds
from annotator.tokenize import Token

# Candidate spans: starts where P(B-X) reaches this, extended while P(I-X) does, at most this
# many tokens.
CANDIDATE_START = 0.02
CANDIDATE_INSIDE = 0.02
CANDIDATE_LENGTH = 10

Bounds = tuple[np.ndarray, np.ndarray, np.ndarray]
# A token model as the reranker sees it: (text, tokens, sentence bounds) -> (tag
# probabilities, decoded tag path).
Tagging = Callable[[str, Sequence[Token], Bounds], tuple[np.ndarray, np.ndarray]]


@dataclass
class SpanReranker:
    """A fitted span reranker: logistic-regression weights over `reranking`'s columns."""

    weights: np.ndarray
    intercept: float


@dataclass(frozen=True)
class Candidates:
    """A document's candidate spans (first tokens, last tokens, label numbers) and their
    features."""

    firsts: np.ndarray
    lasts: np.ndarray
    labels: np.ndarray
    features: reranking.CandidateFeatures


def candidates(
    tokens: Sequence[Token],
    probs: np.ndarray,
    path: np.ndarray,
    sid: np.ndarray,
    tags: Sequence[str],
    labels: Sequence[str],
) -> Candidates:
    """The candidates read off a document's tag probabilities, decoded path and sentence
    numbers."""
    number = {label: k for k, label in enumerate(labels)}
    chosen = [(a, b, number[label]) for a, b, label in runs(path, tags)]
    firsts, lasts, label_numbers = reranking.candidates(
        probs,
        sid,
        chosen,
        n_labels=len(labels),
        start_min=CANDIDATE_START,
        inside_min=CANDIDATE_INSIDE,
        max_length=CANDIDATE_LENGTH,
    )
    features = reranking.candidate_features(
        probs, [t.text for t in tokens], sid, chosen, firsts, lasts, label_numbers, n_labels=len(labels)
    )
    return Candidates(firsts, lasts, label_numbers, features)


def rerank(found: Candidates, reranker: SpanReranker, threshold: float) -> list[tuple[int, int, int, float]]:
    """The best non-overlapping candidates above `threshold`: (first token, last token, label
    number, the reranker's probability that it is exactly a gold span)."""
    if not len(found.firsts):
        return []
    scores = expit(found.features.scores(reranker.weights, reranker.intercept))
    return [
        (int(found.firsts[c]), int(found.lasts[c]), int(found.labels[c]), float(scores[c]))
        for c in reranking.best_spans(found.firsts, found.lasts, scores, threshold)
    ]


def fit_reranker(
    texts: Sequence[str],
    token_lists: Sequence[Sequence[Token]],
    targets: Sequence[np.ndarray],
    *,
    tags: Sequence[str],
    labels: Sequence[str],
    final: Tagging,
    fold_model: Callable[[np.ndarray], Tagging],
    folds: int,
    max_documents: int,
    c: float,
    random_state: int,
) -> SpanReranker | None:
    """The reranker of a fitted token model `final`; `fold_model(indexes)` trains a token
    model on those documents only. None when the candidates are all right or all wrong."""
    random = np.random.RandomState(random_state)
    chosen = np.sort(random.permutation(len(texts))[:max_documents])
    fold_of = random.permutation(len(chosen)) % folds
    blocks: list[sp.csr_matrix] = []
    answers: list[np.ndarray] = []

    def add(model: Tagging, i: int) -> None:
        tokens = token_lists[i]
        if not tokens:
            return
        bounds = sentence_bounds(texts[i], tokens)
        probs, path = model(texts[i], tokens, bounds)
        found = candidates(tokens, probs, path, bounds[0], tags, labels)
        number = {label: k for k, label in enumerate(labels)}
        gold = {(a, b, number[label]) for a, b, label in runs(targets[i], tags)}
        blocks.append(found.features.matrix())
        spans = zip(found.firsts.tolist(), found.lasts.tolist(), found.labels.tolist(), strict=True)
        answers.append(np.fromiter((s in gold for s in spans), bool, len(found.firsts)))

    for fold in range(folds):
        part = fold_model(chosen[fold_of != fold])
        for i in chosen[fold_of == fold].tolist():
            add(part, i)
    for i in chosen.tolist():
        add(final, i)
    y = np.concatenate(answers) if answers else np.zeros(0, dtype=bool)
    if y.all() or not y.any():
        return None
    model = LogisticRegression(C=c, solver="liblinear").fit(sp.vstack(blocks, format="csr"), y)
    return SpanReranker(model.coef_.ravel().copy(), float(model.intercept_[0]))
