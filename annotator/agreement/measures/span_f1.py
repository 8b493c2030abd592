"""Pairwise span F1 (exact and overlap), counted by `annotator.agreement.span_f1`: each pair
of annotators on the documents both submitted; the figure is the mean over the pairs whose
F1 is defined, macro F1 likewise, per label the mean of the pairs' per-label F1."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from annotator.agreement.bootstrap import Bootstrap
from annotator.agreement.figures import SpanF1Figure, SpanF1PairValue, defined, mean, nanmean_rows
from annotator.agreement.prepare import Prepared, PreparedDocument
from annotator.agreement.span_f1 import (
    LabelCounts,
    Match,
    OverlapIndex,
    SpanF1,
    document_counts,
    matched_overlap,
    overlap_index,
)
from annotator.spans import Span


class _Group:
    """One annotator's spans of one label in one document (in the order given), with what
    the matches look them up in, each made once however many pairs the annotator is in:
    the set of (start, end) for exact, `overlap_index` for overlap."""

    __slots__ = ("_index", "_keys", "spans")

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        self._keys: set[tuple[int, int]] | None = None
        self._index: OverlapIndex | None = None

    def matched(self, other: _Group, match: Match) -> int:
        """How many of these spans `other`'s match (`span_f1.document_counts`' figure)."""
        if match == "exact":
            if self._keys is None:
                self._keys = {(s.start, s.end) for s in self.spans}
            if other._keys is None:
                other._keys = {(s.start, s.end) for s in other.spans}
            return len(self._keys & other._keys)
        if other._index is None:
            other._index = overlap_index(other.spans)
        return matched_overlap(self.spans, other.spans, other._index)


LabelGroups = list[dict[str, dict[str, _Group]]]  # per document: annotator -> label -> group


def label_groups(prepared: Prepared) -> LabelGroups:
    """Every annotation's spans grouped by label, for `span_f1_figure` (both matches share them)."""
    groups: LabelGroups = []
    for doc in prepared.documents:
        by_annotator: dict[str, dict[str, _Group]] = {}
        for a in doc.present:
            by_label: dict[str, list[Span]] = {}
            for span in doc.source.annotations[a]:
                by_label.setdefault(span.label, []).append(span)
            by_annotator[a] = {label: _Group(spans) for label, spans in by_label.items()}
        groups.append(by_annotator)
    return groups


def _pair_counts(first: dict[str, _Group], second: dict[str, _Group], match: Match) -> list[tuple[str, int, int, int]]:
    """(label, matched, first's spans, second's spans) per label either used: what
    `span_f1.document_counts` counts, labels in its order, from the prepared groups."""
    counts = []
    for label, group in first.items():
        other = second.get(label)
        if other is None:
            counts.append((label, 0, len(group.spans), 0))
        else:
            counts.append((label, group.matched(other, match), len(group.spans), len(other.spans)))
    for label, other in second.items():
        if label not in first:
            counts.append((label, 0, 0, len(other.spans)))
    return counts


def span_f1_figure(
    prepared: Prepared, bootstrap: Bootstrap, match: Match, groups: LabelGroups | None = None
) -> SpanF1Figure:
    """`groups`: `label_groups(prepared)`, when the caller computes both matches."""
    labels = prepared.labels
    n_docs = len(prepared.documents)
    per_pair: dict[str, SpanF1PairValue] = {}
    pair_values: list[float | None] = []
    pair_macros: list[float | None] = []
    per_label_values: dict[str, list[float | None]] = {label: [] for label in labels}
    per_label_items = dict.fromkeys(labels, 0)
    boot = np.full((bootstrap.resamples, len(prepared.pairs)), np.nan)
    items = 0
    used_docs: set[int] = set()
    if groups is None:
        groups = label_groups(prepared)
    for k, (a, b) in enumerate(prepared.pairs):
        stats = np.zeros((n_docs, 3))  # per document: matched, a's spans, b's spans
        result = SpanF1({label: LabelCounts() for label in labels})
        docs = 0
        for i, by_annotator in enumerate(groups):
            if a not in by_annotator or b not in by_annotator:
                continue
            docs += 1
            used_docs.add(i)
            matched_sum = reference_sum = predicted_sum = 0
            for label, matched, reference, predicted in _pair_counts(by_annotator[a], by_annotator[b], match):
                result.per_label.setdefault(label, LabelCounts()).add(LabelCounts(matched, reference, predicted))
                matched_sum += matched
                reference_sum += reference
                predicted_sum += predicted
            stats[i] = (matched_sum, reference_sum, predicted_sum)
        micro = result.micro
        pair_values.append(micro.f1)
        pair_macros.append(result.macro)
        items += micro.items
        for label in labels:
            label_counts = result.per_label.get(label, LabelCounts())
            per_label_values[label].append(label_counts.f1)
            per_label_items[label] += label_counts.items
        per_pair[f"{a}|{b}"] = {
            "value": defined(micro.f1),
            "macro": defined(result.macro),
            "items": micro.items,
            "documents": docs,
        }
        if docs:
            sums = bootstrap.weights @ stats
            with np.errstate(divide="ignore", invalid="ignore"):
                boot[:, k] = np.where(sums[:, 1] + sums[:, 2] > 0, 2 * sums[:, 0] / (sums[:, 1] + sums[:, 2]), np.nan)
    value = mean(pair_values)
    return {
        "value": defined(value),
        "macro": defined(mean(pair_macros)),
        "items": items,
        "documents": len(used_docs),
        "ci95": bootstrap.interval(nanmean_rows(boot), documents=len(used_docs), value=value),
        "per_label": {
            label: {"value": defined(mean(per_label_values[label])), "items": per_label_items[label]}
            for label in labels
        },
        "per_pair": per_pair,
    }


def document_span_f1(doc: PreparedDocument, match: Match) -> float | None:
    """The document's own span F1: the mean over the pairs of annotators who submitted it."""
    values: list[float | None] = []
    for a, b in combinations(doc.present, 2):
        total = LabelCounts()
        for counts in document_counts(doc.source.annotations[a], doc.source.annotations[b], match=match).values():
            total.add(counts)
        values.append(total.f1)
    return mean(values)
