"""Tokens and hashed feature columns of texts, kept across trainings in one process.

A project's trainings self-train on much the same pool (the corpus articles and the open
documents), and featurising its 150 articles was about a fifth of a small training's CPU
time (docs/benchmarks.md, #18). The worker keeps what a text gave, keyed by the text
itself, the feature window, the gazetteer and `FEATURE_VERSION`, so a later training only
numbers the columns. The columns are the features' hashed columns in row order, exactly
what `document_feature_ids` gives, so a training is the same with or without the cache.
Bounded (least recently used out first): at most `MAX_ENTRIES` feature entries in all.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from annotator.tagger.features import FEATURE_VERSION, document_feature_ids
from annotator.tokenize import Token, tokenize

MAX_ENTRIES = 8_000_000  # feature entries kept (4 bytes each: about 32 MB, 600 articles)


@dataclass(frozen=True)
class TextFeatures:
    """A text's tokens, and its features' hashed columns sorted by token (`counts[i]` of
    token i's)."""

    tokens: list[Token]
    columns: np.ndarray
    counts: np.ndarray


class FeatureCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[tuple[Hashable, ...], TextFeatures] = OrderedDict()
        self._tokens: OrderedDict[str, list[Token]] = OrderedDict()
        self._entries = 0

    def clear(self) -> None:
        self._items.clear()
        self._tokens.clear()
        self._entries = 0

    def tokens(self, text: str) -> list[Token]:
        """`tokenize(text)`, kept with the features (a text without features yet keeps its
        tokens apart, up to as many texts as the feature entries allow)."""
        tokens = self._tokens.get(text)
        if tokens is None:
            tokens = tokenize(text)
            self._tokens[text] = tokens
            if len(self._tokens) > 2_000:
                self._tokens.popitem(last=False)
        else:
            self._tokens.move_to_end(text)
        return tokens

    def features(
        self, text: str, *, window: int, gazetteer: Mapping[str, str], gazetteer_key: Hashable, n_features: int
    ) -> TextFeatures:
        """The text's features for this window and gazetteer (`gazetteer_key` names it:
        the caller makes it once per gazetteer), hashed into `n_features` columns."""
        key = (FEATURE_VERSION, text, window, gazetteer_key, n_features)
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            return found
        tokens = self.tokens(text)
        rows, ids = document_feature_ids(text, tokens, window=window, gazetteer=gazetteer)
        order = np.argsort(rows, kind="stable")
        found = TextFeatures(
            tokens,
            (ids[order] % n_features).astype(np.int32),
            np.bincount(rows, minlength=len(tokens)).astype(np.int64),
        )
        self._items[key] = found
        self._entries += len(found.columns)
        while self._entries > self.max_entries and len(self._items) > 1:
            _, old = self._items.popitem(last=False)
            self._entries -= len(old.columns)
        return found


def gazetteer_key(gazetteer: Mapping[str, str]) -> Hashable:
    """A key naming the gazetteer's entries (the same entries, the same key)."""
    return tuple(sorted(gazetteer.items()))


def counts_to_indptr(counts: Sequence[int] | np.ndarray) -> np.ndarray:
    indptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr


# One per process: a Celery worker's trainings share it.
SHARED = FeatureCache()
