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
from dataclasses import dataclass
from typing import Any

import joblib
import sklearn

from annotator.exceptions import AnnotatorError
from annotator.tagger.features import FEATURE_VERSION
from annotator.tagger.model import SpanTagger
from annotator.tagger.relations import FEATURE_VERSION as RELATION_FEATURE_VERSION
from annotator.tagger.relations import RelationClassifier


class ModelLoadError(AnnotatorError):
    code = "model_unavailable"


@dataclass(frozen=True)
class _Kind:
    """What one kind of model file holds and how its errors name it."""

    format: str
    key: str  # the payload's key for the model itself
    what: str  # "model" or "relation model", in messages
    cls: type
    not_ours: str
    holds_none: str


def _dump(model: Any, kind: _Kind, feature_version: int | str) -> bytes:
    buffer = io.BytesIO()
    payload = {
        "format": kind.format,
        "sklearn_version": sklearn.__version__,
        "feature_version": feature_version,
        kind.key: model,
    }
    joblib.dump(payload, buffer, compress=3)
    return buffer.getvalue()


def _load(data: bytes | memoryview | None, kind: _Kind, feature_version: int | str, expected_sha256: str | None) -> Any:
    # The feature version is passed at each call, read from this module, so a test can
    # change it.
    if not data:
        raise ModelLoadError(f"the {kind.what} file is missing")
    data = bytes(data)
    if expected_sha256 and sha256(data) != expected_sha256:
        raise ModelLoadError(f"the {kind.what} file is damaged: its checksum does not match")
    try:
        payload: Any = joblib.load(io.BytesIO(data))
    except Exception as error:  # a truncated or foreign file fails in many ways
        raise ModelLoadError(f"the {kind.what} file cannot be read ({type(error).__name__})") from None
    if not isinstance(payload, dict) or payload.get("format") != kind.format:
        raise ModelLoadError(kind.not_ours)
    if payload.get("sklearn_version") != sklearn.__version__:
        raise ModelLoadError(
            f"the {kind.what} was saved with scikit-learn {payload.get('sklearn_version')}, "
            f"this process runs {sklearn.__version__}: retrain it"
        )
    if payload.get("feature_version") != feature_version:
        raise ModelLoadError(
            f"the {kind.what} uses features {payload.get('feature_version')}, "
            f"this code makes {feature_version}: retrain it"
        )
    model = payload.get(kind.key)
    if not isinstance(model, kind.cls):
        raise ModelLoadError(kind.holds_none)
    return model


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


FORMAT = "annotator-tagger"
_TAGGER = _Kind(
    FORMAT,
    "tagger",
    "model",
    SpanTagger,
    "the model file is not a tagger saved by this app",
    "the model file holds no tagger",
)
RELATIONS_FORMAT = "annotator-relations"
_RELATIONS = _Kind(
    RELATIONS_FORMAT,
    "classifier",
    "relation model",
    RelationClassifier,
    "the file is not a relation model saved by this app",
    "the relation model file holds no relation classifier",
)


def dump_tagger(tagger: SpanTagger) -> bytes:
    return _dump(tagger, _TAGGER, FEATURE_VERSION)


def load_tagger(data: bytes | memoryview | None, *, expected_sha256: str | None = None) -> SpanTagger:
    """The tagger in `data`; `ModelLoadError` if it is missing, broken, altered or was made
    with another scikit-learn or feature version."""
    tagger: SpanTagger = _load(data, _TAGGER, FEATURE_VERSION, expected_sha256)
    return tagger


def dump_relations(classifier: RelationClassifier) -> bytes:
    """The relation classifier as bytes, with the versions `load_relations` checks."""
    return _dump(classifier, _RELATIONS, RELATION_FEATURE_VERSION)


def load_relations(data: bytes | memoryview | None, *, expected_sha256: str | None = None) -> RelationClassifier:
    """The relation classifier in `data`; `ModelLoadError` on the same grounds as `load_tagger`."""
    classifier: RelationClassifier = _load(data, _RELATIONS, RELATION_FEATURE_VERSION, expected_sha256)
    return classifier
