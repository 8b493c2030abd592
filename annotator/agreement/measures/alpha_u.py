"""Krippendorff's unitizing alpha (alpha_u, see `annotator.agreement.unitizing`) on
characters, per label and overall (1 - sum D_o / sum D_e), over the documents every annotator
submitted laid end to end."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annotator.agreement.bootstrap import Bootstrap
from annotator.agreement.figures import AlphaUFigure, UnitizingLabelValue, defined
from annotator.agreement.prepare import Prepared, PreparedDocument
from annotator.agreement.unitizing import LabelContinuum, alpha_from, label_disagreements, resampled_disagreements


def _continuum(documents: Sequence[PreparedDocument], coders: Sequence[str], label: str) -> LabelContinuum:
    continuum = LabelContinuum()
    for doc in documents:
        continuum.add_document([doc.units_of(a, label) for a in coders], len(doc.source.text))
    return continuum


def alpha_u_figure(prepared: Prepared, bootstrap: Bootstrap) -> AlphaUFigure:
    m = len(prepared.annotators)
    complete = [prepared.documents[i] for i in prepared.complete]
    weights = bootstrap.weights[:, list(prepared.complete)]
    total_length = sum(len(doc.source.text) for doc in complete)
    boot_o = np.zeros(bootstrap.resamples)
    boot_e = np.zeros(bootstrap.resamples)
    sum_o = sum_e = 0.0
    per_label: dict[str, UnitizingLabelValue] = {}
    for label in prepared.labels:
        continuum = _continuum(complete, prepared.annotators, label)
        d_o, d_e = label_disagreements(continuum, m)
        sum_o += d_o
        sum_e += d_e
        per_label[label] = {
            "value": defined(alpha_from(d_o, d_e)),
            "items": total_length,
            "observed": defined(d_o),
            "expected": defined(d_e),
        }
        if complete and bootstrap.resamples:
            b_o, b_e = resampled_disagreements(continuum, m, weights)
            boot_o += b_o
            boot_e += b_e
    value = alpha_from(sum_o, sum_e) if complete else None
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = np.where(boot_e > 0, 1 - boot_o / boot_e, np.nan)
    return {
        "value": defined(value),
        "items": total_length,
        "documents": len(complete),
        "ci95": bootstrap.interval(boot, documents=len(complete), value=value),
        "per_label": per_label,
    }


def document_alpha_u(prepared: Prepared, doc: PreparedDocument) -> float | None:
    """The document's own alpha_u over the annotators who submitted it."""
    if len(doc.present) < 2:
        return None
    total_o = total_e = 0.0
    for label in prepared.labels:
        d_o, d_e = label_disagreements(_continuum([doc], doc.present, label), len(doc.present))
        total_o += d_o
        total_e += d_e
    return alpha_from(total_o, total_e)
