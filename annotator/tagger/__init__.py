"""The sequence tagger: pure Python and scikit-learn, no Django.

- `features`: token feature strings (`FEATURE_VERSION`).
- `decoding`: Viterbi over BIO tags with impossible transitions forbidden.
- `model`: `SpanTagger`, the estimator (texts + spans in, scored spans out).
- `persistence`: bytes with version metadata, checked on load.
"""

from annotator.tagger.features import FEATURE_VERSION
from annotator.tagger.model import Prediction, ScoredSpan, SpanTagger
from annotator.tagger.persistence import ModelLoadError, dump_tagger, load_tagger, sha256

__all__ = [
    "FEATURE_VERSION",
    "ModelLoadError",
    "Prediction",
    "ScoredSpan",
    "SpanTagger",
    "dump_tagger",
    "load_tagger",
    "sha256",
]
