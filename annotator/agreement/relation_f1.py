"""Relation F1: agreement on typed links between spans (`BY`, `AT`), pairwise and against gold.

A relation is compared by its two end spans and its type, never by span ids (two annotators'
ids mean nothing to each other). Exact match (the contract's `relation_f1`): both ends have
the same start, end and label, and the type is equal. Overlap match: same type, each end
shares at least one character with the other's end of the same label; relations are paired
one to one, greedily by the largest overlap of both ends together, each used once, as span
F1's overlap match does. Counting is `span_f1.LabelCounts` per type, so precision, recall,
F1 and `items` mean the same as for spans, and a 0/0 figure is None.

The figure has the shape of `span_f1_exact` (`SpanF1Figure`): the mean over annotator pairs
of each pair's micro F1 on the documents both submitted, macro over types, `per_label` keyed
by relation type, `per_pair`, and a percentile bootstrap interval over documents
(`bootstrap.Bootstrap`, the draw the rest of the report shares).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np

from annotator.agreement.bootstrap import Bootstrap
from annotator.agreement.figures import SpanF1Figure, SpanF1PairValue, defined, mean, nanmean_rows
from annotator.agreement.relation_links import LinkedRelation
from annotator.agreement.span_f1 import LabelCounts, Match, SpanF1, greedy_one_to_one
from annotator.spans import Span


def _overlap(first: Span, second: Span) -> int:
    if first.label != second.label:
        return 0
    return max(0, min(first.end, second.end) - max(first.start, second.start))


def matched_relations(reference: Sequence[LinkedRelation], predicted: Sequence[LinkedRelation], match: Match) -> int:
    if match == "exact":
        return len({r.key for r in reference} & {p.key for p in predicted})
    candidates = []
    for i, ours in enumerate(reference):
        for j, theirs in enumerate(predicted):
            if ours.type != theirs.type:
                continue
            source, target = _overlap(ours.source, theirs.source), _overlap(ours.target, theirs.target)
            if source and target:
                candidates.append((-(source + target), i, j))
    return greedy_one_to_one(candidates)


def document_relation_counts(
    reference: Sequence[LinkedRelation], predicted: Sequence[LinkedRelation], *, match: Match
) -> dict[str, LabelCounts]:
    """Per relation type either side used: matched, reference's and predicted's relations."""
    counts: dict[str, LabelCounts] = {}
    for kind in sorted({r.type for r in reference} | {p.type for p in predicted}):
        ours = [r for r in reference if r.type == kind]
        theirs = [p for p in predicted if p.type == kind]
        counts[kind] = LabelCounts(matched_relations(ours, theirs, match), len(ours), len(theirs))
    return counts


RelationDocument = Mapping[str, Sequence[LinkedRelation]]  # annotator -> their relations


def _pair_figure(
    documents: Sequence[RelationDocument],
    first: str,
    second: str,
    match: Match,
    reference: Sequence[Sequence[LinkedRelation] | None] | None = None,
) -> tuple[SpanF1, int, np.ndarray]:
    """Counts of `second` against `first` (or against `reference`, the gold, where given)
    over the documents both have; per document (matched, first's, second's) for the
    bootstrap."""
    result = SpanF1()
    stats = np.zeros((len(documents), 3))
    used = 0
    for i, by_annotator in enumerate(documents):
        ours = reference[i] if reference is not None else by_annotator.get(first)
        theirs = by_annotator.get(second)
        if ours is None or theirs is None:
            continue
        used += 1
        for kind, counts in document_relation_counts(ours, theirs, match=match).items():
            result.per_label.setdefault(kind, LabelCounts()).add(counts)
            stats[i] += (counts.matched, counts.reference, counts.predicted)
    return result, used, stats


def _figure(
    pairs: list[tuple[str, SpanF1, int, np.ndarray]], types: Sequence[str], bootstrap: Bootstrap, used_documents: int
) -> SpanF1Figure:
    per_pair: dict[str, SpanF1PairValue] = {}
    boot = np.full((bootstrap.resamples, len(pairs)), np.nan)
    per_type: dict[str, list[float | None]] = {kind: [] for kind in types}
    per_type_items = dict.fromkeys(types, 0)
    items = 0
    for k, (name, result, used, stats) in enumerate(pairs):
        micro = result.micro
        items += micro.items
        per_pair[name] = {
            "value": defined(micro.f1),
            "macro": defined(result.macro),
            "items": micro.items,
            "documents": used,
        }
        for kind in types:
            counts = result.per_label.get(kind, LabelCounts())
            per_type[kind].append(counts.f1)
            per_type_items[kind] += counts.items
        if used:
            sums = bootstrap.weights @ stats
            with np.errstate(divide="ignore", invalid="ignore"):
                boot[:, k] = np.where(sums[:, 1] + sums[:, 2] > 0, 2 * sums[:, 0] / (sums[:, 1] + sums[:, 2]), np.nan)
    value = mean([result.micro.f1 for _, result, _, _ in pairs])
    return {
        "value": defined(value),
        "macro": defined(mean([result.macro for _, result, _, _ in pairs])),
        "items": items,
        "documents": used_documents,
        "ci95": bootstrap.interval(nanmean_rows(boot), documents=used_documents, value=value),
        "per_label": {kind: {"value": defined(mean(per_type[kind])), "items": per_type_items[kind]} for kind in types},
        "per_pair": per_pair,
    }


def relation_f1_figure(
    documents: Sequence[RelationDocument],
    *,
    annotators: Sequence[str],
    types: Sequence[str],
    bootstrap: Bootstrap,
    match: Match = "exact",
) -> SpanF1Figure:
    """Pairwise relation F1 between annotators, keyed "a|b" in `per_pair`."""
    pairs = []
    used_documents: set[int] = set()
    for first, second in combinations(sorted(annotators), 2):
        result, used, stats = _pair_figure(documents, first, second, match)
        used_documents |= {i for i, d in enumerate(documents) if first in d and second in d}
        pairs.append((f"{first}|{second}", result, used, stats))
    return _figure(pairs, types, bootstrap, len(used_documents))


def relation_f1_against_gold(
    documents: Sequence[RelationDocument],
    gold: Sequence[Sequence[LinkedRelation] | None],
    *,
    annotators: Sequence[str],
    types: Sequence[str],
    bootstrap: Bootstrap,
    match: Match = "exact",
) -> SpanF1Figure:
    """Each annotator's relations against the gold of the documents that have gold, keyed
    by annotator in `per_pair`; the value is the mean over annotators."""
    rows = []
    used_documents: set[int] = set()
    for name in sorted(annotators):
        result, used, stats = _pair_figure(documents, "gold", name, match, reference=gold)
        used_documents |= {i for i, d in enumerate(documents) if name in d and gold[i] is not None}
        rows.append((name, result, used, stats))
    return _figure(rows, types, bootstrap, len(used_documents))
