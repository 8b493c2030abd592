"""Viterbi decoding over BIO tags with impossible transitions forbidden.

The classifier gives each token a probability for each tag independently; decoding picks the
tag sequence with the highest total log-probability among the *valid* ones: an `I-X` tag may
only follow `B-X` or `I-X` (so never starts a document or follows `O` or another label). The
result is always a well-formed IOB2 sequence, so every decoded span is whole.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

import numpy as np

SURE_O = 0.995


@lru_cache(maxsize=64)
def _penalty(tags: tuple[str, ...]) -> np.ndarray:
    return np.where(allowed_transitions(tags), 0.0, -math.inf)


def allowed_transitions(tags: Sequence[str]) -> np.ndarray:
    """allowed[i, j] is True when tag j may follow tag i."""
    allowed = np.ones((len(tags), len(tags)), dtype=bool)
    for j, tag in enumerate(tags):
        if tag.startswith("I-"):
            label = tag[2:]
            for i, previous in enumerate(tags):
                allowed[i, j] = previous in (f"B-{label}", f"I-{label}")
    return allowed


def allowed_starts(tags: Sequence[str]) -> np.ndarray:
    return np.array([not t.startswith("I-") for t in tags], dtype=bool)


@lru_cache(maxsize=64)
def _start_penalty(tags: tuple[str, ...]) -> np.ndarray:
    return np.where(allowed_starts(tags), 0.0, -math.inf)


def viterbi(log_probs: np.ndarray, tags: Sequence[str], transitions: np.ndarray | None = None) -> list[int]:
    """The best valid tag path (indexes into `tags`) for a (tokens x tags) log-prob matrix;
    `transitions` (tags x tags, previous x next) adds learned transition scores."""
    n, k = log_probs.shape
    if n == 0:
        return []
    penalty = _penalty(tuple(tags))
    if transitions is not None:
        penalty = penalty + transitions
    score = log_probs[0] + _start_penalty(tuple(tags))
    back = np.zeros((n, k), dtype=np.int64)
    for t in range(1, n):
        candidates = score[:, None] + penalty  # previous x next
        back[t] = candidates.argmax(axis=0)
        score = candidates[back[t], np.arange(k)] + log_probs[t]
    path = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    path.reverse()
    return path


def decode(probs: np.ndarray, tags: Sequence[str], transitions: np.ndarray | None = None) -> list[int]:
    """Viterbi over the stretches where a span may be: a token the classifier puts at `O`
    with probability >= `SURE_O` is fixed to `O` and splits the document, so decoding costs
    grow with the uncertain tokens, not the document. (A fixed `O` ends any span, so each
    stretch starts as a document does; exact whenever no best path runs through such a token,
    which its near-zero span probability all but rules out.)"""
    n = len(probs)
    if tags[0] != "O":
        raise ValueError("tag 0 must be O")
    path = np.zeros(n, dtype=np.int64)
    edges = np.diff(np.concatenate([[0], (probs[:, 0] < SURE_O).astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(starts):
        return path.tolist()
    log_probs = np.log(probs + 1e-9)
    first = _start_penalty(tuple(tags))
    for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
        if stop - start == 1:  # a lone uncertain token: its best tag that may start a span
            path[start] = int((log_probs[start] + first).argmax())
        else:
            path[start:stop] = viterbi(log_probs[start:stop], tags, transitions)
    return path.tolist()


def runs(path: np.ndarray, tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first token, last token, label) of each span in a decoded tag path: what
    `bio_to_spans` reads from the tags, found from the tokens not at O only."""
    found: list[tuple[int, int, str]] = []
    current: tuple[int, int, str] | None = None
    for i in np.flatnonzero(path).tolist():
        kind, label = tags[path[i]][0], tags[path[i]][2:]
        if kind == "I" and current is not None and current[1] == i - 1 and current[2] == label:
            current = (current[0], i, label)
            continue
        if current is not None:
            found.append(current)
        current = (i, i, label)
    if current is not None:
        found.append(current)
    return found


def transition_scores(tag_lists: Sequence[Sequence[str]], tags: Sequence[str], weight: float) -> np.ndarray:
    """log P(next | previous) - log P(next), add-one smoothed, times `weight`: how much more
    (or less) likely a tag is after another than on its own."""
    index = {tag: i for i, tag in enumerate(tags)}
    k = len(tags)
    pairs = np.ones((k, k))
    for sequence in tag_lists:
        for previous, current in pairwise(sequence):
            pairs[index[previous], index[current]] += 1
    conditional = np.log(pairs / pairs.sum(axis=1, keepdims=True))
    prior = np.log(pairs.sum(axis=0) / pairs.sum())
    scores: np.ndarray = weight * (conditional - prior[None, :])
    return scores
