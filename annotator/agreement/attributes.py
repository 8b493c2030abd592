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

from annotator.agreement.coefficients import krippendorff_alpha
from annotator.spans import Span


def attribute_agreement(
    documents: Sequence[Mapping[str, Sequence[Span]]], attributes: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """`documents`: one mapping annotator -> spans per document; `attributes`: label -> the
    attribute names to compare. Returns {label: {"matched_spans": n, attribute: {"value"
    (share of agreeing pairs), "alpha", "items" (spans), "pairs"}}}."""
    result: dict[str, Any] = {}
    for label, names in attributes.items():
        groups: list[list[Mapping[str, Any]]] = []
        for by_annotator in documents:
            by_key: dict[tuple[int, int, str], list[Mapping[str, Any]]] = {}
            for who in sorted(by_annotator):
                for span in by_annotator[who]:
                    if span.label == label:
                        by_key.setdefault(span.key, []).append(span.attrs or {})
            groups.extend(group for group in by_key.values() if len(group) >= 2)
        entry: dict[str, Any] = {"matched_spans": len(groups)}
        for name in names:
            agree = pairs = 0
            codes: dict[Any, int] = {}
            rows: list[list[int]] = []
            for group in groups:
                values = [_code(attrs.get(name)) for attrs in group]
                for first, second in combinations(values, 2):
                    pairs += 1
                    agree += first == second
                row_codes = [codes.setdefault(v, len(codes)) for v in values]
                rows.append(row_codes)
            table = np.zeros((len(rows), max(len(codes), 1)), dtype=np.int64)
            for i, row_codes in enumerate(rows):
                for code in row_codes:
                    table[i, code] += 1
            entry[name] = {
                "value": agree / pairs if pairs else None,
                "alpha": krippendorff_alpha(table) if len(rows) else None,
                "items": len(groups),
                "pairs": pairs,
            }
        result[label] = entry
    return result


def _code(value: Any) -> Any:
    if value is None or value == "":
        return "blank"
    return repr(value)
