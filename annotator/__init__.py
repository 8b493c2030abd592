"""The annotator: span annotation, a tagger in the loop, agreement and gold.

The Celery app is imported lazily by `annotator.celery`; importing this package stays free of
Django so the pure core (`spans`, `tokenize`, `agreement`, `tagger`, `formats`) runs without it.
"""
