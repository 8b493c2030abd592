"""Pairwise Cohen's kappa on token categories: each pair of annotators on the documents both
submitted (`coefficients.cohen_kappa`, scikit-learn's figure); the figure is the mean over the
pairs whose kappa is defined. Per label: kappa again on "has this label / has not"."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from annotator.agreement.bootstrap import Bootstrap
from annotator.agreement.coefficients import cohen_kappa, kappa_from_confusion
from annotator.agreement.figures import CohenFigure, PairValue, defined, mean, nanmean_rows
from annotator.agreement.prepare import Prepared, PreparedDocument


def cohen_figure(prepared: Prepared, bootstrap: Bootstrap) -> CohenFigure:
    c = len(prepared.categories)
    indicators = [prepared.label_indicator(i) for i in range(len(prepared.labels))]
    projections = [np.stack([1 - ind, ind], axis=1).astype(float) for ind in indicators]
    per_pair: dict[str, PairValue] = {}
    values: list[float | None] = []
    label_values: dict[str, list[float | None]] = {label: [] for label in prepared.labels}
    items = 0
    used: set[int] = set()
    boot = np.full((bootstrap.resamples, len(prepared.pairs)), np.nan)
    for k, (a, b) in enumerate(prepared.pairs):
        # Per document: the flattened confusion matrix, from one `bincount` over the documents
        # both submitted (each token's cell, offset by its document's block of c * c cells).
        both = [i for i, doc in enumerate(prepared.documents) if doc.has(a, b)]
        docs = len(both)
        used.update(both)
        stats = np.zeros((len(prepared.documents), c * c))
        if both:
            cells = np.concatenate(
                [i * c * c + prepared.documents[i].codes[a] * c + prepared.documents[i].codes[b] for i in both]
            )
            stats = np.bincount(cells, minlength=len(prepared.documents) * c * c).astype(float).reshape(-1, c * c)
        confusion = stats.sum(axis=0).reshape(c, c)
        tokens = int(confusion.sum())
        value = cohen_kappa(confusion)
        values.append(value)
        items += tokens
        for label, projection in zip(prepared.labels, projections, strict=True):
            label_values[label].append(cohen_kappa(projection.T @ confusion @ projection))
        per_pair[f"{a}|{b}"] = {"value": defined(value), "items": tokens, "documents": docs}
        if docs:
            boot[:, k] = kappa_from_confusion((bootstrap.weights @ stats).reshape(-1, c, c))
    value = mean(values)
    return {
        "value": defined(value),
        "items": items,
        "documents": len(used),
        "ci95": bootstrap.interval(nanmean_rows(boot), documents=len(used), value=value),
        "per_label": {
            label: {"value": defined(mean(label_values[label])), "items": items} for label in prepared.labels
        },
        "per_pair": per_pair,
    }


def document_cohen(prepared: Prepared, doc: PreparedDocument) -> float | None:
    """The document's own kappa: the mean over the pairs of annotators who submitted it."""
    c = len(prepared.categories)
    values: list[float | None] = []
    for a, b in combinations(doc.present, 2):
        confusion = np.bincount(doc.codes[a] * c + doc.codes[b], minlength=c * c).reshape(c, c)
        values.append(defined(kappa_from_confusion(confusion)))
    return mean(values)
