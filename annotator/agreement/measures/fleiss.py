"""Fleiss' kappa on token categories, over the documents every annotator submitted
(`coefficients.fleiss_from_stats`); per label, again on "has this label / has not"."""

from __future__ import annotations

import numpy as np

from annotator.agreement.bootstrap import Bootstrap
from annotator.agreement.coefficients import binary_counts, fleiss_from_stats
from annotator.agreement.figures import Figure, LabelValue, defined
from annotator.agreement.prepare import Prepared


def fleiss_figure(prepared: Prepared, bootstrap: Bootstrap) -> Figure:
    m = len(prepared.annotators)
    n_docs = len(prepared.documents)
    indicators = [prepared.label_indicator(i) for i in range(len(prepared.labels))]
    # Per document sums, so that a resample is a weighted sum of them.
    items = np.zeros(n_docs)
    squares = np.zeros(n_docs)
    totals = np.zeros((n_docs, len(prepared.categories)))
    label_squares = np.zeros((len(prepared.labels), n_docs))
    label_totals = np.zeros((len(prepared.labels), n_docs, 2))
    for i in prepared.complete:
        table = prepared.documents[i].value_counts
        assert table is not None  # every annotator, and there are at least two
        items[i] = len(table)
        squares[i] = float((table.astype(float) ** 2).sum())
        totals[i] = table.sum(axis=0)
        for j, indicator in enumerate(indicators):
            binary = binary_counts(table, indicator).astype(float)
            label_squares[j, i] = (binary**2).sum()
            label_totals[j, i] = binary.sum(axis=0)
    n_items = float(items.sum())
    value = defined(fleiss_from_stats(np.array(n_items), np.array(squares.sum()), totals.sum(axis=0), m))
    per_label: dict[str, LabelValue] = {}
    for j, label in enumerate(prepared.labels):
        label_value = defined(
            fleiss_from_stats(np.array(n_items), np.array(label_squares[j].sum()), label_totals[j].sum(axis=0), m)
        )
        per_label[label] = {"value": defined(label_value), "items": int(n_items)}
    w = bootstrap.weights
    boot = fleiss_from_stats(w @ items, w @ squares, w @ totals, m)
    return {
        "value": defined(value),
        "items": int(n_items),
        "documents": len(prepared.complete),
        "ci95": bootstrap.interval(boot, documents=len(prepared.complete), value=value),
        "per_label": per_label,
    }
