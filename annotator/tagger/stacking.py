"""Two linear layers, the second stacked on the first.

The second layer also sees the first one's best tag for the token and its neighbours (at
offsets -2..2) and how sure it was, which gives it the context a CRF gets from its
transitions. Its training guesses come from first layers that never saw the document (two
folds), so they are as wrong as they will be on new text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from annotator.tagger import linear
from annotator.tagger.features import feature_id
from annotator.tagger.linear import LinearLayer, SGDSettings

OFFSETS = (-2, -1, 0, 1, 2)
_CONFIDENCE_BINS = 5


@dataclass(frozen=True)
class StackColumns:
    """Column ids of the stacking features: `table[offset position, tag]` (the last tag
    column: outside the document) and `confidence[bin]`."""

    table: np.ndarray
    confidence: np.ndarray

    @classmethod
    def for_tags(cls, tags: Sequence[str], n_features: int) -> StackColumns:
        table = np.zeros((len(OFFSETS), len(tags) + 1), dtype=np.int64)
        for row, offset in enumerate(OFFSETS):
            for k, tag in enumerate([*tags, "-"]):
                table[row, k] = feature_id(f"s{offset}={tag}") % n_features
        confidence = np.array([feature_id(f"s0c={b}") % n_features for b in range(_CONFIDENCE_BINS)])
        return cls(table, confidence)

    def ids(self, probs: np.ndarray) -> np.ndarray:
        """(tokens x 6) column ids: the first layer's best tag at each offset and its
        confidence."""
        n = len(probs)
        if not n:
            return np.zeros((0, len(OFFSETS) + 1), dtype=np.int64)
        best = probs.argmax(axis=1)
        padded = np.concatenate([[-1, -1], best, [-1, -1]])
        columns = [self.table[row, padded[2 + offset : 2 + offset + n]] for row, offset in enumerate(OFFSETS)]
        confidence = np.minimum((probs.max(axis=1) * 4).astype(np.int64), _CONFIDENCE_BINS - 1)
        columns.append(self.confidence[confidence])
        return np.stack(columns, axis=1)


@dataclass
class Guesses:
    """The stacking columns of the documents a second layer was trained on, and the fold
    layers that made them (none when they were given)."""

    ids: list[np.ndarray]
    layers: list[LinearLayer]


def out_of_fold_ids(
    matrices: Sequence[sp.csr_matrix],
    targets: Sequence[np.ndarray],
    weights: Sequence[np.ndarray],
    *,
    settings: SGDSettings,
    class_weights: Mapping[int, float],
    columns: StackColumns,
    n_tags: int,
    epochs: int,
    compact: bool = False,
) -> Guesses:
    """Each document's stacking columns (`StackColumns.ids`) from a first layer fitted on
    the other fold (two folds, seeded): guesses as wrong as they will be on new text."""
    order = np.random.RandomState(settings.random_state).permutation(len(matrices))
    folds = [sorted(order[0::2]), sorted(order[1::2])]
    ids: list[np.ndarray] = [np.zeros((0, len(OFFSETS) + 1), dtype=np.int64)] * len(matrices)
    layers = []
    for held, used in ((folds[0], folds[1]), (folds[1], folds[0])):
        layer = linear.fit_linear(
            [matrices[i] for i in used],
            [targets[i] for i in used],
            [weights[i] for i in used],
            settings=settings,
            class_weights=class_weights,
            epoch_cap=epochs,
            compact=compact,
        )
        layers.append(layer)
        for i in held:
            ids[i] = columns.ids(linear.probabilities(layer, matrices[i], n_tags))
    return Guesses(ids, layers)


def fit_layers(
    matrices: Sequence[sp.csr_matrix],
    targets: Sequence[np.ndarray],
    weights: Sequence[np.ndarray],
    *,
    settings: SGDSettings,
    class_weights: Mapping[int, float],
    columns: StackColumns,
    n_tags: int,
    stacking: bool,
    epoch_cap: int = 1_000,
    stack_ids: Sequence[np.ndarray] | None = None,
    compact: bool = False,
) -> tuple[LinearLayer, LinearLayer | None, Guesses | None]:
    """The first layer on all documents, the stacked second one (None: stacking off, under
    four documents, or one tag only) and the stacking columns it was trained on.
    `stack_ids`: those columns, if already known (self-training reuses the labelled
    documents' out-of-fold ones), else made by `out_of_fold_ids`. `compact`: see
    `linear.fit_linear`."""
    first = linear.fit_linear(
        matrices,
        targets,
        weights,
        settings=settings,
        class_weights=class_weights,
        epoch_cap=epoch_cap,
        compact=compact,
    )
    if not (stacking and len(matrices) >= 4 and first.classes.size > 1):
        return first, None, None
    guesses = Guesses(list(stack_ids), []) if stack_ids is not None else None
    if guesses is None:
        # The fold layers take as many passes as the full one: over half the documents the
        # rule in `linear.epochs` would give them more, and they only make the guesses.
        fold_epochs = linear.epochs(sum(m.shape[0] for m in matrices), settings.max_iter, epoch_cap)
        guesses = out_of_fold_ids(
            matrices,
            targets,
            weights,
            settings=settings,
            class_weights=class_weights,
            columns=columns,
            n_tags=n_tags,
            epochs=fold_epochs,
            compact=compact,
        )
    stacked = [linear.with_ids(m, ids) for m, ids in zip(matrices, guesses.ids, strict=True)]
    second = linear.fit_linear(
        stacked,
        targets,
        weights,
        settings=settings,
        class_weights=class_weights,
        epoch_cap=epoch_cap,
        compact=compact,
    )
    return first, second, guesses


def stacked_probabilities(
    first: LinearLayer, second: LinearLayer | None, columns: StackColumns, X: sp.csr_matrix, n_tags: int
) -> np.ndarray:
    """(tokens x tags) probabilities of the two layers on a feature matrix."""
    probs = linear.probabilities(first, X, n_tags)
    if second is not None:
        probs = linear.probabilities(second, X, n_tags, columns.ids(probs))
    return probs
