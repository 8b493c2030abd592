"""The per-word weight cache behind prediction's fast path.

A word's own features and its short form at each neighbour offset are the same wherever it
stands, so their weights are summed once per word and kept for as long as the tagger is
loaded; a document then costs a lookup per token plus the few features that depend on the
context (position, cues, bigrams, stacking). The sums belong to one set of layers: a tagger
makes a new cache when it is fitted again, and never pickles it (the weights are what is
saved).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annotator.tagger.features import word_feature_ids
from annotator.tagger.linear import LinearLayer

MAX_WORDS = 50_000  # words kept before the cache starts over (under 60 MB)


class WordScores:
    """Summed weights of words for fixed layers: `of(words)` is (words x (1 + 2 window) x
    (all layers' classes)): each word's own features, then its short form seen from each
    offset -window..-1, 1..window."""

    def __init__(
        self,
        layers: Sequence[LinearLayer],
        window: int,
        n_features: int,
        max_words: int = MAX_WORDS,
        lookup: np.ndarray | None = None,
    ):
        self.layers = list(layers)
        self.lookup = lookup  # hashed column -> the layers' weight row (None: the same)
        self.window = window
        self.n_features = n_features
        self.max_words = max_words
        self.rows: dict[str, int] = {}
        self.table: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def of(self, words: Sequence[str]) -> np.ndarray:
        if not words:
            return np.zeros((0, 1 + 2 * self.window, sum(layer.weights.shape[1] for layer in self.layers)))
        if len(self.rows) > self.max_words:
            self.rows, self.table = {}, None
        missing = [w for w in dict.fromkeys(words) if w not in self.rows]
        if missing:
            self._add(missing)
        assert self.table is not None  # filled by `_add` above
        return self.table[np.fromiter(map(self.rows.__getitem__, words), np.int64, len(words))]

    def _add(self, words: list[str]) -> None:
        families = [ids for word in words for ids in word_feature_ids(word, self.window)]
        lengths = np.fromiter(map(len, families), np.int64, len(families))
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        columns = np.concatenate(families) % self.n_features
        if self.lookup is not None:
            columns = self.lookup[columns]
        sums = np.hstack([np.add.reduceat(layer.weights[columns], starts, axis=0) for layer in self.layers])
        block = sums.reshape(len(words), len(families) // len(words), -1)
        used = len(self.rows)
        if self.table is None or used + len(words) > len(self.table):
            grown = np.empty((max(1024, 2 * (used + len(words))), *block.shape[1:]))
            if self.table is not None:
                grown[:used] = self.table[:used]
            self.table = grown
        self.table[used : used + len(words)] = block
        self.rows.update(zip(words, range(used, used + len(words)), strict=True))
