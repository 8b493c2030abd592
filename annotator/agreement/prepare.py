"""The preparation step: plain data in (documents with each annotator's submitted spans),
one immutable structure out that every measure reads and none changes.

Preparing does the work the measures share, once: each document's tokens and every
annotator's token category (`tokens`), the table of how many annotators gave each category
to each token (Fleiss' kappa and Krippendorff's alpha both stand on it), and each annotator's
units per label (alpha_u). Categories are the label masks that occur, "O" always among them;
a label found in the spans but missing from `labels` still gets a bit (after the given ones).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from operator import attrgetter
from types import MappingProxyType

import numpy as np

from annotator.agreement.figures import IntArray
from annotator.agreement.tokens import category_name, corpus_masks, token_offsets
from annotator.agreement.unitizing import Segment
from annotator.spans import Span


@dataclass(frozen=True)
class AnnotatedDocument:
    """A document and the spans of each annotator who submitted it."""

    id: str
    text: str
    annotations: Mapping[str, Sequence[Span]]


@dataclass(frozen=True)
class PreparedDocument:
    source: AnnotatedDocument
    present: tuple[str, ...]  # the annotators who submitted it, sorted
    tokens: int
    codes: Mapping[str, IntArray]  # annotator -> category index per token
    value_counts: IntArray | None  # tokens x categories; None with fewer than two annotators
    units: Mapping[tuple[str, str], tuple[Segment, ...]]  # (annotator, label) -> sorted spans

    def has(self, *annotators: str) -> bool:
        """Whether every one of `annotators` submitted the document."""
        return all(a in self.codes for a in annotators)

    def units_of(self, annotator: str, label: str) -> tuple[Segment, ...]:
        """The annotator's (start, end) spans of `label`, sorted."""
        return self.units.get((annotator, label), ())


@dataclass(frozen=True)
class Prepared:
    documents: tuple[PreparedDocument, ...]
    annotators: tuple[str, ...]
    labels: tuple[str, ...]  # by bit: the given labels, then any others the spans use
    categories: tuple[str, ...]
    category_masks: IntArray  # per category, its label bits
    pairs: tuple[tuple[str, str], ...]
    complete: tuple[int, ...]  # documents every annotator submitted (none with fewer than two annotators)
    # Every document's `value_counts` one under the other (documents with two annotators or more),
    # and the document of each row: the token measures sum over the corpus in one go.
    value_table: IntArray
    row_document: IntArray

    def label_indicator(self, label_index: int) -> IntArray:
        """Per category: 1 if it contains the label, else 0."""
        indicator: IntArray = (self.category_masks >> label_index) & 1
        return indicator


def _frozen(array: IntArray) -> IntArray:
    array.flags.writeable = False
    return array


def _units(document: AnnotatedDocument, present: Sequence[str]) -> Mapping[tuple[str, str], tuple[Segment, ...]]:
    units: dict[tuple[str, str], list[Segment]] = {}
    for who in present:
        # Sorted as `Span`s sort (start, end, label), by a key: the dataclass's own comparison is slow.
        for span in sorted(document.annotations[who], key=_SPAN_ORDER):
            units.setdefault((who, span.label), []).append((span.start, span.end))
    return MappingProxyType({key: tuple(value) for key, value in units.items()})


_SPAN_ORDER = attrgetter("start", "end", "label")


def _value_table(
    codes_by_document: Sequence[Mapping[str, IntArray]], tokens: Sequence[int], categories: int
) -> tuple[IntArray, IntArray, list[int]]:
    """One table for every document at least two annotators submitted: tokens x categories,
    how many of the document's annotators gave each category (one `bincount` for the whole
    corpus rather than one a document); the document of each row; each document's first row."""
    offsets: list[int] = []
    cells: list[IntArray] = []
    rows = 0
    for codes, count in zip(codes_by_document, tokens, strict=True):
        offsets.append(rows)
        if len(codes) >= 2:
            base = (rows + np.arange(count, dtype=np.int64)) * categories
            cells += [base + c for c in codes.values()]
            rows += count
    flat = np.concatenate(cells) if cells else np.zeros(0, dtype=np.int64)
    table = np.bincount(flat, minlength=rows * categories).astype(np.int64).reshape(rows, categories)
    counted = [i for i, codes in enumerate(codes_by_document) if len(codes) >= 2]
    row_document = np.repeat(np.asarray(counted, dtype=np.int64), [tokens[i] for i in counted])
    return _frozen(table), _frozen(row_document), offsets


def prepare(
    documents: Sequence[AnnotatedDocument], *, labels: Sequence[str], annotators: Sequence[str] | None = None
) -> Prepared:
    """`annotators` defaults to everyone who submitted something; an annotator absent from a
    document's annotations is missing data for it."""
    names = sorted(annotators) if annotators is not None else sorted({a for d in documents for a in d.annotations})
    label_bits = {label: i for i, label in enumerate(labels)}  # token_masks adds unknown labels
    presents = [[a for a in names if a in document.annotations] for document in documents]
    offsets = [token_offsets(document.text) for document in documents]
    corpus = corpus_masks(
        offsets,
        [[d.annotations[a] for a in present] for d, present in zip(documents, presents, strict=True)],
        label_bits,
    )
    masks_by_document = [
        (document, present, len(offsets[i][0]), dict(zip(present, corpus[i], strict=True)))
        for i, (document, present) in enumerate(zip(documents, presents, strict=True))
    ]
    all_masks = [m for masks in corpus for m in masks]
    flat = np.concatenate(all_masks) if all_masks else np.zeros(0, dtype=np.int64)
    # The masks that occur (np.unique's answer; a count of each mask value is quicker than a
    # sort while the masks stay small), "O" always among them.
    seen = np.bincount(flat) if len(flat) and flat.max() < 1 << 22 else None
    unique: IntArray = np.flatnonzero(seen).astype(np.int64) if seen is not None else np.unique(flat)
    if len(unique) == 0 or unique[0] != 0:
        unique = np.concatenate([[0], unique]).astype(np.int64)
    labels_by_bit = tuple(label_bits)
    codes_by_document = [
        MappingProxyType({a: _frozen(np.searchsorted(unique, m)) for a, m in masks.items()})
        for *_, masks in masks_by_document
    ]
    token_counts = [tokens for _, _, tokens, _ in masks_by_document]
    table, row_document, first_rows = _value_table(codes_by_document, token_counts, len(unique))
    prepared_documents = []
    for (document, present, tokens, _), codes, offset in zip(
        masks_by_document, codes_by_document, first_rows, strict=True
    ):
        prepared_documents.append(
            PreparedDocument(
                source=document,
                present=tuple(present),
                tokens=tokens,
                codes=codes,
                value_counts=table[offset : offset + tokens] if len(present) >= 2 else None,
                units=_units(document, present),
            )
        )
    return Prepared(
        documents=tuple(prepared_documents),
        annotators=tuple(names),
        labels=labels_by_bit,
        categories=tuple(category_name(int(m), labels_by_bit) for m in unique),
        category_masks=_frozen(unique),
        value_table=table,
        row_document=row_document,
        pairs=tuple(combinations(names, 2)),
        complete=tuple(
            i for i, doc in enumerate(prepared_documents) if len(names) >= 2 and len(doc.present) == len(names)
        ),
    )
