"""Fleiss' kappa on token categories, over the documents every annotator submitted
(`coefficients.fleiss_from_stats`); per label, again on "has this label / has not"."""

from __future__ import annotations

import numpy as np

from annotator.agreement.bootstrap import Bootstrap
from annotator.agreement.coefficients import fleiss_from_stats
from annotator.agreement.figures import Figure, FloatArray, LabelValue, defined
from annotator.agreement.prepare import Prepared


def fleiss_figure(prepared: Prepared, bootstrap: Bootstrap) -> Figure:
    m = len(prepared.annotators)
    n_docs = len(prepared.documents)
    indicators = [prepared.label_indicator(i) for i in range(len(prepared.labels))]
    # Per document sums, so that a resample is a weighted sum of them: each a `bincount` over
    # the rows of the documents everyone submitted (sums of whole numbers, exact in floats).
    complete = np.zeros(n_docs, dtype=bool)
    complete[list(prepared.complete)] = True
    keep = complete[prepared.row_document]
    table = prepared.value_table[keep]
    row_document = prepared.row_document[keep]

    def per_document(weights: FloatArray | None = None) -> FloatArray:
        sums: FloatArray = np.bincount(row_document, weights=weights, minlength=n_docs).astype(float)
        return sums

    items = per_document()
    squares = per_document((table.astype(float) ** 2).sum(axis=1))
    totals = np.stack([per_document(table[:, j].astype(float)) for j in range(table.shape[1])], axis=1)
    totals = totals.reshape(n_docs, len(prepared.categories))
    raters = table.sum(axis=1).astype(float)
    label_squares = np.zeros((len(prepared.labels), n_docs))
    label_totals = np.zeros((len(prepared.labels), n_docs, 2))
    for j, indicator in enumerate(indicators):
        has = (table @ indicator).astype(float)  # `binary_counts`: (has not, has) per row
        label_squares[j] = per_document((raters - has) ** 2 + has**2)
        label_totals[j] = np.stack([per_document(raters - has), per_document(has)], axis=1)
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
