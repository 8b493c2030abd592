"""Span-level reranking of the token model's guesses (semi-Markov style).

A token model scores each token's tag; it cannot look at a whole span at once ("does this
span end on a preposition?", "is the token after it still likely inside?"). Here candidate
spans are read off the token probabilities — each start where P(B-X) is not tiny, extended
token by token while P(I-X) is not tiny, at most `max_length` tokens, within a sentence, plus
the Viterbi spans — and each is described by span-level features: the token model's log
probabilities at its start, inside it and just after it, its length, whether Viterbi chose
it, whether it holds a comma, "and", "of" or "the", and its first, last, preceding and
following words (lower case, shape, the lexicon's 32-way word class), each conjoined with the
label and once shared. A logistic regression (trained by `SpanTagger` on out-of-fold and
in-sample candidates) gives each candidate the probability that it is exactly a gold span,
and `best_spans` keeps the non-overlapping set with the highest total log-odds among those
above a threshold (weighted interval scheduling).

All of it is NumPy over the candidates at once. `CandidateFeatures.matrix` is the sparse
matrix training takes; `CandidateFeatures.scores` gives the same product with the weights
without building it (prediction).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from annotator.tagger.features import feature_id, lexicon, salted, shape

_EPS = 1e-6
_LOG_FLOOR = float(np.log(_EPS))
N_HASHED = 2**18  # hashed columns of the lexical span features
# Numeric features of a candidate, each given once per label and once shared.
DENSE = (
    "log P(B) at the start",
    "mean log P(I) inside",
    "min log P(I) inside",
    "log P(I) after the end",
    "log P(I) at the start",
    "segment log-likelihood",
    "log P(O) before the start",
    "mean log(1 - P(O)) over the span",
    "chosen by Viterbi",
    "overlaps a Viterbi span of its label",
    "overlaps a Viterbi span of another label",
    "length 1",
    "length 2",
    "length 3",
    "length 4-5",
    "length 6+",
    "bias",
)
_ROLES = ("first", "last", "before", "after")
_WORD_PARTS = ("w", "shape", "class")
# Bits of `_word_bits`: what a span containing the word tells.
_COMMA, _AND, _OF, _THE = 1, 2, 4, 8


@lru_cache(maxsize=200_000)
def _word_info(word: str) -> tuple[tuple[int, int, int], int]:
    """Ids of a word's lower case, shape and corpus word class, and bits for the small words
    that tell a span went too far (a comma, "and", "of", "the")."""
    lower = word.lower()
    classes = [f for f in lexicon().get(lower, ()) if f.startswith("lex:c5=")]
    ids = (feature_id(f"w={lower}"), feature_id(f"shape={shape(word)}"), feature_id(classes[0] if classes else "c-"))
    bits = _COMMA * (lower == ",") | _AND * (lower == "and") | _OF * (lower == "of") | _THE * (lower == "the")
    return ids, bits


@lru_cache(maxsize=64)
def _salts(n_labels: int) -> np.ndarray:
    """(labels + 1) x roles x word parts salts: label-conjoined and (last row) shared."""
    names = [*(f"L{k}" for k in range(n_labels)), "any"]
    return np.array(
        [[[feature_id(f"rr:{name}:{role}:{part}") for part in _WORD_PARTS] for role in _ROLES] for name in names],
        dtype=np.int64,
    )


@lru_cache(maxsize=64)
def _bit_ids(n_labels: int) -> np.ndarray:
    """labels x 4 ids of "the span contains a comma / and / of / the"."""
    return np.array([[feature_id(f"rr:L{k}:has{b}") for b in range(4)] for k in range(n_labels)], dtype=np.int64)


def n_columns(n_labels: int) -> int:
    return (n_labels + 1) * len(DENSE) + N_HASHED


def candidates(
    probs: np.ndarray,
    sid: np.ndarray,
    runs: Sequence[tuple[int, int, int]],
    *,
    n_labels: int,
    start_min: float,
    inside_min: float,
    max_length: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first tokens, last tokens, label numbers) of the candidate spans, Viterbi's `runs`
    ((first, last, label number)) among them, no duplicates, sorted by first token, last
    token, label. Tag columns: O, then B and I of each label in turn."""
    n = len(probs)
    starts, start_labels = np.nonzero(probs[:, 1 : 1 + 2 * n_labels : 2] >= start_min)
    # low[i, k]: how many of the tokens before i may not continue a span of label k.
    low = np.zeros((n + 1, n_labels), dtype=np.int64)
    np.cumsum(probs[:, 2 : 2 + 2 * n_labels : 2] < inside_min, axis=0, out=low[1:])
    ends = starts[:, None] + np.arange(max_length)  # every start x every length
    clipped = np.minimum(ends, n - 1)
    ok = (ends < n) & (sid[clipped] == sid[starts][:, None])
    ok &= low[clipped + 1, start_labels[:, None]] == low[starts + 1, start_labels][:, None]
    which, length = np.nonzero(ok)
    firsts = np.concatenate([starts[which], np.array([r[0] for r in runs], dtype=np.int64)])
    lasts = np.concatenate([starts[which] + length, np.array([r[1] for r in runs], dtype=np.int64)])
    labels = np.concatenate([start_labels[which], np.array([r[2] for r in runs], dtype=np.int64)])
    keys = np.unique((firsts * n + lasts) * n_labels + labels)
    return keys // (n * n_labels), keys // n_labels % n, keys % n_labels


@dataclass
class CandidateFeatures:
    """The features of a document's candidates: numeric ones (candidates x `DENSE`, in the
    candidate's label's block and the shared block), hashed lexical column ids (candidates x
    roles x parts, already offset past the numeric blocks), and (row, column) pairs of the
    flags a candidate may or may not have."""

    dense: np.ndarray
    labels: np.ndarray
    lexical: np.ndarray
    flag_rows: np.ndarray
    flag_columns: np.ndarray
    n_labels: int

    def matrix(self) -> sp.csr_matrix:
        """(candidates x `n_columns`): what the reranker is trained on."""
        m, d = self.dense.shape
        rows = np.arange(m)
        columns = np.concatenate(
            [
                (self.labels[:, None] * d + np.arange(d)).ravel(),
                np.tile(self.n_labels * d + np.arange(d), m),
                self.lexical.ravel(),
                self.flag_columns,
            ]
        )
        row_ids = np.concatenate(
            [np.repeat(rows, d), np.repeat(rows, d), np.repeat(rows, self.lexical.shape[1]), self.flag_rows]
        )
        data = np.concatenate(
            [self.dense.ravel(), self.dense.ravel(), np.ones(self.lexical.size + len(self.flag_rows))]
        )
        return sp.csr_matrix((data, (row_ids, columns)), shape=(m, n_columns(self.n_labels)))

    def scores(self, weights: np.ndarray, intercept: float) -> np.ndarray:
        """`matrix() @ weights + intercept`, without building the matrix (prediction)."""
        m, d = self.dense.shape
        blocks = weights[: (self.n_labels + 1) * d].reshape(self.n_labels + 1, d)
        total = (self.dense * (blocks[self.labels] + blocks[-1])).sum(axis=1)
        total += weights[self.lexical].sum(axis=1)
        total += np.bincount(self.flag_rows, weights[self.flag_columns], minlength=m)
        result: np.ndarray = total + intercept
        return result


def candidate_features(
    probs: np.ndarray,
    words: Sequence[str],
    sid: np.ndarray,
    runs: Sequence[tuple[int, int, int]],
    firsts: np.ndarray,
    lasts: np.ndarray,
    labels: np.ndarray,
    *,
    n_labels: int,
) -> CandidateFeatures:
    """The features of the candidates (`candidates`' output) of a document."""
    m, n, d = len(firsts), len(probs), len(DENSE)
    base = (n_labels + 1) * d
    if not m:
        empty = np.zeros(0, dtype=np.int64)
        return CandidateFeatures(np.zeros((0, d)), empty, np.zeros((0, 2 * 12), np.int64), empty, empty, n_labels)
    length = lasts - firsts + 1
    longest = int(length.max())
    # Only the tokens candidates cover or touch matter: log probabilities and words of those.
    lo, hi = max(0, int(firsts.min()) - 1), min(n, int(lasts.max()) + 2)
    logp = np.maximum(np.log(probs[lo:hi] + _EPS), _LOG_FLOOR)
    f, la, s = firsts - lo, lasts - lo, sid[lo:hi]
    k = hi - lo
    b_col, i_col = 1 + 2 * labels, 2 + 2 * labels
    # Inside tokens (after the first), padded with 0 (log 1) past the span's end.
    offsets = np.arange(1, max(longest, 2))
    inner_at = np.minimum(f[:, None] + offsets, k - 1)
    inner = np.where(offsets < length[:, None], logp[inner_at, i_col[:, None]], 0.0)
    sum_i = inner.sum(axis=1)
    mean_i = np.where(length > 1, sum_i / np.maximum(length - 1, 1), 0.0)
    min_i = inner.min(axis=1)
    after = la + 1
    after_in = after < k
    after_in[after_in] &= s[after[after_in]] == s[la[after_in]]
    after_i = np.where(after_in, logp[np.minimum(after, k - 1), i_col], _LOG_FLOOR)
    not_after_i = np.where(after_in, np.log(1.0 - probs[lo:hi][np.minimum(after, k - 1), i_col] + _EPS), 0.0)
    before = f - 1
    before_in = before >= 0
    before_in[before_in] &= s[before[before_in]] == s[f[before_in]]
    before_o = np.where(before_in, logp[np.maximum(before, 0), 0], 0.0)
    not_o = np.concatenate([[0.0], np.cumsum(np.maximum(np.log(1.0 - probs[lo:hi, 0] + _EPS), _LOG_FLOOR))])
    start_b = logp[f, b_col]
    run_table = np.array(runs, dtype=np.int64).reshape(-1, 3)
    viterbi = np.isin(
        (firsts * n + lasts) * n_labels + labels, (run_table[:, 0] * n + run_table[:, 1]) * n_labels + run_table[:, 2]
    )
    hit = (firsts[:, None] <= run_table[None, :, 1]) & (lasts[:, None] >= run_table[None, :, 0])
    same_label = labels[:, None] == run_table[None, :, 2]
    same = (hit & same_label).any(axis=1)
    other = (hit & ~same_label).any(axis=1)
    dense = np.stack(
        [
            start_b / 5,
            mean_i / 5,
            min_i / 5,
            after_i / 5,
            logp[f, i_col] / 5,
            (start_b + sum_i + not_after_i) / 10,
            before_o / 5,
            (not_o[la + 1] - not_o[f]) / length / 5,
            viterbi,
            same & ~viterbi,
            other,
            length == 1,
            length == 2,
            length == 3,
            (length >= 4) & (length <= 5),
            length >= 6,
            np.ones(m),
        ],
        axis=1,
    ).astype(np.float64)
    # Words of the tokens inside a candidate or next to one only (often a small part).
    marks = np.bincount(np.maximum(f - 1, 0), minlength=k + 1) - np.bincount(np.minimum(la + 2, k), minlength=k + 1)
    covered = np.flatnonzero(np.cumsum(marks[:k]) > 0)
    slot = np.zeros(k, dtype=np.int64)
    slot[covered] = np.arange(len(covered))
    infos = list(map(_word_info, [words[lo + i] for i in covered.tolist()]))
    word_ids = np.array([info[0] for info in infos], dtype=np.int64).reshape(len(covered), 3)
    bits = np.zeros(k, dtype=np.int64)
    bits[covered] = [info[1] for info in infos]
    positions = np.stack([f, la, np.where(before_in, before, -1), np.where(after_in, after, -1)], axis=1)
    looked = word_ids[slot[np.maximum(positions, 0)]]  # candidates x roles x parts
    looked[positions < 0] = feature_id("rr:none")
    salts = _salts(n_labels)
    lexical = np.concatenate(
        [salted(looked, salts[labels]).reshape(m, -1), salted(looked, salts[-1]).reshape(m, -1)], axis=1
    )
    flags = np.zeros((k + 1, 4), dtype=np.int64)
    np.cumsum((bits[:, None] >> np.arange(4)) & 1, axis=0, out=flags[1:])
    flag_rows, which = np.nonzero(flags[la + 1] - flags[f] > 0)  # the span holds a comma, "and"...
    flag_columns = base + _bit_ids(n_labels)[labels[flag_rows], which] % N_HASHED
    return CandidateFeatures(dense, labels, base + lexical % N_HASHED, flag_rows, flag_columns, n_labels)


def best_spans(firsts: np.ndarray, lasts: np.ndarray, scores: np.ndarray, threshold: float) -> list[int]:
    """Indexes of the non-overlapping candidates (token ranges [first, last]) with the highest
    total log-odds, among those whose probability `scores` is above `threshold`: weighted
    interval scheduling, in order of their first token."""
    keep = np.flatnonzero(scores > threshold)
    if not len(keep):
        return []
    odds = np.log(scores[keep] + _EPS) - np.log(1.0 - scores[keep] + _EPS) - np.log(threshold / (1 - threshold))
    order = keep[np.lexsort((firsts[keep], lasts[keep]))]
    weight = dict(zip(keep.tolist(), odds.tolist(), strict=True))
    ends = lasts[order].tolist()
    # best[j]: the best total over the first j candidates by end; take[j]: whether j-1 is in it.
    best = [0.0] * (len(order) + 1)
    take = [False] * (len(order) + 1)
    previous = [0] * (len(order) + 1)
    for j, c in enumerate(order.tolist(), start=1):
        p = bisect_right(ends, int(firsts[c]) - 1, 0, j - 1)  # candidates ending before c starts
        with_c = best[p] + weight[c]
        if with_c > best[j - 1]:
            best[j], take[j], previous[j] = with_c, True, p
        else:
            best[j], previous[j] = best[j - 1], j - 1
    chosen = []
    j = len(order)
    while j > 0:
        if take[j]:
            chosen.append(int(order[j - 1]))
        j = previous[j]
    return sorted(chosen, key=lambda c: int(firsts[c]))
