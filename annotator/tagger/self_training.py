"""Self-training: the tagger tags a bounded, seeded sample of unlabelled texts and is trained
again on its labelled documents plus these guesses, weighted down by how sure it was."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def wanted(n_labelled: int, *, pool: int, max_labelled: int) -> int:
    """How many unlabelled texts to self-train on at most: `pool`, or none once there are
    `max_labelled` labelled documents (more labels teach more than the model's own guesses,
    and the time would grow with both)."""
    return pool if n_labelled < max_labelled else 0


def sample_pool(texts: Sequence[str], unlabelled: Sequence[str] | None, *, size: int, random_state: int) -> list[str]:
    """At most `size` of the unlabelled texts (a seeded sample, in their given order), none
    of them blank, repeated or a training text."""
    if not unlabelled or not size:
        return []
    known = set(texts)
    candidates = [text for text in dict.fromkeys(unlabelled) if text not in known and text.strip()]
    if len(candidates) > size:
        chosen = np.random.RandomState(random_state).choice(len(candidates), size, replace=False)
        candidates = [candidates[i] for i in sorted(chosen)]
    return candidates


def pseudo_labels(probs: np.ndarray, path: Sequence[int], weight: float) -> tuple[np.ndarray, np.ndarray]:
    """The decoded tags of an unlabelled document and their training weights: `weight` times
    the probability the model gave each decoded tag."""
    tags = np.array(path, dtype=np.int64)
    confidence = probs[np.arange(len(tags)), tags]
    return tags, weight * confidence
