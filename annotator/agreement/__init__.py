"""Agreement measures, pure Python (no Django): see docs/agreement.md for the conventions.

- `span_f1`: span F1 (exact and overlap), shared with the tagger's evaluation.
- `report.agreement_report`: the contract's report (span F1, Cohen's and Fleiss' kappa,
  Krippendorff's alpha and alpha_u, attribute agreement) with bootstrap intervals.
- `report.document_table` / `document_detail`: the per-document table and drill-down.
- `compare.compare_annotations`: agreed spans, sorted disagreements, majority pre-fill.
"""

from annotator.agreement.span_f1 import LabelCounts, SpanF1, span_f1

__all__ = ["LabelCounts", "SpanF1", "span_f1"]
