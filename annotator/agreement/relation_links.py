"""A relation by its two end spans and its type: what relation F1 counts and what the
reviewer's comparison groups (#21). Apart from `relation_f1`, which needs NumPy, so the
comparison the web serves loads none (tests/ops/test_web_imports.py)."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.spans import Span


@dataclass(frozen=True)
class LinkedRelation:
    """A relation by its ends: what two annotations of one document can be compared on."""

    source: Span
    target: Span
    type: str

    @property
    def key(self) -> tuple[tuple[int, int, str], tuple[int, int, str], str]:
        return (self.source.key, self.target.key, self.type)
