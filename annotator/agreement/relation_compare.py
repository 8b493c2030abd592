"""One document's relations side by side (#21), as `compare` does for spans: what every
annotator linked, and where they disagree, grouped for the reviewer.

Relations are compared by their ends' offsets and labels and their type (`LinkedRelation`),
never by span ids. They are grouped by the span they start from (a casualty count, by its
exact offsets and label) and their type: one group answers "BY whom / AT where is this
count?". A group is agreed when every annotator gave the count the same targets of that
type; otherwise it is one disagreement:

- "other_target": two annotators or more linked the count with that type, to different
  targets (alice: BY regime forces; bob: BY the coalition, or both of them);
- "missing": the annotators who linked it agree, and they are more than half: the rest
  missed the link;
- "extra": the annotators who linked it agree, and they are half or fewer (with two
  annotators, one link of one annotator): a link the others did not see.

A count whose offsets differ between annotators is a span disagreement first (`compare`);
here each annotator's count starts its own group. Every group lists its candidate relations
(each target with the annotators who linked it) and the annotators who gave the count no
link of that type (`missing`), so the reviewer takes relations into the gold one by one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.agreement.relation_links import LinkedRelation
from annotator.spans import Span

RELATION_KINDS = ("missing", "extra", "other_target")


@dataclass
class RelationDisagreement:
    kind: str
    type: str
    source: Span
    targets: list[tuple[Span, list[str]]]  # each candidate target with the annotators who linked it
    missing: list[str]  # annotators with no link of this type from this count

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "type": self.type,
            "start": self.source.start,
            "end": self.source.end,
            "source": _plain(self.source),
            "relations": [{"target": _plain(target), "annotators": who} for target, who in self.targets],
            "missing": self.missing,
        }


@dataclass
class RelationComparison:
    annotators: list[str]
    agreed: list[LinkedRelation] = field(default_factory=list)
    disagreements: list[RelationDisagreement] = field(default_factory=list)

    def by_kind(self) -> dict[str, list[dict[str, Any]]]:
        grouped: dict[str, list[dict[str, Any]]] = {kind: [] for kind in RELATION_KINDS}
        for item in self.disagreements:
            grouped[item.kind].append(item.as_dict())
        return grouped

    def as_dict(self) -> dict[str, Any]:
        return {
            "agreed": [{"source": _plain(r.source), "target": _plain(r.target), "type": r.type} for r in self.agreed],
            "disagreements": self.by_kind(),
            "disagreement_count": len(self.disagreements),
        }


def _plain(span: Span) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "label": span.label}


def compare_relations(relations_by_annotator: Mapping[str, Sequence[LinkedRelation]]) -> RelationComparison:
    """Compare the relations of one document's submitted annotations (annotator -> relations)."""
    annotators = sorted(relations_by_annotator)
    result = RelationComparison(annotators)
    m = len(annotators)
    # (count, type) -> annotator -> the targets they linked it to
    groups: dict[tuple[tuple[int, int, str], str], dict[str, dict[tuple[int, int, str], Span]]] = {}
    sources: dict[tuple[int, int, str], Span] = {}
    for who in annotators:
        for relation in relations_by_annotator[who]:
            sources.setdefault(relation.source.key, relation.source)
            targets = groups.setdefault((relation.source.key, relation.type), {}).setdefault(who, {})
            targets[relation.target.key] = relation.target
    for (source_key, kind), by_annotator in sorted(groups.items()):
        source = sources[source_key]
        linked = sorted(by_annotator)
        target_sets = {frozenset(by_annotator[who]) for who in linked}
        if len(linked) == m and len(target_sets) == 1:
            result.agreed.extend(
                LinkedRelation(source, target, kind) for _, target in sorted(by_annotator[linked[0]].items())
            )
            continue
        if len(linked) > 1 and len(target_sets) > 1:
            verdict = "other_target"
        elif len(linked) > m / 2:
            verdict = "missing"
        else:
            verdict = "extra"
        every_target: dict[tuple[int, int, str], Span] = {}
        for who in linked:
            every_target.update(by_annotator[who])
        result.disagreements.append(
            RelationDisagreement(
                verdict,
                kind,
                source,
                [
                    (every_target[key], [who for who in linked if key in by_annotator[who]])
                    for key in sorted(every_target)
                ],
                [who for who in annotators if who not in by_annotator],
            )
        )
    result.disagreements.sort(key=lambda d: (d.source.start, d.source.end, d.type, d.kind))
    return result
