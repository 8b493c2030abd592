"""Agreement measures, pure Python (no Django): see docs/agreement.md for the conventions."""

from annotator.agreement.span_f1 import LabelCounts, SpanF1, span_f1

__all__ = ["LabelCounts", "SpanF1", "span_f1"]
