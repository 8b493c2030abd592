"""Linear one-vs-rest layers over hashed sparse features: building the matrices, fitting a
layer by SGD and turning its scores into tag probabilities.

A layer's weights are kept as a dense (features x classes) C-ordered array: a sparse row
times it is fast, unlike sparse times the transposed view scikit-learn's `predict_proba`
multiplies by, and a word's summed weights can be cached (see `cache`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.linear_model import SGDClassifier


@dataclass
class LinearLayer:
    """A fitted linear one-vs-rest layer: weights (features x classes), intercepts, and the
    tag indexes its columns stand for."""

    weights: np.ndarray
    intercept: np.ndarray
    classes: np.ndarray


def csr_from_ids(rows: np.ndarray, ids: np.ndarray, n_rows: int, n_features: int) -> sp.csr_matrix:
    """(n_rows x n_features) matrix with a one for each (row, feature id); a repeated feature
    counts twice."""
    return csr_from_columns(rows, ids % n_features, n_rows, n_features)


def csr_from_columns(rows: np.ndarray, columns: np.ndarray, n_rows: int, width: int) -> sp.csr_matrix:
    """(n_rows x width) matrix with a one for each (row, column)."""
    # Straight to CSR (rows sorted, duplicates kept: they add up in every product), which
    # skips the sorting and merging the COO route spends most of its time on.
    order = np.argsort(rows, kind="stable")
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    data = np.ones(len(columns), dtype=np.float64)
    return sp.csr_matrix((data, columns[order].astype(np.int32), indptr), shape=(n_rows, width))


class Vocabulary:
    """Hashed columns numbered densely in order of first sight (`index`), shared by the
    models one training fits: their layers are fitted over the columns the training's texts
    use, not over the whole hashed space (per-class work over 2^20 columns was most of a
    small training's time). A fitted tagger keeps them (`columns`) to look features up."""

    def __init__(self, n_features: int) -> None:
        self.n_features = n_features
        self._slot = np.full(n_features, -1, dtype=np.int32)
        self._hashed: list[np.ndarray] = []
        self.size = 0

    def index(self, columns: np.ndarray) -> np.ndarray:
        """The dense numbers of hashed `columns`, new ones numbered after the known ones."""
        numbers: np.ndarray = self._slot[columns]
        fresh = numbers < 0
        if fresh.any():
            new = np.unique(columns[fresh])
            self._slot[new] = np.arange(self.size, self.size + len(new), dtype=np.int32)
            self._hashed.append(new)
            self.size += len(new)
            numbers = self._slot[columns]
        return numbers

    def columns(self) -> np.ndarray:
        """The hashed column of each dense number."""
        return np.concatenate(self._hashed) if self._hashed else np.zeros(0, dtype=np.int64)


def widen(layer: LinearLayer, rows: int) -> LinearLayer:
    """The layer with zero weights for the dense columns past its width, up to `rows`."""
    extra = rows - layer.weights.shape[0]
    if extra <= 0:
        return layer
    weights = np.vstack([layer.weights, np.zeros((extra, layer.weights.shape[1]))])
    return LinearLayer(weights, layer.intercept, layer.classes)


def lookup_table(columns: np.ndarray, n_features: int) -> np.ndarray:
    """Hashed column -> its dense number in `columns`; `len(columns)` for every other one
    (a fitted tagger's weights end with a zero row there: an unseen feature weighs 0)."""
    table = np.full(n_features, len(columns), dtype=np.int32)
    table[columns] = np.arange(len(columns), dtype=np.int32)
    return table


def stack_rows(matrices: Sequence[sp.csr_matrix], width: int = 0) -> sp.csr_matrix:
    """The rows of `matrices` in one matrix as wide as the widest or `width` (dense column
    numbers grow as texts are featurised; a narrower matrix has no entry past its width)."""
    width = max(width, *(m.shape[1] for m in matrices))
    ends = np.cumsum([m.nnz for m in matrices])
    indptr = np.concatenate([[0]] + [m.indptr[1:] + (end - m.nnz) for m, end in zip(matrices, ends, strict=True)])
    return sp.csr_matrix(
        (
            np.concatenate([m.data for m in matrices]),
            np.concatenate([m.indices for m in matrices]),
            indptr.astype(np.int64),
        ),
        shape=(sum(m.shape[0] for m in matrices), width),
    )


def product(X: sp.csr_matrix, weights: np.ndarray) -> np.ndarray:
    """X @ weights when X is narrower or wider than the weights have rows (dense column
    numbers: columns past a layer's width were unseen when it was fitted, weight zero)."""
    width = weights.shape[0]
    if X.shape[1] < width:
        X = sp.csr_matrix((X.data, X.indices, X.indptr), shape=(X.shape[0], width))
    elif X.shape[1] > width:
        weights = np.vstack([weights, np.zeros((X.shape[1] - width, weights.shape[1]))])
    result: np.ndarray = X @ weights
    return result


def with_ids(X: sp.csr_matrix, extra: np.ndarray) -> sp.csr_matrix:
    """X with `extra` (rows x m column ids) appended to each row, in O(nonzeros): row r's
    entries move right by r*m places and its m extra entries follow them."""
    n, m = extra.shape
    counts = np.diff(X.indptr)
    indptr = X.indptr + np.arange(n + 1) * m
    indices = np.empty(X.nnz + n * m, dtype=np.int32)
    indices[np.arange(X.nnz) + np.repeat(np.arange(n), counts) * m] = X.indices
    indices[(X.indptr[1:] + np.arange(n) * m)[:, None] + np.arange(m)] = extra
    data = np.ones(len(indices), dtype=np.float64)
    width = max(X.shape[1], int(extra.max()) + 1) if extra.size else X.shape[1]
    return sp.csr_matrix((data, indices, indptr), shape=(n, width))


def epochs(rows: int, max_iter: int, cap: int) -> int:
    """SGD passes over `rows` training rows: fewer as data grows (a pass over more tokens
    teaches more), so training time grows with the data, not with epochs x data: 15 passes
    over 45 documents, 2 over 1,000."""
    return max(2, min(max_iter, cap, int(1_000_000 / max(1, rows))))


@dataclass(frozen=True)
class SGDSettings:
    """What `fit_linear` needs of the estimator's parameters (`n_features`: the width of
    the weights, the vocabulary's size for dense-numbered matrices)."""

    n_features: int
    alpha: float
    max_iter: int
    random_state: int


def fit_linear(
    matrices: Sequence[sp.csr_matrix],
    targets: Sequence[np.ndarray],
    weights: Sequence[np.ndarray],
    *,
    settings: SGDSettings,
    class_weights: Mapping[int, float],
    epoch_cap: int = 1_000,
    compact: bool = False,
) -> LinearLayer:
    """A layer fitted by SGD with log loss (averaged) on the stacked rows; `class_weights`
    maps each tag index to its class weight. `compact`: the matrices' columns are dense
    numbers (a `Vocabulary`'s, `settings.n_features` of them at least) and so are the
    layer's weight rows; else they are hashed columns (n_features)."""
    X = stack_rows(matrices, settings.n_features) if compact else sp.vstack(matrices, format="csr")
    y = np.concatenate(targets)
    sample_weight = np.concatenate(weights)
    present = np.unique(y)
    width = X.shape[1] if compact else settings.n_features
    if present.size < 2:
        # One tag only (no spans at all): nothing to discriminate; always predict it.
        return LinearLayer(np.zeros((width, 1)), np.zeros(1), present.astype(np.int64))
    classifier = SGDClassifier(
        loss="log_loss",
        alpha=settings.alpha,
        max_iter=epochs(X.shape[0], settings.max_iter, epoch_cap),
        tol=None,
        class_weight={int(i): class_weights[int(i)] for i in present},
        random_state=settings.random_state,
        average=True,
    )
    if compact:
        classifier.fit(X, y, sample_weight=sample_weight)
        return LinearLayer(np.ascontiguousarray(classifier.coef_.T), classifier.intercept_.copy(), classifier.classes_)
    # SGD on the columns the rows use only, renumbered in order: an unused column's weight
    # stays zero under every update, so the fit is the same, without the per-class costs of
    # a weight vector over the whole hashed space.
    used_mask = np.zeros(X.shape[1], dtype=bool)
    used_mask[X.indices] = True  # a mask, not np.unique: no sort of every nonzero
    used = np.flatnonzero(used_mask)
    renumber = (np.cumsum(used_mask) - 1).astype(np.int32)
    narrow = sp.csr_matrix((X.data, renumber[X.indices], X.indptr), shape=(X.shape[0], used.size))
    classifier.fit(narrow, y, sample_weight=sample_weight)
    coef = np.zeros((settings.n_features, classifier.coef_.shape[0]))
    coef[used] = classifier.coef_.T
    return LinearLayer(coef, classifier.intercept_.copy(), classifier.classes_)


def probabilities(layer: LinearLayer, X: sp.csr_matrix, n_tags: int, extra: np.ndarray | None = None) -> np.ndarray:
    """(rows x n_tags) probabilities, zero for tags the layer never saw; `extra` adds one-hot
    columns (rows x m ids) without building a new matrix."""
    if not X.shape[0] or layer.classes.size == 1:
        return from_scores(layer, np.zeros((X.shape[0], 0)), n_tags)
    return from_scores(layer, product(X, layer.weights), n_tags, extra)


def from_scores(layer: LinearLayer, scores: np.ndarray, n_tags: int, extra: np.ndarray | None = None) -> np.ndarray:
    """Probabilities from the layer's scores without intercepts (rows x its classes)."""
    probs = np.zeros((len(scores), n_tags))
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
