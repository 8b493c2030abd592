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
from types import MappingProxyType

import numpy as np

from annotator.agreement.figures import IntArray
from annotator.agreement.tokens import category_name, token_masks, token_offsets
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
        for span in sorted(document.annotations[who]):
            units.setdefault((who, span.label), []).append((span.start, span.end))
    return MappingProxyType({key: tuple(value) for key, value in units.items()})


def _value_counts(codes: Mapping[str, IntArray], tokens: int, categories: int) -> IntArray:
    """tokens x categories: how many of the document's annotators gave each category."""
    table = np.zeros((tokens, categories), dtype=np.int64)
    rows = np.arange(tokens)
    for annotator_codes in codes.values():
        np.add.at(table, (rows, annotator_codes), 1)
    return _frozen(table)


def prepare(
    documents: Sequence[AnnotatedDocument], *, labels: Sequence[str], annotators: Sequence[str] | None = None
) -> Prepared:
    """`annotators` defaults to everyone who submitted something; an annotator absent from a
    document's annotations is missing data for it."""
    names = sorted(annotators) if annotators is not None else sorted({a for d in documents for a in d.annotations})
    label_bits = {label: i for i, label in enumerate(labels)}  # token_masks adds unknown labels
    masks_by_document: list[tuple[AnnotatedDocument, list[str], int, dict[str, IntArray]]] = []
    for document in documents:
        present = [a for a in names if a in document.annotations]
        offsets = token_offsets(document.text)
        masks = {a: token_masks(offsets, document.annotations[a], label_bits) for a in present}
        masks_by_document.append((document, present, len(offsets[0]), masks))
    all_masks = [m for *_, masks in masks_by_document for m in masks.values()]
    unique: IntArray = np.unique(np.concatenate(all_masks)) if all_masks else np.zeros(0, dtype=np.int64)
    if len(unique) == 0 or unique[0] != 0:
        unique = np.concatenate([[0], unique]).astype(np.int64)  # "O" is always a category
    labels_by_bit = tuple(label_bits)
    prepared_documents = []
    for document, present, tokens, masks in masks_by_document:
        codes = {a: _frozen(np.searchsorted(unique, m)) for a, m in masks.items()}
        prepared_documents.append(
            PreparedDocument(
                source=document,
                present=tuple(present),
                tokens=tokens,
                codes=MappingProxyType(codes),
                value_counts=_value_counts(codes, tokens, len(unique)) if len(present) >= 2 else None,
                units=_units(document, present),
            )
        )
    return Prepared(
        documents=tuple(prepared_documents),
        annotators=tuple(names),
        labels=labels_by_bit,
        categories=tuple(category_name(int(m), labels_by_bit) for m in unique),
        category_masks=_frozen(unique),
        pairs=tuple(combinations(names, 2)),
        complete=tuple(
            i for i, doc in enumerate(prepared_documents) if len(names) >= 2 and len(doc.present) == len(names)
        ),
    )
