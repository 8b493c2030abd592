"""Krippendorff's alpha (nominal) on token categories, over every document at least two
annotators submitted, an annotator who did not submit one being missing data
(`coefficients.krippendorff_alpha`, the `krippendorff` package's figure); per label, again on
"has this label / has not"."""

from __future__ import annotations

import numpy as np

from annotator.agreement.bootstrap import Bootstrap
from annotator.agreement.coefficients import (
    alpha_from_coincidences,
    binary_counts,
    compress_value_counts,
    krippendorff_alpha,
)
from annotator.agreement.figures import Figure, FloatArray, IntArray, LabelValue, defined
from annotator.agreement.prepare import Prepared, PreparedDocument


def krippendorff_figure(prepared: Prepared, bootstrap: Bootstrap) -> Figure:
    c = len(prepared.categories)
    documents = [i for i, doc in enumerate(prepared.documents) if doc.value_counts is not None]
    # Per document coincidence matrices, so that a resample is a weighted sum of them.
    coincidence = np.zeros((len(prepared.documents), c, c))
    for i in documents:
        doc = prepared.documents[i]
        assert doc.value_counts is not None
        coincidence[i] = _coincidences(doc.value_counts, len(doc.present))
    # Compressed once (`compress_value_counts`: the same coincidences from far fewer rows) for
    # the overall figure and every label's, instead of once each over every token.
    compact = compress_value_counts(prepared.value_table)
    value = krippendorff_alpha(compact) if documents else None
    per_label: dict[str, LabelValue] = {}
    items = len(prepared.value_table)
    for j, label in enumerate(prepared.labels):
        label_value = krippendorff_alpha(binary_counts(compact, prepared.label_indicator(j))) if documents else None
        per_label[label] = {"value": defined(label_value), "items": items}
    # One matrix product (einsum would loop in C without BLAS): resamples x c x c.
    resampled = (bootstrap.weights @ coincidence.reshape(len(coincidence), c * c)).reshape(-1, c, c)
    boot: FloatArray = alpha_from_coincidences(resampled)
    return {
        "value": defined(value),
        "items": items,
        "documents": len(documents),
        "ci95": bootstrap.interval(boot, documents=len(documents), value=value),
        "per_label": per_label,
    }


def document_alpha(doc: PreparedDocument) -> float | None:
    """The document's own alpha over the annotators who submitted it."""
    if doc.value_counts is None:
        return None
    return defined(alpha_from_coincidences(_coincidences(doc.value_counts, len(doc.present))))


def _coincidences(table: IntArray, raters: int) -> FloatArray:
    """The coincidence matrix of a document's value counts, whose rows all hold `raters`
    values: one matrix product instead of `coefficients.coincidences`' row weights."""
    counts = table.astype(float)
    matrix: FloatArray = (counts.T @ counts - np.diag(counts.sum(axis=0))) / (raters - 1)
    return matrix
