"""Saving and loading a trained tagger as bytes (joblib), with the versions it needs.

The bytes hold the tagger together with the scikit-learn version that pickled it and the
feature version it was trained on; `load_tagger` refuses a mismatch (a model pickled by
another scikit-learn may load and then silently mispredict, and features read differently
would too) and turns a broken file into `ModelLoadError`, so callers can carry on without
suggestions and say why.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

import joblib
import sklearn

from annotator.exceptions import AnnotatorError
from annotator.tagger.features import FEATURE_VERSION
from annotator.tagger.model import SpanTagger
from annotator.tagger.relations import FEATURE_VERSION as RELATION_FEATURE_VERSION
from annotator.tagger.relations import RelationClassifier

FORMAT = "annotator-tagger"


class ModelLoadError(AnnotatorError):
    code = "model_unavailable"


def dump_tagger(tagger: SpanTagger) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(
        {
            "format": FORMAT,
            "sklearn_version": sklearn.__version__,
            "feature_version": FEATURE_VERSION,
            "tagger": tagger,
        },
        buffer,
        compress=3,
    )
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_tagger(data: bytes | memoryview | None, *, expected_sha256: str | None = None) -> SpanTagger:
    """The tagger in `data`; `ModelLoadError` if it is missing, broken, altered or was made
    with another scikit-learn or feature version."""
    if not data:
        raise ModelLoadError("the model file is missing")
    data = bytes(data)
    if expected_sha256 and sha256(data) != expected_sha256:
        raise ModelLoadError("the model file is damaged: its checksum does not match")
    try:
        payload: Any = joblib.load(io.BytesIO(data))
    except Exception as error:  # a truncated or foreign file fails in many ways
        raise ModelLoadError(f"the model file cannot be read ({type(error).__name__})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelLoadError("the model file is not a tagger saved by this app")
    if payload.get("sklearn_version") != sklearn.__version__:
        raise ModelLoadError(
            f"the model was saved with scikit-learn {payload.get('sklearn_version')}, "
            f"this process runs {sklearn.__version__}: retrain it"
        )
    if payload.get("feature_version") != FEATURE_VERSION:
        raise ModelLoadError(
            f"the model uses features {payload.get('feature_version')}, this code makes {FEATURE_VERSION}: retrain it"
        )
    tagger = payload.get("tagger")
    if not isinstance(tagger, SpanTagger):
        raise ModelLoadError("the model file holds no tagger")
    return tagger


RELATIONS_FORMAT = "annotator-relations"


def dump_relations(classifier: RelationClassifier) -> bytes:
    """The relation classifier as bytes, with the versions `load_relations` checks."""
    buffer = io.BytesIO()
    joblib.dump(
        {
            "format": RELATIONS_FORMAT,
            "sklearn_version": sklearn.__version__,
            "feature_version": RELATION_FEATURE_VERSION,
            "classifier": classifier,
        },
        buffer,
        compress=3,
    )
    return buffer.getvalue()


def load_relations(data: bytes | memoryview | None, *, expected_sha256: str | None = None) -> RelationClassifier:
    """The relation classifier in `data`; `ModelLoadError` on the same grounds as `load_tagger`."""
    if not data:
        raise ModelLoadError("the relation model file is missing")
    data = bytes(data)
    if expected_sha256 and sha256(data) != expected_sha256:
        raise ModelLoadError("the relation model file is damaged: its checksum does not match")
    try:
        payload: Any = joblib.load(io.BytesIO(data))
    except Exception as error:  # a truncated or foreign file fails in many ways
        raise ModelLoadError(f"the relation model file cannot be read ({type(error).__name__})") from None
    if not isinstance(payload, dict) or payload.get("format") != RELATIONS_FORMAT:
        raise ModelLoadError("the file is not a relation model saved by this app")
    if payload.get("sklearn_version") != sklearn.__version__:
        raise ModelLoadError(
            f"the relation model was saved with scikit-learn {payload.get('sklearn_version')}, "
            f"this process runs {sklearn.__version__}: retrain it"
        )
    if payload.get("feature_version") != RELATION_FEATURE_VERSION:
        raise ModelLoadError(
            f"the relation model uses features {payload.get('feature_version')}, "
            f"this code makes {RELATION_FEATURE_VERSION}: retrain it"
        )
    classifier = payload.get("classifier")
    if not isinstance(classifier, RelationClassifier):
        raise ModelLoadError("the relation model file holds no relation classifier")
    return classifier
