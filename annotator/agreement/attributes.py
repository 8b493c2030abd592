"""Agreement on span attributes (a casualty count's value, status, victims, qualifier).

Only annotators who marked the same span (same start, end and label: exact match) are
compared, so this measures whether people who found the same count read it the same way;
whether they found it at all is the span measures' business. For each attribute: the share
of agreeing annotator pairs over those spans, and Krippendorff's alpha (nominal) with the
spans as units and a left-blank attribute as a value of its own ("blank"): someone who fills
in a value the other left blank disagrees with them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from annotator.agreement.bootstrap import percentile_interval
from annotator.agreement.coefficients import krippendorff_alpha
from annotator.agreement.figures import FloatArray, defined
from annotator.spans import Span


def attribute_agreement(
    documents: Sequence[Mapping[str, Sequence[Span]]],
    attributes: Mapping[str, Sequence[str]],
    *,
    weights: FloatArray | None = None,
) -> dict[str, Any]:
    """`documents`: one mapping annotator -> spans per document; `attributes`: label -> the
    attribute names to compare; `weights`: the bootstrap's resamples x documents draw counts
    (see `bootstrap`), for a 95% interval of the share of agreeing pairs. Returns {label:
    {"matched_spans": n, attribute: {"value" (share of agreeing pairs), "ci95", "alpha",
    "items" (spans), "pairs"}}}."""
    result: dict[str, Any] = {}
    for label, names in attributes.items():
        groups: list[list[Mapping[str, Any]]] = []
        group_document: list[int] = []
        for index, by_annotator in enumerate(documents):
            by_key: dict[tuple[int, int, str], list[Mapping[str, Any]]] = {}
            for who in sorted(by_annotator):
                for span in by_annotator[who]:
                    if span.label == label:
                        by_key.setdefault(span.key, []).append(span.attrs or {})
            for group in by_key.values():
                if len(group) >= 2:
                    groups.append(group)
                    group_document.append(index)
        entry: dict[str, Any] = {"matched_spans": len(groups)}
        for name in names:
            agree = pairs = 0
            codes: dict[Any, int] = {}
            rows: list[list[int]] = []
            agree_by_document = np.zeros(len(documents))
            pairs_by_document = np.zeros(len(documents))
            for group, index in zip(groups, group_document, strict=True):
                values = [_code(attrs.get(name)) for attrs in group]
                for first, second in combinations(values, 2):
                    pairs += 1
                    agree += first == second
                    pairs_by_document[index] += 1
                    agree_by_document[index] += first == second
                row_codes = [codes.setdefault(v, len(codes)) for v in values]
                rows.append(row_codes)
            table = np.zeros((len(rows), max(len(codes), 1)), dtype=np.int64)
            for i, row_codes in enumerate(rows):
                for code in row_codes:
                    table[i, code] += 1
            interval = None
            if pairs and weights is not None and len(weights):
                with np.errstate(divide="ignore", invalid="ignore"):
                    shares = (weights @ agree_by_document) / (weights @ pairs_by_document)
                interval = percentile_interval(shares, used_documents=int((pairs_by_document > 0).sum()))
            entry[name] = {
                "value": agree / pairs if pairs else None,
                "ci95": list(interval) if interval else None,
                "alpha": defined(krippendorff_alpha(table)) if len(rows) else None,
                "items": len(groups),
                "pairs": pairs,
            }
        result[label] = entry
    return result


def _code(value: Any) -> Any:
    if value is None or value == "":
        return "blank"
    return repr(value)
