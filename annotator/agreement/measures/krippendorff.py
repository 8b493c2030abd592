"""Krippendorff's alpha (nominal) on token categories, over every document at least two
annotators submitted, an annotator who did not submit one being missing data
(`coefficients.krippendorff_alpha`, the `krippendorff` package's figure); per label, again on
"has this label / has not"."""

from __future__ import annotations

import numpy as np

from annotator.agreement.bootstrap import Bootstrap
from annotator.agreement.coefficients import alpha_from_coincidences, binary_counts, krippendorff_alpha
from annotator.agreement.figures import Figure, FloatArray, IntArray, LabelValue, defined
from annotator.agreement.prepare import Prepared, PreparedDocument


def krippendorff_figure(prepared: Prepared, bootstrap: Bootstrap) -> Figure:
    c = len(prepared.categories)
    tables = [(i, doc.value_counts) for i, doc in enumerate(prepared.documents) if doc.value_counts is not None]
    # Per document coincidence matrices, so that a resample is a weighted sum of them.
    coincidence = np.zeros((len(prepared.documents), c, c))
    for i, table in tables:
        coincidence[i] = _coincidences(table, len(prepared.documents[i].present))
    stacked: IntArray = np.vstack([table for _, table in tables]) if tables else np.zeros((0, c), dtype=np.int64)
    value = krippendorff_alpha(stacked) if tables else None
    per_label: dict[str, LabelValue] = {}
    for j, label in enumerate(prepared.labels):
        label_value = krippendorff_alpha(binary_counts(stacked, prepared.label_indicator(j))) if tables else None
        per_label[label] = {"value": defined(label_value), "items": len(stacked)}
    boot: FloatArray = alpha_from_coincidences(np.einsum("bd,dij->bij", bootstrap.weights, coincidence))
    return {
        "value": defined(value),
        "items": len(stacked),
        "documents": len(tables),
        "ci95": bootstrap.interval(boot, documents=len(tables), value=value),
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
