"""Span F1 between two annotations of the same documents: the one implementation that both
annotator agreement and the tagger's evaluation use.

`reference` and `predicted` are parallel lists, one list of spans per document. Exact match
needs the same start, end and label. Overlap match pairs spans one to one: same label and at
least one shared character, greedily by largest overlap, each span used once. Precision is
matched / predicted, recall matched / reference; F1 is their harmonic mean. A figure that
is 0/0 is None (undefined), never 0 or 1. Micro F1 pools the counts of every label; macro F1
averages the per-label F1 over the labels that at least one side used.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from annotator.spans import Span

Match = Literal["exact", "overlap"]


@dataclass
class LabelCounts:
    matched: int = 0
    reference: int = 0
    predicted: int = 0

    @property
    def precision(self) -> float | None:
        return self.matched / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.reference if self.reference else None

    @property
    def f1(self) -> float | None:
        total = self.reference + self.predicted
        return 2 * self.matched / total if total else None

    @property
    def items(self) -> int:
        """The spans the figure stands on: both sides' spans, a matched pair counted once."""
        return self.reference + self.predicted - self.matched

    def add(self, other: LabelCounts) -> None:
        self.matched += other.matched
        self.reference += other.reference
        self.predicted += other.predicted


@dataclass
class SpanF1:
    per_label: dict[str, LabelCounts] = field(default_factory=dict)

    @property
    def micro(self) -> LabelCounts:
        total = LabelCounts()
        for counts in self.per_label.values():
            total.add(counts)
        return total

    @property
    def f1(self) -> float | None:
        return self.micro.f1

    @property
    def macro(self) -> float | None:
        values = [c.f1 for c in self.per_label.values() if c.reference or c.predicted]
        defined = [v for v in values if v is not None]
        return sum(defined) / len(defined) if defined else None

    def as_dict(self) -> dict[str, object]:
        micro = self.micro
        return {
            "value": micro.f1,
            "macro": self.macro,
            "precision": micro.precision,
            "recall": micro.recall,
            "items": micro.items,
            "per_label": {
                label: {"value": c.f1, "precision": c.precision, "recall": c.recall, "items": c.items}
                for label, c in sorted(self.per_label.items())
            },
        }


OverlapIndex = tuple[list[int], list[int], list[int]]


def overlap_index(predicted: Sequence[Span]) -> OverlapIndex:
    """What `matched_overlap` looks spans up in, made once for a list of spans that is
    compared with several others: the start order, the starts in that order and the running
    maximum of the ends (so the backward scan can stop early)."""
    order = sorted(range(len(predicted)), key=lambda j: predicted[j].start)
    starts = [predicted[j].start for j in order]
    furthest: list[int] = []
    for j in order:
        furthest.append(max(predicted[j].end, furthest[-1] if furthest else predicted[j].end))
    return order, starts, furthest


def matched_overlap(reference: Sequence[Span], predicted: Sequence[Span], index: OverlapIndex | None = None) -> int:
    """One-to-one matching of same-label spans sharing a character, largest overlap first."""
    # The pairs and their order are those of comparing every span with every other, only
    # found without the quadratic loop (see `overlap_index`).
    order, starts, furthest = index or overlap_index(predicted)
    pairs = []
    for i, r in enumerate(reference):
        k = bisect_left(starts, r.end) - 1
        while k >= 0 and furthest[k] > r.start:
            p = predicted[order[k]]
            shared = min(r.end, p.end) - max(r.start, p.start)
            if shared > 0:
                pairs.append((-shared, i, order[k]))
            k -= 1
    return greedy_one_to_one(pairs)


def greedy_one_to_one(pairs: list[tuple[int, int, int]]) -> int:
    """How many pairs a greedy one-to-one matching keeps, taking `(-overlap, i, j)` pairs
    largest overlap first (ties by index) and each `i` and `j` at most once."""
    pairs.sort()
    used_i: set[int] = set()
    used_j: set[int] = set()
    for _, i, j in pairs:
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
    return len(used_i)


def document_counts(
    reference: Iterable[Span], predicted: Iterable[Span], *, match: Match = "exact"
) -> dict[str, LabelCounts]:
    """Per-label counts for one document."""
    by_label: dict[str, tuple[list[Span], list[Span]]] = {}
    for span in reference:
        by_label.setdefault(span.label, ([], []))[0].append(span)
    for span in predicted:
        by_label.setdefault(span.label, ([], []))[1].append(span)
    result: dict[str, LabelCounts] = {}
    for label, (ref, pred) in by_label.items():
        if match == "exact":
            matched = len({s.key for s in ref} & {s.key for s in pred})
        else:
            matched = matched_overlap(ref, pred)
        result[label] = LabelCounts(matched, len(ref), len(pred))
    return result


def span_f1(
    reference: Sequence[Iterable[Span]],
    predicted: Sequence[Iterable[Span]],
    *,
    match: Match = "exact",
    labels: Iterable[str] | None = None,
) -> SpanF1:
    """Span F1 over parallel lists of documents. `labels`, if given, keeps only those labels
    (and lists each even when neither side used it)."""
    if len(reference) != len(predicted):
        raise ValueError("reference and predicted must list the same documents")
    keep = set(labels) if labels is not None else None
    result = SpanF1({label: LabelCounts() for label in keep} if keep else {})
    for ref, pred in zip(reference, predicted, strict=True):
        for label, counts in document_counts(ref, pred, match=match).items():
            if keep is None or label in keep:
                result.per_label.setdefault(label, LabelCounts()).add(counts)
    return result
