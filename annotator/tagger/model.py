"""The tagger: a linear token classifier with probabilities, decoded into whole spans.

`SpanTagger` follows scikit-learn's estimator contract: `__init__` stores its parameters as
given, `fit(texts, spans)` sets attributes ending in `_`, and a fitted tagger pickles cleanly
(no lambdas, no open handles). Inputs are raw texts and lists of `Span` (or span dicts);
tokens come from `annotator.tokenize`, the tokenizer every part shares, and a span that does
not line up with tokens raises `AlignmentError` — it is never silently dropped.

Model: hashed features (no vocabulary to store, constant memory) into an `SGDClassifier`
with log loss (a logistic regression fitted by SGD, one-vs-rest): it trains in seconds where
multinomial lbfgs took tens of seconds. Two layers (stacking): the second also sees the
first one's guessed tags for the token and its neighbours, which gives it the context a CRF
gets from its transitions. Its probabilities feed a Viterbi decoder over BIO tags with
impossible transitions forbidden, plus learned transition scores. Deterministic for a fixed
`random_state`.

Span reranking (`rerank`, on by default): candidate spans read off the final token
probabilities are rescored by a logistic regression on span-level features (see
`annotator.tagger.reranking`), which sees a span whole, as a token model cannot; the best
non-overlapping set of candidates above `rerank_threshold` is suggested. It learns from the
candidates of `rerank_folds` token models that never saw the document and from the final
model's own candidates on the same documents (at most `rerank_max_documents` of them).

Self-training (optional: `fit(..., unlabelled=texts)`): the model tags a bounded, seeded
sample of the unlabelled texts and is trained again on its labelled documents plus these
guesses, weighted down; see the `self_training_*` parameters.

Prediction sums a word's own and neighbour weights once per word and keeps the sums (the
`_word_rows` cache, not pickled), so a document costs a lookup per token plus its context
features; `_tag_probabilities` on the feature matrix is the plain path it equals.

Scores: with the reranker, a span's score is the reranker's probability that it is exactly
a gold span. Without it (off, or too few documents), the mean over its tokens of the
probability the classifier gave the decoded tag; spans scoring under MIN_SPAN_SCORE (forced
by the transitions alone) are dropped. A document's uncertainty is the mean entropy (bits)
of its `top_k` most uncertain tokens: documents with a few hard decisions rank first,
however long they are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.utils.validation import check_is_fitted

from annotator.spans import Span
from annotator.tagger import reranking
from annotator.tagger.decoding import decode
from annotator.tagger.features import document_feature_ids, feature_id, sentence_bounds, word_feature_ids
from annotator.tokenize import Token, spans_to_bio, tokenize

_EPS = 1e-9
MIN_SPAN_SCORE = 0.01  # spans scored below this are not suggested
_STACK_OFFSETS = (-2, -1, 0, 1, 2)
_WORD_CACHE_SIZE = 50_000  # words whose summed weights a loaded tagger keeps (under 60 MB)
# Candidate spans for the reranker: starts where P(B-X) reaches this, extended while P(I-X)
# does, at most this many tokens.
_CANDIDATE_START = 0.02
_CANDIDATE_INSIDE = 0.02
_CANDIDATE_LENGTH = 10
# Class weights of a label's B and I tags when `label_weights` is None (others: 1): the
# PERPETRATOR spans are the ones the token model most often gave no probability at all.
DEFAULT_LABEL_WEIGHTS = {"PERPETRATOR": 2.0}


@dataclass
class LinearLayer:
    """A fitted linear one-vs-rest layer: weights (features x classes), intercepts, and the
    tag indexes its columns stand for."""

    weights: np.ndarray
    intercept: np.ndarray
    classes: np.ndarray


@dataclass
class SpanReranker:
    """A fitted span reranker: logistic-regression weights over `reranking`'s columns."""

    weights: np.ndarray
    intercept: float


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


def _runs(path: np.ndarray, tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first token, last token, label) of each span in a decoded tag path: what
    `bio_to_spans` reads from the tags, found from the tokens not at O only."""
    runs: list[tuple[int, int, str]] = []
    current: list[Any] | None = None
    for i in np.flatnonzero(path).tolist():
        kind, label = tags[path[i]][0], tags[path[i]][2:]
        if kind == "I" and current is not None and current[1] == i - 1 and current[2] == label:
            current[1] = i
            continue
        if current is not None:
            runs.append((current[0], current[1], current[2]))
        current = [i, i, label]
    if current is not None:
        runs.append((current[0], current[1], current[2]))
    return runs


class SpanTagger(BaseEstimator):
    """A BIO tagger over character spans.

    Parameters
    ----------
    labels: the label set (None: the labels seen in training).
    window: how many neighbours on each side contribute context features.
    alpha: L2 regularisation strength of the SGD logistic regression.
    max_iter: SGD epochs at most (fewer on large data, see `_fit_linear`).
    n_features: size of the hashed feature space.
    gazetteer_min_count: a lower-cased word becomes a gazetteer entry for a label when it sits
        inside spans of that label at least this many times in training and mostly there
        (1000: effectively off — on this data it did not help, see docs/benchmarks.md).
    o_weight: class weight of the O tag relative to span tags (below 1 favours recall).
    label_weights: class weight of each label's B and I tags (a label not in it: 1); None:
        `DEFAULT_LABEL_WEIGHTS`, `{}`: all 1.
    top_k: how many of a document's most uncertain tokens its uncertainty averages.
    transition_weight: weight of the learned tag-transition scores in decoding (0: only the
        impossible transitions are ruled out).
    stacking: train the second layer on the first one's guesses.
    self_training_pool: self-training (when `fit` is given `unlabelled` texts): at most this
        many of them (a seeded sample) are tagged by the model trained on the labelled
        documents, and both layers are trained again on the labelled documents plus these
        guesses. 0: off.
    self_training_rounds: how many times the pool is tagged again and the model retrained.
    self_training_weight: weight of a guessed tag in that training, times the probability
        the model gave it (a labelled tag weighs 1).
    self_training_max_labelled: no self-training from this many labelled documents on: the
        model's own guesses matter less, and the time would grow with both.
    self_training_epochs: SGD epochs at most when training with the pool.
    rerank: rescore candidate spans with a span-level logistic regression (see
        `annotator.tagger.reranking`), trained on out-of-fold candidates.
    rerank_min_documents: no reranker under this many labelled documents (its out-of-fold
        token models need a few to learn from).
    rerank_folds: how many token models make the reranker's out-of-fold candidates.
    rerank_max_documents: the out-of-fold candidates come from at most this many of the
        labelled documents (a seeded sample), so training time stays bounded.
    rerank_c: inverse L2 strength of the reranker's logistic regression.
    rerank_threshold: a candidate is suggested when the reranker gives it more than this.
    random_state: seed of the SGD shuffling, the stacking folds and the pool's sample.
    """

    def __init__(
        self,
        labels: Sequence[str] | None = None,
        window: int = 2,
        alpha: float = 1e-5,
        max_iter: int = 15,
        n_features: int = 2**20,
        gazetteer_min_count: int = 1000,
        o_weight: float = 0.08,
        label_weights: Mapping[str, float] | None = None,
        top_k: int = 10,
        transition_weight: float = 1.0,
        stacking: bool = True,
        self_training_pool: int = 150,
        self_training_rounds: int = 1,
        self_training_weight: float = 0.3,
        self_training_max_labelled: int = 200,
        self_training_epochs: int = 5,
        rerank: bool = True,
        rerank_min_documents: int = 4,
        rerank_folds: int = 2,
        rerank_max_documents: int = 200,
        rerank_c: float = 0.3,
        rerank_threshold: float = 0.35,
        random_state: int = 0,
    ) -> None:
        self.labels = labels
        self.window = window
        self.alpha = alpha
        self.max_iter = max_iter
        self.n_features = n_features
        self.gazetteer_min_count = gazetteer_min_count
        self.o_weight = o_weight
        self.label_weights = label_weights
        self.top_k = top_k
        self.transition_weight = transition_weight
        self.stacking = stacking
        self.self_training_pool = self_training_pool
        self.self_training_rounds = self_training_rounds
        self.self_training_weight = self_training_weight
        self.self_training_max_labelled = self_training_max_labelled
        self.self_training_epochs = self_training_epochs
        self.rerank = rerank
        self.rerank_min_documents = rerank_min_documents
        self.rerank_folds = rerank_folds
        self.rerank_max_documents = rerank_max_documents
        self.rerank_c = rerank_c
        self.rerank_threshold = rerank_threshold
        self.random_state = random_state

    # --- features -------------------------------------------------------------------------

    def _matrix(self, text: str, tokens: Sequence[Token], gazetteer: Mapping[str, str]) -> sp.csr_matrix:
        """(tokens x n_features) matrix of the document's features (a repeated one counts twice)."""
        rows, ids = document_feature_ids(text, tokens, window=self.window, gazetteer=gazetteer)
        return self._csr(rows, ids, len(tokens))

    def _csr(self, rows: np.ndarray, ids: np.ndarray, n: int) -> sp.csr_matrix:
        tokens = range(n)
        # Straight to CSR (rows sorted, duplicates kept: they add up in every product), which
        # skips the sorting and merging the COO route spends most of its time on.
        order = np.argsort(rows, kind="stable")
        indptr = np.zeros(len(tokens) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(tokens)), out=indptr[1:])
        columns = (ids[order] % self.n_features).astype(np.int32)
        data = np.ones(len(columns), dtype=np.float64)
        return sp.csr_matrix((data, columns, indptr), shape=(len(tokens), self.n_features))

    def _build_gazetteer(self, token_lists: Sequence[Sequence[Token]], tag_lists: Sequence[Sequence[str]]) -> dict:
        inside: dict[str, Counter[str]] = defaultdict(Counter)
        for tokens, tags in zip(token_lists, tag_lists, strict=True):
            for token, tag in zip(tokens, tags, strict=True):
                inside[token.text.lower()][tag[2:] if tag != "O" else "O"] += 1
        gazetteer: dict[str, str] = {}
        for word, counts in inside.items():
            spans = [(count, label) for label, count in counts.items() if label != "O"]
            if not spans:
                continue
            count, label = max(spans)
            if count >= self.gazetteer_min_count and count >= counts["O"]:
                gazetteer[word] = label
        return gazetteer

    def _stack_table(self) -> np.ndarray:
        """Column ids of the stacking features: [offset position, tag (or -1: outside)]."""
        table = np.zeros((len(_STACK_OFFSETS), len(self.tags_) + 1), dtype=np.int64)
        for row, offset in enumerate(_STACK_OFFSETS):
            for k, tag in enumerate([*self.tags_, "-"]):
                table[row, k] = feature_id(f"s{offset}={tag}") % self.n_features
        return table

    def _stack_ids(self, probs: np.ndarray) -> np.ndarray:
        """(tokens x 6) column ids: the first layer's best tag at each offset and its confidence."""
        n = len(probs)
        best = probs.argmax(axis=1) if n else np.zeros(0, dtype=np.int64)
        padded = np.concatenate([[-1, -1], best, [-1, -1]])
        columns = [
            self.stack_table_[row, padded[2 + offset : 2 + offset + n]] for row, offset in enumerate(_STACK_OFFSETS)
        ]
        confidence = np.minimum((probs.max(axis=1) * 4).astype(np.int64), 4) if n else np.zeros(0, dtype=np.int64)
        columns.append(self.confidence_ids_[confidence])
        return np.stack(columns, axis=1) if n else np.zeros((0, len(_STACK_OFFSETS) + 1), dtype=np.int64)

    @staticmethod
    def _with_ids(X: sp.csr_matrix, extra: np.ndarray) -> sp.csr_matrix:
        """X with `extra` (tokens x m column ids) appended to each row, in O(nonzeros): row r's
        entries move right by r*m places and its m extra entries follow them."""
        n, m = extra.shape
        counts = np.diff(X.indptr)
        indptr = X.indptr + np.arange(n + 1) * m
        indices = np.empty(X.nnz + n * m, dtype=np.int32)
        indices[np.arange(X.nnz) + np.repeat(np.arange(n), counts) * m] = X.indices
        indices[(X.indptr[1:] + np.arange(n) * m)[:, None] + np.arange(m)] = extra
        data = np.ones(len(indices), dtype=np.float64)
        return sp.csr_matrix((data, indices, indptr), shape=X.shape)

    # --- fit ---------------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        spans: Sequence[Iterable[Span | Mapping[str, Any]]],
        *,
        unlabelled: Sequence[str] | None = None,
    ) -> SpanTagger:
        """Learn from `texts` and their spans (lists of `Span` or span dicts); `unlabelled`
        texts (optional) are used for self-training, see `self_training_pool`."""
        if len(texts) != len(spans):
            raise ValueError("texts and spans must have the same length")
        # Sums of the old weights would mislead a refitted tagger.
        self.__dict__.pop("_word_rows", None)
        self.__dict__.pop("_word_table", None)
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
        self.stack_table_ = self._stack_table()
        self.confidence_ids_ = np.array([feature_id(f"s0c={b}") % self.n_features for b in range(5)])
        self.gazetteer_ = self._build_gazetteer(token_lists, tag_lists)
        index = {tag: i for i, tag in enumerate(self.tags_)}
        matrices = [
            self._matrix(text, tokens, self.gazetteer_) for text, tokens in zip(texts, token_lists, strict=True)
        ]
        targets = [np.array([index[tag] for tag in tags], dtype=np.int64) for tags in tag_lists]
        if not sum(m.shape[0] for m in matrices):
            raise ValueError("nothing to learn from: the training texts have no tokens")
        self.transitions_ = self._transition_scores(tag_lists, index)
        weights = [np.ones(len(t)) for t in targets]
        self._fit_layers(matrices, targets, weights)
        pool = self._self_training_pool(texts, unlabelled)
        if pool:
            pool_tokens = [tokenize(text) for text in pool]
            pool_matrices = [self._matrix(t, toks, self.gazetteer_) for t, toks in zip(pool, pool_tokens, strict=True)]
            for _ in range(self.self_training_rounds):
                guesses = [self._pseudo_labels(X) for X in pool_matrices]
                self._fit_layers(
                    matrices + pool_matrices,
                    targets + [g for g, _ in guesses],
                    weights + [w for _, w in guesses],
                    epoch_cap=self.self_training_epochs,
                )
        self.n_unlabelled_documents_ = len(pool)
        self.n_training_documents_ = len(texts)
        self.reranker_ = self._fit_reranker(texts, spans, token_lists, targets, unlabelled)
        return self

    def _fit_reranker(
        self,
        texts: Sequence[str],
        spans: Sequence[Iterable[Span | Mapping[str, Any]]],
        token_lists: Sequence[Sequence[Token]],
        targets: Sequence[np.ndarray],
        unlabelled: Sequence[str] | None,
    ) -> SpanReranker | None:
        """The span reranker, trained on the candidates of token models that never saw the
        document (`rerank_folds` folds over at most `rerank_max_documents` documents) and on
        the final model's own candidates on the same documents; None when off or nothing to
        learn."""
        if not self.rerank or len(texts) < max(self.rerank_min_documents, 2 * self.rerank_folds):
            return None
        random = np.random.RandomState(self.random_state)
        chosen = np.sort(random.permutation(len(texts))[: self.rerank_max_documents])
        fold_of = random.permutation(len(chosen)) % self.rerank_folds
        epochs = self._epochs(sum(len(tokens) for tokens in token_lists), self.max_iter)
        spans = [as_spans(s) for s in spans]
        blocks: list[sp.csr_matrix] = []
        answers: list[np.ndarray] = []
        for fold in range(self.rerank_folds):
            held = chosen[fold_of == fold]
            used = chosen[fold_of != fold]
            # As many SGD passes as the full model takes: by the rule in `_fit_linear` a
            # fraction of the documents would get more, and these models only make candidates.
            part = clone(self).set_params(rerank=False, max_iter=epochs)
            part.fit([texts[i] for i in used], [spans[i] for i in used], unlabelled=unlabelled)
            for i in held.tolist():
                self._add_candidates(part, texts[i], token_lists[i], targets[i], blocks, answers)
        # And the final model's own candidates on the same documents: out of fold its inputs
        # are worse than the final model's on new text (trained on a fraction of the data), in
        # sample better; learning from both keeps it from trusting them too little or too much.
        for i in chosen.tolist():
            self._add_candidates(self, texts[i], token_lists[i], targets[i], blocks, answers)
        y = np.concatenate(answers) if answers else np.zeros(0, dtype=bool)
        if y.all() or not y.any():
            return None
        model = LogisticRegression(C=self.rerank_c, solver="liblinear").fit(sp.vstack(blocks, format="csr"), y)
        return SpanReranker(model.coef_.ravel().copy(), float(model.intercept_[0]))

    def _add_candidates(
        self,
        model: SpanTagger,
        text: str,
        tokens: Sequence[Token],
        target: np.ndarray,
        blocks: list[sp.csr_matrix],
        answers: list[np.ndarray],
    ) -> None:
        """`model`'s candidates on a labelled document, their features and whether each is
        exactly a gold span, appended to `blocks` and `answers`."""
        if not tokens:
            return
        bounds = sentence_bounds(text, tokens)
        probs = model._fast_probabilities(text, tokens, bounds)
        path = np.array(decode(probs, model.tags_, model.transitions_), dtype=np.int64)
        firsts, lasts, labels, features = self._candidates(tokens, probs, path, bounds[0])
        number = {label: k for k, label in enumerate(self.labels_)}
        gold = {(a, b, number[label]) for a, b, label in _runs(target, self.tags_)}
        blocks.append(features.matrix())
        candidates = zip(firsts.tolist(), lasts.tolist(), labels.tolist(), strict=True)
        answers.append(np.fromiter((c in gold for c in candidates), bool, len(firsts)))

    def _candidates(
        self, tokens: Sequence[Token], probs: np.ndarray, path: np.ndarray, sid: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, reranking.CandidateFeatures]:
        """A document's candidate spans (first tokens, last tokens, label numbers) and their
        reranking features, from its tag probabilities, decoded path and sentence numbers."""
        number = {label: k for k, label in enumerate(self.labels_)}
        runs = [(a, b, number[label]) for a, b, label in _runs(path, self.tags_)]
        n_labels = len(self.labels_)
        firsts, lasts, labels = reranking.candidates(
            probs,
            sid,
            runs,
            n_labels=n_labels,
            start_min=_CANDIDATE_START,
            inside_min=_CANDIDATE_INSIDE,
            max_length=_CANDIDATE_LENGTH,
        )
        features = reranking.candidate_features(
            probs, [t.text for t in tokens], sid, runs, firsts, lasts, labels, n_labels=n_labels
        )
        return firsts, lasts, labels, features

    def _fit_layers(
        self,
        matrices: Sequence[sp.csr_matrix],
        targets: Sequence[np.ndarray],
        weights: Sequence[np.ndarray],
        epoch_cap: int = 1_000,
    ) -> None:
        """The first layer on all documents, and the stacked second one."""
        self.first_ = self._fit_linear(matrices, targets, weights, epoch_cap)
        # The fold layers take as many passes as the full one: over half the documents the
        # rule in `_fit_linear` would give them more, and they only make the guesses.
        fold_epochs = self._epochs(sum(m.shape[0] for m in matrices), epoch_cap)
        self.second_: LinearLayer | None = None
        if self.stacking and len(matrices) >= 4 and self.first_.classes.size > 1:
            # The second layer's training guesses come from first layers that never saw the
            # document (two folds), so they are as wrong as they will be on new text.
            order = np.random.RandomState(self.random_state).permutation(len(matrices))
            folds = [sorted(order[0::2]), sorted(order[1::2])]
            stacked: list[sp.csr_matrix] = list(matrices)
            for held, used in ((folds[0], folds[1]), (folds[1], folds[0])):
                layer = self._fit_linear(
                    [matrices[i] for i in used], [targets[i] for i in used], [weights[i] for i in used], fold_epochs
                )
                for i in held:
                    guesses = self._probabilities(layer, matrices[i])
                    stacked[i] = self._with_ids(matrices[i], self._stack_ids(guesses))
            self.second_ = self._fit_linear(stacked, targets, weights, epoch_cap)

    def unlabelled_wanted(self, n_labelled: int) -> int:
        """How many unlabelled texts `fit` self-trains on at most, given `n_labelled` labelled
        documents: `self_training_pool`, or none once they reach `self_training_max_labelled`
        (more labels teach more than the model's own guesses, and the time would grow with
        both). Callers can skip loading texts that would not be used."""
        return self.self_training_pool if n_labelled < self.self_training_max_labelled else 0

    def _self_training_pool(self, texts: Sequence[str], unlabelled: Sequence[str] | None) -> list[str]:
        """At most `unlabelled_wanted` of the unlabelled texts (a seeded sample, in their given
        order), none of them a training text."""
        wanted = self.unlabelled_wanted(len(texts))
        if not unlabelled or not wanted:
            return []
        known = set(texts)
        candidates = [text for text in dict.fromkeys(unlabelled) if text not in known and text.strip()]
        if len(candidates) > wanted:
            chosen = np.random.RandomState(self.random_state).choice(len(candidates), wanted, replace=False)
            candidates = [candidates[i] for i in sorted(chosen)]
        return candidates

    def _pseudo_labels(self, X: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """The decoded tags of an unlabelled document and their training weights:
        `self_training_weight` times the probability the model gives each decoded tag."""
        probs = self._tag_probabilities(X)
        path = np.array(decode(probs, self.tags_, self.transitions_), dtype=np.int64)
        confidence = probs[np.arange(len(path)), path]
        return path, self.self_training_weight * confidence

    def _tag_weight(self, i: int) -> float:
        """The class weight of tag number `i`: `o_weight` for O, else its label's weight."""
        if i == 0:
            return self.o_weight
        weights = DEFAULT_LABEL_WEIGHTS if self.label_weights is None else self.label_weights
        return float(weights.get(self.tags_[i][2:], 1.0))

    def _epochs(self, rows: int, cap: int) -> int:
        return max(2, min(self.max_iter, cap, int(1_000_000 / max(1, rows))))

    def _fit_linear(
        self,
        matrices: Sequence[sp.csr_matrix],
        targets: Sequence[np.ndarray],
        weights: Sequence[np.ndarray],
        epoch_cap: int = 1_000,
    ) -> LinearLayer:
        X = sp.vstack(matrices, format="csr")
        y = np.concatenate(targets)
        sample_weight = np.concatenate(weights)
        present = np.unique(y)
        if present.size < 2:
            # One tag only (no spans at all): nothing to discriminate; always predict it.
            return LinearLayer(np.zeros((self.n_features, 1)), np.zeros(1), present.astype(np.int64))
        # Epochs shrink as data grows (a pass over more tokens teaches more), so training time
        # grows with the data, not with epochs x data: 15 passes over 45 documents, 2 over 1,000.
        epochs = self._epochs(X.shape[0], epoch_cap)
        classifier = SGDClassifier(
            loss="log_loss",
            alpha=self.alpha,
            max_iter=epochs,
            tol=None,
            class_weight={int(i): self._tag_weight(int(i)) for i in present},
            random_state=self.random_state,
            average=True,
        )
        classifier.fit(X, y, sample_weight=sample_weight)
        # (features x classes), C-ordered: a sparse row times it is fast, unlike sparse times
        # the transposed view scikit-learn's predict_proba multiplies by.
        return LinearLayer(np.ascontiguousarray(classifier.coef_.T), classifier.intercept_.copy(), classifier.classes_)

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

    # --- predict -------------------------------------------------------------------------------

    def _probabilities(self, layer: LinearLayer, X: sp.csr_matrix, extra: np.ndarray | None = None) -> np.ndarray:
        """(tokens x tags) probabilities, zero for tags the layer never saw; `extra` adds
        one-hot columns (tokens x m ids) without building a new matrix."""
        if not X.shape[0] or layer.classes.size == 1:
            return self._from_scores(layer, np.zeros((X.shape[0], 0)))
        return self._from_scores(layer, X @ layer.weights, extra)

    def _from_scores(self, layer: LinearLayer, scores: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
        """Probabilities from the layer's scores without intercepts (tokens x its classes)."""
        probs = np.zeros((len(scores), len(self.tags_)))
        if not len(scores):
            return probs
        if layer.classes.size == 1:
            probs[:, layer.classes[0]] = 1.0
            return probs
        scores = scores + layer.intercept
        if extra is not None:
            scores += layer.weights[extra].sum(axis=1)
        # One-vs-rest probabilities, normalised: what SGDClassifier.predict_proba computes.
        known = expit(scores)
        if known.shape[1] == 1:  # two classes: one column of scores, for the second
            known = np.hstack([1.0 - known, known])
        known /= known.sum(axis=1, keepdims=True)
        probs[:, layer.classes] = known
        return probs

    def _tag_probabilities(self, X: sp.csr_matrix) -> np.ndarray:
        probs = self._probabilities(self.first_, X)
        if self.second_ is not None:
            probs = self._probabilities(self.second_, X, self._stack_ids(probs))
        return probs

    # Prediction's fast path. A word's own features and its short form at each offset are the
    # same wherever it stands, so their weights are summed once per word and kept (for as long
    # as the tagger is loaded); a document then costs a lookup per token and the few
    # features that depend on the context (position, cues, bigrams, stacking).

    def _word_scores(self, words: Sequence[str]) -> np.ndarray:
        """(tokens x (1 + 2 window) x (first + second layer's classes)): the summed weights of
        each word's own features, and of its short form seen from each offset."""
        rows: dict[str, int] | None = self.__dict__.get("_word_rows")
        if rows is None or len(rows) > _WORD_CACHE_SIZE:
            rows = self.__dict__["_word_rows"] = {}
            self.__dict__["_word_table"] = None
        missing = [w for w in dict.fromkeys(words) if w not in rows]
        if missing:
            self._add_words(rows, missing)
        return self.__dict__["_word_table"][np.fromiter(map(rows.__getitem__, words), np.int64, len(words))]

    def _add_words(self, rows: dict[str, int], words: list[str]) -> None:
        layers = [self.first_] if self.second_ is None else [self.first_, self.second_]
        families = [ids for word in words for ids in word_feature_ids(word, self.window)]
        lengths = np.fromiter(map(len, families), np.int64, len(families))
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        columns = np.concatenate(families) % self.n_features
        sums = np.hstack([np.add.reduceat(layer.weights[columns], starts, axis=0) for layer in layers])
        block = sums.reshape(len(words), len(families) // len(words), -1)
        table = self.__dict__["_word_table"]
        used = len(rows)
        if table is None or used + len(words) > len(table):
            grown = np.empty((max(1024, 2 * (used + len(words))), *block.shape[1:]))
            if table is not None:
                grown[:used] = table[:used]
            table = self.__dict__["_word_table"] = grown
        table[used : used + len(words)] = block
        rows.update(zip(words, range(used, used + len(words)), strict=True))

    def _fast_scores(
        self, text: str, tokens: Sequence[Token], bounds: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    ) -> np.ndarray:
        """(tokens x classes of both layers) scores without intercepts or stacking: what
        `X @ weights` gives, layer beside layer. `bounds`: `sentence_bounds`, if known."""
        n = len(tokens)
        bounds = bounds if bounds is not None else sentence_bounds(text, tokens)
        sid = bounds[0]
        table = self._word_scores([t.text for t in tokens])
        scores = table[:, 0, :].copy()
        offsets = [r for r in range(-self.window, self.window + 1) if r]
        index = np.arange(n)
        for family, r in enumerate(offsets, start=1):
            # Token i sees the word at i + r, if that is in its sentence.
            seen = index[max(0, -r) : min(n, n - r)]
            seen = seen[sid[seen + r] == sid[seen]]
            scores[seen] += table[seen + r, family]
        rows, ids = document_feature_ids(
            text, tokens, window=self.window, gazetteer=self.gazetteer_, with_words=False, bounds=bounds
        )
        X = self._csr(rows, ids, n)
        layers = [self.first_] if self.second_ is None else [self.first_, self.second_]
        return scores + np.hstack([X @ layer.weights for layer in layers])

    def _fast_probabilities(
        self, text: str, tokens: Sequence[Token], bounds: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    ) -> np.ndarray:
        scores = self._fast_scores(text, tokens, bounds)
        width = self.first_.weights.shape[1]
        probs = self._from_scores(self.first_, scores[:, :width])
        if self.second_ is not None:
            probs = self._from_scores(self.second_, scores[:, width:], self._stack_ids(probs))
        return probs

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_word_rows", None)  # rebuilt on demand; the weights are what is saved
        state.pop("_word_table", None)
        return state

    def predict_documents(self, texts: Sequence[str]) -> list[Prediction]:
        """Scored spans and an uncertainty for each text."""
        check_is_fitted(self, "tags_")
        return [self._predict_one(text) for text in texts]

    def _predict_one(self, text: str) -> Prediction:
        tokens = tokenize(text)
        if not tokens:
            return Prediction([], 0.0)
        bounds = sentence_bounds(text, tokens)
        probs = self._fast_probabilities(text, tokens, bounds)
        path = np.array(decode(probs, self.tags_, self.transitions_), dtype=np.int64)
        entropy = -(probs * np.log2(probs + _EPS)).sum(axis=1)
        uncertainty = max(0.0, float(np.sort(entropy)[-self.top_k :].mean()))
        reranker = getattr(self, "reranker_", None)
        if reranker is not None:
            return Prediction(self._reranked(tokens, probs, path, bounds[0], reranker), uncertainty)
        chosen = np.concatenate([[0.0], np.cumsum(probs[np.arange(len(path)), path])]).tolist()
        spans: list[ScoredSpan] = []
        for first, last, label in _runs(path, self.tags_):
            score = (chosen[last + 1] - chosen[first]) / (last + 1 - first)  # mean over its tokens
            # A span the decoder's transitions forced through tags the classifier all but ruled
            # out is no suggestion anyone should see.
            if score >= MIN_SPAN_SCORE:
                spans.append(ScoredSpan(tokens[first].start, tokens[last].end, label, score))
        return Prediction(spans, uncertainty)

    def _reranked(
        self, tokens: Sequence[Token], probs: np.ndarray, path: np.ndarray, sid: np.ndarray, reranker: SpanReranker
    ) -> list[ScoredSpan]:
        """The best non-overlapping candidates by the reranker, scored by its probability."""
        firsts, lasts, labels, features = self._candidates(tokens, probs, path, sid)
        if not len(firsts):
            return []
        scores = expit(features.scores(reranker.weights, reranker.intercept))
        return [
            ScoredSpan(tokens[firsts[c]].start, tokens[lasts[c]].end, self.labels_[labels[c]], float(scores[c]))
            for c in reranking.best_spans(firsts, lasts, scores, self.rerank_threshold)
        ]

    def predict(self, texts: Sequence[str]) -> list[list[Span]]:
        """Spans (without scores) for each text: the plain form span F1 takes."""
        return [[s.as_span() for s in p.spans] for p in self.predict_documents(texts)]
