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
# The same pattern as a table over the 128 ASCII characters, so an ASCII text is tokenized
# with a few array operations: a token starts at a character that is not a space and either
# is no word character or follows one that is none, and ends likewise.
_ASCII_WORD = np.array([bool(re.fullmatch(r"[^\W_]", chr(c))) for c in range(128)])
_ASCII_SPACE = np.array([bool(re.fullmatch(r"\s", chr(c))) for c in range(128)])


def token_offsets(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The starts and ends of `annotator.tokenize.tokenize(text)`'s tokens, as arrays."""
    if text.isascii():
        codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        word = _ASCII_WORD[codes]
        solid = ~_ASCII_SPACE[codes]
        before = np.concatenate([[False], word[:-1]])
        after = np.concatenate([word[1:], [False]])
        starts = np.flatnonzero(solid & ~(word & before)).astype(np.int64)
        ends = np.flatnonzero(solid & ~(word & after)).astype(np.int64) + 1
        return starts, ends
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
    tokens = len(starts)
    spans = list(spans)
    if not spans or not tokens:
        return np.zeros(tokens, dtype=np.int64)
    bits = []
    for span in spans:
        bit = label_bits.get(span.label)
        if bit is None:
            bit = label_bits[span.label] = len(label_bits)
        bits.append(bit)
    # Covered tokens: those with end > span.start and start < span.end.
    first = np.searchsorted(ends, [s.start for s in spans], side="right")
    last = np.searchsorted(starts, [s.end for s in spans], side="left")
    keep = first < last  # a span over whitespace alone covers no token
    # Per bit, +1 where a span's tokens begin and -1 past their end: a token is covered where
    # the running sum is positive (spans of one label may overlap, stored elsewhere than here).
    used, row = np.unique(np.asarray(bits, dtype=np.int64)[keep], return_inverse=True)
    edges = np.zeros((len(used), tokens + 1), dtype=np.int64)
    np.add.at(edges, (row, first[keep]), 1)
    np.add.at(edges, (row, last[keep]), -1)
    covered = np.cumsum(edges[:, :tokens], axis=1) > 0
    masks: np.ndarray = (covered * (np.int64(1) << used)[:, None]).sum(axis=0, dtype=np.int64)
    return masks


def category_name(mask: int, labels_by_bit: Sequence[str]) -> str:
    """ "O" for no label, else the labels of the mask joined by "|" in alphabetical order."""
    if mask == 0:
        return NO_LABEL
    names = [labels_by_bit[bit] for bit in range(len(labels_by_bit)) if mask >> bit & 1]
    return "|".join(sorted(names))


def corpus_masks(
    offsets: Sequence[tuple[np.ndarray, np.ndarray]],
    annotations: Sequence[Sequence[Sequence[Span]]],
    label_bits: dict[str, int],
) -> list[list[np.ndarray]]:
    """`token_masks` of every annotation of a corpus at once: `offsets` per document,
    `annotations` per document its annotations (lists of spans). Returns the masks in the same
    nesting. Labels missing from `label_bits` get the next free bit in the order they are
    met, as `token_masks` called document by document, annotation by annotation, would give.

    The work is done on one array: each annotation is a block of rows (its document's
    tokens), a span adds +1 at its first covered row and -1 past its last for its label's
    bit, and a running sum per bit marks the covered rows; a few array operations for the
    corpus instead of a dozen for each annotation."""
    starts: list[int] = []
    ends: list[int] = []
    bits: list[int] = []
    span_document: list[int] = []
    span_block: list[int] = []
    block_rows: list[int] = []  # the first row of each annotation's block
    rows = 0
    for document, spans_by_annotation in enumerate(annotations):
        tokens = len(offsets[document][0])
        for spans in spans_by_annotation:
            block = len(block_rows)
            block_rows.append(rows)
            rows += tokens
            for span in spans:
                bit = label_bits.get(span.label)
                if bit is None:
                    bit = label_bits[span.label] = len(label_bits)
                starts.append(span.start)
                ends.append(span.end)
                bits.append(bit)
                span_document.append(document)
                span_block.append(block)
    masks = np.zeros(rows, dtype=np.int64)
    if starts and rows:
        # Documents laid end to end: token offsets shifted by the characters before them, so
        # one searchsorted finds every span's tokens (clamped to its own document's).
        lengths = [int(e[-1]) if len(e) else 0 for _, e in offsets]
        shift = np.concatenate([[0], np.cumsum(lengths)])[:-1].astype(np.int64)
        token_base = np.concatenate([[0], np.cumsum([len(s) for s, _ in offsets])]).astype(np.int64)
        all_starts = np.concatenate([s + shift[i] for i, (s, _) in enumerate(offsets)])
        all_ends = np.concatenate([e + shift[i] for i, (_, e) in enumerate(offsets)])
        doc = np.asarray(span_document, dtype=np.int64)
        low, high = token_base[doc], token_base[doc + 1]
        first = np.clip(np.searchsorted(all_ends, np.asarray(starts) + shift[doc], side="right"), low, high)
        last = np.clip(np.searchsorted(all_starts, np.asarray(ends) + shift[doc], side="left"), low, high)
        keep = first < last  # a span over whitespace alone covers no token
        base = np.asarray(block_rows, dtype=np.int64)[np.asarray(span_block, dtype=np.int64)] - low
        bit_array = np.asarray(bits, dtype=np.int64)
        for bit in np.unique(bit_array[keep]).tolist():
            chosen = keep & (bit_array == bit)
            edges = np.bincount((first + base)[chosen], minlength=rows + 1) - np.bincount(
                (last + base)[chosen], minlength=rows + 1
            )
            masks |= (np.cumsum(edges[:rows]) > 0).astype(np.int64) << bit
    out: list[list[np.ndarray]] = []
    block = 0
    for document, spans_by_annotation in enumerate(annotations):
        tokens = len(offsets[document][0])
        out.append(
            [masks[block_rows[block + k] : block_rows[block + k] + tokens] for k in range(len(spans_by_annotation))]
        )
        block += len(spans_by_annotation)
    return out
