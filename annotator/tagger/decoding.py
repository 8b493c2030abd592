"""Viterbi decoding over BIO tags with impossible transitions forbidden.

The classifier gives each token a probability for each tag independently; decoding picks the
tag sequence with the highest total log-probability among the *valid* ones: an `I-X` tag may
only follow `B-X` or `I-X` (so never starts a document or follows `O` or another label). The
result is always a well-formed IOB2 sequence, so every decoded span is whole.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


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


def viterbi(log_probs: np.ndarray, tags: Sequence[str], transitions: np.ndarray | None = None) -> list[int]:
    """The best valid tag path (indexes into `tags`) for a (tokens x tags) log-prob matrix;
    `transitions` (tags x tags, previous x next) adds learned transition scores."""
    n, k = log_probs.shape
    if n == 0:
        return []
    penalty = np.where(allowed_transitions(tags), 0.0, -math.inf)
    if transitions is not None:
        penalty = penalty + transitions
    score = np.where(allowed_starts(tags), log_probs[0], -math.inf)
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
