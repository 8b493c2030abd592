"""Agreement measures, pure Python (no Django): see docs/agreement.md for the conventions
and the layout.

- `span_f1`: span F1 (exact and overlap), shared with the tagger's evaluation.
- `prepare.prepare`: plain documents in, one frozen structure every measure reads.
- `measures`: one module a measure (span F1, Cohen's and Fleiss' kappa, Krippendorff's alpha,
  alpha_u), each with its bootstrap interval.
- `report.agreement_report`: the contract's report, assembled from the measures and
  `attributes`' attribute agreement.
- `documents.document_table` / `document_detail`: the per-document table and drill-down.
- `compare.compare_annotations`: agreed spans, sorted disagreements, majority pre-fill.
"""

from annotator.agreement.span_f1 import LabelCounts, SpanF1, span_f1

__all__ = ["LabelCounts", "SpanF1", "span_f1"]
