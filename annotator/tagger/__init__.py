"""The sequence tagger: pure Python and scikit-learn, no Django.

- `features`: token features as hashed ids, the gazetteer (`FEATURE_VERSION`).
- `decoding`: Viterbi over BIO tags with impossible transitions forbidden, transition scores.
- `model`: `SpanTagger`, the estimator (texts + spans in, scored spans out), a façade over
  `linear` (SGD layers), `stacking`, `self_training`, `reranker` (with `reranking`'s span
  features) and `cache` (per-word weight sums).
- `relations`: `RelationClassifier`, the relation classifier (#21).
- `persistence`: bytes with version metadata, checked on load (the tagger's and the relation
  classifier's).
"""

from annotator.tagger.features import FEATURE_VERSION
from annotator.tagger.model import Prediction, ScoredSpan, SpanTagger
from annotator.tagger.persistence import (
    ModelLoadError,
    dump_relations,
    dump_tagger,
    load_relations,
    load_tagger,
    sha256,
)

__all__ = [
    "FEATURE_VERSION",
    "ModelLoadError",
    "Prediction",
    "ScoredSpan",
    "SpanTagger",
    "dump_relations",
    "dump_tagger",
    "load_relations",
    "load_tagger",
    "sha256",
]
