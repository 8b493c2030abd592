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
    # Straight to CSR (rows sorted, duplicates kept: they add up in every product), which
    # skips the sorting and merging the COO route spends most of its time on.
    order = np.argsort(rows, kind="stable")
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    columns = (ids[order] % n_features).astype(np.int32)
    data = np.ones(len(columns), dtype=np.float64)
    return sp.csr_matrix((data, columns, indptr), shape=(n_rows, n_features))


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
    return sp.csr_matrix((data, indices, indptr), shape=X.shape)


def epochs(rows: int, max_iter: int, cap: int) -> int:
    """SGD passes over `rows` training rows: fewer as data grows (a pass over more tokens
    teaches more), so training time grows with the data, not with epochs x data: 15 passes
    over 45 documents, 2 over 1,000."""
    return max(2, min(max_iter, cap, int(1_000_000 / max(1, rows))))


@dataclass(frozen=True)
class SGDSettings:
    """What `fit_linear` needs of the estimator's parameters."""

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
) -> LinearLayer:
    """A layer fitted by SGD with log loss (averaged) on the stacked rows; `class_weights`
    maps each tag index to its class weight."""
    X = sp.vstack(matrices, format="csr")
    y = np.concatenate(targets)
    sample_weight = np.concatenate(weights)
    present = np.unique(y)
    if present.size < 2:
        # One tag only (no spans at all): nothing to discriminate; always predict it.
        return LinearLayer(np.zeros((settings.n_features, 1)), np.zeros(1), present.astype(np.int64))
    classifier = SGDClassifier(
        loss="log_loss",
        alpha=settings.alpha,
        max_iter=epochs(X.shape[0], settings.max_iter, epoch_cap),
        tol=None,
        class_weight={int(i): class_weights[int(i)] for i in present},
        random_state=settings.random_state,
        average=True,
    )
    # SGD on the columns the rows use only, renumbered in order: an unused column's weight
    # stays zero under every update, so the fit is the same, without the per-class costs of
    # a weight vector over the whole hashed space (most of a small training's time).
    present = np.zeros(X.shape[1], dtype=bool)
    present[X.indices] = True  # a mask, not np.unique: no sort of every nonzero
    used = np.flatnonzero(present)
    renumber = (np.cumsum(present) - 1).astype(np.int32)
    compact = sp.csr_matrix((X.data, renumber[X.indices], X.indptr), shape=(X.shape[0], used.size))
    classifier.fit(compact, y, sample_weight=sample_weight)
    coef = np.zeros((settings.n_features, classifier.coef_.shape[0]))
    coef[used] = classifier.coef_.T
    return LinearLayer(coef, classifier.intercept_.copy(), classifier.classes_)


def probabilities(layer: LinearLayer, X: sp.csr_matrix, n_tags: int, extra: np.ndarray | None = None) -> np.ndarray:
    """(rows x n_tags) probabilities, zero for tags the layer never saw; `extra` adds one-hot
    columns (rows x m ids) without building a new matrix."""
    if not X.shape[0] or layer.classes.size == 1:
        return from_scores(layer, np.zeros((X.shape[0], 0)), n_tags)
    return from_scores(layer, X @ layer.weights, n_tags, extra)


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
