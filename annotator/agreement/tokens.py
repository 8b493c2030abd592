"""Token categories: how the token-level measures (Cohen's and Fleiss' kappa, Krippendorff's
alpha) see an annotation.

The tokens are `annotator.tokenize.tokenize`'s, the one tokenizer every part shares. A token
takes the label of every span that covers at least one of its characters. Labels are kept as
a bit mask (bit i = the i-th label), so a token under two labels of different names gets a
combined category, named by joining the labels in alphabetical order with "|"
(``LOCATION|PERPETRATOR``); a token under no span is "O", a category like the others.
B and I are not told apart: a token inside a span and one at its start get the same category.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

from annotator.spans import Span
from annotator.tokenize import tokenize

NO_LABEL = "O"

# `annotator.tokenize`'s pattern without its combining-mark class, which is what makes it slow:
# on a text with no combining mark (every ASCII text) the two find the same tokens, and the
# tests hold them equal. Other texts go through `tokenize` itself.
_ASCII_TOKEN = re.compile(r"[^\W_]+|[^\s]")


def token_offsets(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The starts and ends of `annotator.tokenize.tokenize(text)`'s tokens, as arrays."""
    if text.isascii():
        spans = [m.span() for m in _ASCII_TOKEN.finditer(text)]
    else:
        spans = [(t.start, t.end) for t in tokenize(text)]
    if not spans:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    offsets = np.array(spans, dtype=np.int64)
    return offsets[:, 0], offsets[:, 1]


def token_masks(
    offsets: tuple[np.ndarray, np.ndarray], spans: Iterable[Span], label_bits: dict[str, int]
) -> np.ndarray:
    """One int64 label mask per token. `label_bits` maps a label to its bit; a label it lacks
    gets the next free bit (so spans of labels outside the label set still count)."""
    starts, ends = offsets
    masks = np.zeros(len(starts), dtype=np.int64)
    spans = list(spans)
    if not spans or not len(starts):
        return masks
    bits = []
    for span in spans:
        bit = label_bits.get(span.label)
        if bit is None:
            bit = label_bits[span.label] = len(label_bits)
        bits.append(bit)
    # Covered tokens: those with end > span.start and start < span.end.
    first = np.searchsorted(ends, [s.start for s in spans], side="right").tolist()
    last = np.searchsorted(starts, [s.end for s in spans], side="left").tolist()
    for a, b, bit in zip(first, last, bits, strict=True):
        if a < b:  # a span over whitespace alone covers no token
            masks[a:b] |= 1 << bit
    return masks


def category_name(mask: int, labels_by_bit: Sequence[str]) -> str:
    """ "O" for no label, else the labels of the mask joined by "|" in alphabetical order."""
    if mask == 0:
        return NO_LABEL
    names = [labels_by_bit[bit] for bit in range(len(labels_by_bit)) if mask >> bit & 1]
    return "|".join(sorted(names))
