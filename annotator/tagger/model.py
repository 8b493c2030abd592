"""The tagger: a linear token classifier with probabilities, decoded into whole spans.

`SpanTagger` follows scikit-learn's estimator contract: `__init__` stores its parameters as
given, `fit(texts, spans)` sets attributes ending in `_`, and a fitted tagger pickles cleanly
(no lambdas, no open handles). Inputs are raw texts and lists of `Span` (or span dicts);
tokens come from `annotator.tokenize`, the tokenizer every part shares, and a span that does
not line up with tokens raises `AlignmentError` — it is never silently dropped.

Model: hashed feature strings (no vocabulary to store, constant memory) into an
`SGDClassifier` with log loss (a logistic regression fitted by SGD): it trains in seconds on
thousands of documents where multinomial lbfgs took tens of seconds, and its one-vs-rest
probabilities feed the Viterbi decoder. Deterministic for a fixed `random_state`.

Scores: a span's score is the mean over its tokens of the probability the classifier gave the
decoded tag. A document's uncertainty is the mean entropy (bits) of its `top_k` most
uncertain tokens: documents with a few hard decisions rank first, however long they are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.linear_model import SGDClassifier
from sklearn.utils import murmurhash3_32
from sklearn.utils.validation import check_is_fitted

from annotator.spans import Span
from annotator.tagger.decoding import viterbi
from annotator.tagger.features import document_feature_groups
from annotator.tokenize import Token, bio_to_spans, spans_to_bio, tokenize

_EPS = 1e-9


@lru_cache(maxsize=500_000)
def _hashed(group: tuple[str, ...], n_features: int) -> np.ndarray:
    """Column indexes of a group of feature strings (cached: groups repeat across tokens)."""
    return np.fromiter((murmurhash3_32(f, positive=True) % n_features for f in group), dtype=np.int32, count=len(group))


def hash_rows(rows: list[list[tuple[str, ...]]], n_features: int) -> sp.csr_matrix:
    """A (tokens x n_features) 0/1 matrix from each token's feature groups."""
    arrays = [_hashed(group, n_features) for token in rows for group in token]
    lengths = np.fromiter((sum(len(group) for group in token) for token in rows), dtype=np.int64, count=len(rows))
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    indices = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int32)
    data = np.ones(len(indices), dtype=np.float64)
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), n_features))


@dataclass
class LinearLayer:
    """A fitted linear one-vs-rest layer: weights (features x classes), intercepts, and the
    tag indexes its columns stand for."""

    weights: np.ndarray
    intercept: np.ndarray
    classes: np.ndarray


@dataclass(frozen=True)
class ScoredSpan:
    start: int
    end: int
    label: str
    score: float

    def as_span(self) -> Span:
        return Span(self.start, self.end, self.label)

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label, "score": round(self.score, 4)}


@dataclass(frozen=True)
class Prediction:
    spans: list[ScoredSpan]
    uncertainty: float


def as_spans(spans: Iterable[Span | Mapping[str, Any]]) -> list[Span]:
    result = []
    for span in spans:
        if isinstance(span, Span):
            result.append(span)
        else:
            result.append(Span(int(span["start"]), int(span["end"]), str(span["label"])))
    return result


class SpanTagger(BaseEstimator):
    """A BIO tagger over character spans.

    Parameters
    ----------
    labels: the label set (None: the labels seen in training).
    window: how many neighbours on each side contribute context features.
    alpha: L2 regularisation strength of the SGD logistic regression.
    max_iter: SGD epochs.
    n_features: size of the hashed feature space.
    gazetteer_min_count: a lower-cased word becomes a gazetteer entry for a label when it sits
        inside spans of that label at least this many times in training and mostly there.
    o_weight: class weight of the O tag relative to span tags (below 1 favours recall).
    top_k: how many of a document's most uncertain tokens its uncertainty averages.
    random_state: seed of the SGD shuffling.
    """

    def __init__(
        self,
        labels: Sequence[str] | None = None,
        window: int = 2,
        alpha: float = 1e-5,
        max_iter: int = 15,
        n_features: int = 2**20,
        gazetteer_min_count: int = 1000,
        o_weight: float = 0.25,
        top_k: int = 10,
        transition_weight: float = 1.0,
        stacking: bool = True,
        random_state: int = 0,
    ) -> None:
        self.labels = labels
        self.window = window
        self.alpha = alpha
        self.max_iter = max_iter
        self.n_features = n_features
        self.gazetteer_min_count = gazetteer_min_count
        self.o_weight = o_weight
        self.top_k = top_k
        self.transition_weight = transition_weight
        self.stacking = stacking
        self.random_state = random_state

    # --- features -------------------------------------------------------------------------

    def _features(self, text: str, tokens: Sequence[Token], gazetteer: Mapping[str, str]) -> list:
        return document_feature_groups(text, tokens, window=self.window, gazetteer=gazetteer)

    def _build_gazetteer(self, texts: Sequence[str], token_lists: Sequence[Sequence[Token]], tag_lists) -> dict:
        inside: dict[str, Counter[str]] = defaultdict(Counter)
        for text, tokens, tags in zip(texts, token_lists, tag_lists, strict=True):
            del text
            for token, tag in zip(tokens, tags, strict=True):
                word = token.text.lower()
                inside[word][tag[2:] if tag != "O" else "O"] += 1
        gazetteer: dict[str, str] = {}
        for word, counts in inside.items():
            label, count = max(
                ((lab, c) for lab, c in counts.items() if lab != "O"), default=("", 0), key=lambda x: x[1]
            )
            if label and count >= self.gazetteer_min_count and count >= counts["O"]:
                gazetteer[word] = label
        return gazetteer

    # --- fit / predict -------------------------------------------------------------------------

    def fit(self, texts: Sequence[str], spans: Sequence[Iterable[Span | Mapping[str, Any]]]) -> SpanTagger:
        """Learn from `texts` and their spans (lists of `Span` or span dicts)."""
        if len(texts) != len(spans):
            raise ValueError("texts and spans must have the same length")
        token_lists = [tokenize(text) for text in texts]
        tag_lists = [
            spans_to_bio(text, tokens, as_spans(doc_spans))
            for text, tokens, doc_spans in zip(texts, token_lists, spans, strict=True)
        ]
        seen = sorted({tag[2:] for tags in tag_lists for tag in tags if tag != "O"})
        labels = list(self.labels) if self.labels is not None else seen
        unknown = set(seen) - set(labels)
        if unknown:
            raise ValueError(f"spans use labels outside the label set: {', '.join(sorted(unknown))}")
        self.labels_ = labels
        self.tags_ = ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I")]
        self.gazetteer_ = self._build_gazetteer(texts, token_lists, tag_lists)
        index = {tag: i for i, tag in enumerate(self.tags_)}
        doc_rows = [
            self._features(text, tokens, self.gazetteer_) for text, tokens in zip(texts, token_lists, strict=True)
        ]
        doc_y = [np.array([index[tag] for tag in tags], dtype=np.int64) for tags in tag_lists]
        if not any(len(rows) for rows in doc_rows):
            raise ValueError("nothing to learn from: the training texts have no tokens")
        self.transitions_ = self._transition_scores(tag_lists, index)
        self.first_ = self._fit_linear(doc_rows, doc_y)
        self.second_ = None
        if self.stacking and len(texts) >= 4 and self.first_.classes.size > 1:
            # Stacking: a second classifier also sees the first one's guesses for the token
            # and its neighbours — the context a CRF gets from its transitions. Its training
            # guesses come from models that never saw the document (two folds), so they are
            # as wrong as they will be on new text.
            order = np.random.RandomState(self.random_state).permutation(len(texts))
            folds = [sorted(order[0::2]), sorted(order[1::2])]
            guesses: list[np.ndarray] = [np.zeros(0)] * len(texts)
            for held, used in ((folds[0], folds[1]), (folds[1], folds[0])):
                model = self._fit_linear([doc_rows[i] for i in used], [doc_y[i] for i in used])
                for i in held:
                    guesses[i] = self._probabilities(model, doc_rows[i])
            stacked = [self._stack(rows, probs) for rows, probs in zip(doc_rows, guesses, strict=True)]
            self.second_ = self._fit_linear(stacked, doc_y)
        self.n_training_documents_ = len(texts)
        return self

    def _fit_linear(self, doc_rows: Sequence[list], doc_y: Sequence[np.ndarray]) -> LinearLayer:
        rows = [row for rows in doc_rows for row in rows]
        y = np.concatenate(doc_y) if doc_y else np.zeros(0, dtype=np.int64)
        present = np.unique(y)
        if present.size < 2:
            # One tag only (no spans at all): nothing to discriminate; always predict it.
            return LinearLayer(np.zeros((self.n_features, 1)), np.zeros(1), present.astype(np.int64))
        # SGD epochs shrink as data grows (a pass over more tokens teaches more), so training
        # time stays near-linear in the data instead of epochs x data.
        epochs = max(3, min(self.max_iter, int(2_000_000 / max(1, len(rows)))))
        classifier = SGDClassifier(
            loss="log_loss",
            alpha=self.alpha,
            max_iter=epochs,
            tol=None,
            class_weight={int(i): (self.o_weight if i == 0 else 1.0) for i in present},
            random_state=self.random_state,
            average=True,
        )
        classifier.fit(hash_rows(rows, self.n_features), y)
        # (features x classes), C-ordered: a sparse row times it is fast, unlike sparse times
        # the transposed view scikit-learn's predict_proba multiplies by.
        return LinearLayer(np.ascontiguousarray(classifier.coef_.T), classifier.intercept_.copy(), classifier.classes_)

    def _probabilities(self, layer: LinearLayer, rows: list) -> np.ndarray:
        """(tokens x tags) probabilities, zero for tags the layer never saw."""
        probs = np.zeros((len(rows), len(self.tags_)))
        if not rows:
            return probs
        if layer.classes.size == 1:
            probs[:, layer.classes[0]] = 1.0
            return probs
        scores = hash_rows(rows, self.n_features) @ layer.weights + layer.intercept
        # One-vs-rest probabilities, normalised: what SGDClassifier.predict_proba computes.
        known = 1.0 / (1.0 + np.exp(-scores))
        if known.shape[1] == 1:  # two classes: one column of scores, for the second
            known = np.hstack([1.0 - known, known])
        known /= known.sum(axis=1, keepdims=True)
        probs[:, layer.classes] = known
        return probs

    def _stack(self, rows: list, probs: np.ndarray) -> list:
        best = probs.argmax(axis=1) if len(rows) else np.zeros(0, dtype=np.int64)
        confidence = probs.max(axis=1) if len(rows) else np.zeros(0)
        n = len(rows)
        stacked = []
        for i, row in enumerate(rows):
            extra = [f"s0={self.tags_[best[i]]}", f"s0c={int(confidence[i] * 4)}"]
            for offset in (-2, -1, 1, 2):
                j = i + offset
                extra.append(f"s{offset}={self.tags_[best[j]] if 0 <= j < n else '-'}")
            stacked.append([*row, tuple(extra)])
        return stacked

    def _transition_scores(self, tag_lists: Sequence[Sequence[str]], index: Mapping[str, int]) -> np.ndarray:
        """log P(next | previous) - log P(next), add-one smoothed, times `transition_weight`:
        how much more (or less) likely a tag is after another than on its own."""
        k = len(self.tags_)
        pairs = np.ones((k, k))
        for tags in tag_lists:
            for previous, current in pairwise(tags):
                pairs[index[previous], index[current]] += 1
        conditional = np.log(pairs / pairs.sum(axis=1, keepdims=True))
        prior = np.log(pairs.sum(axis=0) / pairs.sum())
        return self.transition_weight * (conditional - prior[None, :])

    def _tag_probabilities(self, rows: list) -> np.ndarray:
        probs = self._probabilities(self.first_, rows)
        if self.second_ is not None:
            probs = self._probabilities(self.second_, self._stack(rows, probs))
        return probs

    def predict_documents(self, texts: Sequence[str]) -> list[Prediction]:
        """Scored spans and an uncertainty for each text."""
        check_is_fitted(self, "tags_")
        return [self._predict_one(text) for text in texts]

    def _predict_one(self, text: str) -> Prediction:
        tokens = tokenize(text)
        rows = self._features(text, tokens, self.gazetteer_)
        probs = self._tag_probabilities(rows)
        if not tokens:
            return Prediction([], 0.0)
        path = viterbi(np.log(probs + _EPS), self.tags_, self.transitions_)
        tags = [self.tags_[i] for i in path]
        chosen = probs[np.arange(len(path)), path]
        spans: list[ScoredSpan] = []
        starts = {t.start: i for i, t in enumerate(tokens)}
        ends = {t.end: i for i, t in enumerate(tokens)}
        for span in bio_to_spans(tokens, tags):
            first, last = starts[span.start], ends[span.end]
            spans.append(ScoredSpan(span.start, span.end, span.label, float(chosen[first : last + 1].mean())))
        entropy = -(probs * np.log2(probs + _EPS)).sum(axis=1)
        top = np.sort(entropy)[-self.top_k :]
        return Prediction(spans, max(0.0, float(top.mean())))

    def predict(self, texts: Sequence[str]) -> list[list[Span]]:
        """Spans (without scores) for each text: the plain form span F1 takes."""
        return [[s.as_span() for s in p.spans] for p in self.predict_documents(texts)]
