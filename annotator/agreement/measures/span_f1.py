"""Pairwise span F1 (exact and overlap), counted by `annotator.agreement.span_f1`: each pair
of annotators on the documents both submitted; the figure is the mean over the pairs whose
F1 is defined, macro F1 likewise, per label the mean of the pairs' per-label F1."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from annotator.agreement.bootstrap import Bootstrap
from annotator.agreement.figures import SpanF1Figure, SpanF1PairValue, defined, mean, nanmean_rows
from annotator.agreement.prepare import Prepared, PreparedDocument
from annotator.agreement.span_f1 import LabelCounts, Match, SpanF1, document_counts


def span_f1_figure(prepared: Prepared, bootstrap: Bootstrap, match: Match) -> SpanF1Figure:
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
    for k, (a, b) in enumerate(prepared.pairs):
        stats = np.zeros((n_docs, 3))  # per document: matched, a's spans, b's spans
        result = SpanF1({label: LabelCounts() for label in labels})
        docs = 0
        for i, doc in enumerate(prepared.documents):
            if not doc.has(a, b):
                continue
            docs += 1
            used_docs.add(i)
            counts = document_counts(doc.source.annotations[a], doc.source.annotations[b], match=match)
            for label, c in counts.items():
                result.per_label.setdefault(label, LabelCounts()).add(c)
                stats[i] += (c.matched, c.reference, c.predicted)
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
