"""One document's annotations side by side: what every annotator agrees on, where they
disagree and why, and a majority-vote starting point for the gold.

- Agreed: a span (same start, end and label) that every annotator marked.
- Disagreements: the other spans, grouped into clusters of spans that share a character
  (whatever their labels). A cluster is
  - "only_one" when a single annotator marked anything there;
  - "label" when its spans carry more than one label (the offsets may differ too:
    `boundary_too` says so);
  - "boundary" when they carry one label but not the same offsets;
  - "not_everyone" when several annotators marked the very same span but not all of them
    (only possible with three or more annotators).
  An agreed span whose attributes differ between annotators is listed as an "attributes"
  disagreement as well.
- Majority vote: every span more than half of the annotators marked, with each attribute's
  value taken when more than half of those annotators gave it. With two annotators this is
  the agreed spans: a tie is the adjudicator's to break. The pre-fill is always a valid span
  list: two same-label spans that both won a majority would need an annotator who marked
  both, and an annotator's own spans of one label never overlap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.spans import Span

KINDS = ("boundary", "label", "only_one", "not_everyone", "attributes")


@dataclass
class Disagreement:
    kind: str
    start: int
    end: int
    spans: list[tuple[str, Span]]  # (annotator, span)
    missing: list[str]  # annotators with no span in the cluster
    boundary_too: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "boundary_too": self.boundary_too,
            "spans": [{"annotator": who, **span.as_dict()} for who, span in self.spans],
            "missing": self.missing,
        }


@dataclass
class Comparison:
    annotators: list[str]
    agreed: list[Span] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    majority: list[Span] = field(default_factory=list)

    def by_kind(self) -> dict[str, list[dict[str, Any]]]:
        grouped: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
        for item in self.disagreements:
            grouped[item.kind].append(item.as_dict())
        return grouped

    def as_dict(self) -> dict[str, Any]:
        return {
            "annotators": self.annotators,
            "agreed": [span.as_dict() for span in self.agreed],
            "disagreements": self.by_kind(),
            "disagreement_count": sum(1 for d in self.disagreements if d.kind != "attributes"),
            "majority": [span.as_dict() for span in self.majority],
        }


def _majority_attrs(values: Sequence[Mapping[str, Any]], quorum: float) -> dict[str, Any]:
    if all(attrs == values[0] for attrs in values[1:]):  # the usual case: everyone gave the same
        return {name: value for name, value in values[0].items() if value is not None}
    names = sorted({name for attrs in values for name in attrs})
    chosen: dict[str, Any] = {}
    for name in names:
        counts = Counter(_hashable(attrs.get(name)) for attrs in values)
        value, count = counts.most_common(1)[0]
        if count > quorum and value is not None:
            chosen[name] = value
    return chosen


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def compare_annotations(spans_by_annotator: Mapping[str, Sequence[Span]]) -> Comparison:
    """Compare the submitted annotations of one document (annotator -> spans)."""
    annotators = sorted(spans_by_annotator)
    result = Comparison(annotators)
    m = len(annotators)
    if m == 0:
        return result
    marked: dict[tuple[int, int, str], dict[str, Span]] = {}
    for who in annotators:
        for span in spans_by_annotator[who]:
            marked.setdefault(span.key, {})[who] = span
    leftover: list[tuple[str, Span]] = []
    for key in sorted(marked):
        voters = marked[key]
        spans = [voters[who] for who in annotators if who in voters]
        if len(voters) > m / 2:
            result.majority.append(Span(*key, _majority_attrs([s.attrs for s in spans], len(voters) / 2)))
        if len(voters) == m:
            result.agreed.append(Span(*key, _majority_attrs([s.attrs for s in spans], m / 2)))
            if m > 1 and len({tuple(sorted(s.attrs.items(), key=str)) for s in spans}) > 1:
                result.disagreements.append(
                    Disagreement("attributes", key[0], key[1], [(who, voters[who]) for who in sorted(voters)], [])
                )
        else:
            leftover.extend((who, voters[who]) for who in sorted(voters))
    leftover.sort(key=lambda item: (item[1].start, item[1].end, item[1].label, item[0]))
    clusters: list[list[tuple[str, Span]]] = []
    end = -1
    for item in leftover:
        if clusters and item[1].start < end:
            clusters[-1].append(item)
            end = max(end, item[1].end)
        else:
            clusters.append([item])
            end = item[1].end
    for cluster in clusters:
        marked_by = {annotator for annotator, _ in cluster}
        labels = {span.label for _, span in cluster}
        offsets = {(span.start, span.end) for _, span in cluster}
        if len(marked_by) == 1:
            kind = "only_one"
        elif len(labels) > 1:
            kind = "label"
        elif len(offsets) > 1:
            kind = "boundary"
        else:
            kind = "not_everyone"
        result.disagreements.append(
            Disagreement(
                kind,
                min(span.start for _, span in cluster),
                max(span.end for _, span in cluster),
                cluster,
                [a for a in annotators if a not in marked_by],
                boundary_too=kind == "label" and len(offsets) > 1,
            )
        )
    result.disagreements.sort(key=lambda d: (d.start, d.end, d.kind))
    return result
