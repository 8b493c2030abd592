"""Judging a trained tagger, without Django: which labelled documents are held out, how a
tagger scores on them, and whether a new model replaces the current one.

Held-out documents are picked by a hash of the document id (one in five; at least one once
there are two documents), so the split is the same from one training to the next and old
and new models are compared on the same documents. A new model is promoted unless its
micro span F1 on those documents is below the current model's (a current model that cannot
be loaded any more counts for nothing).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from annotator.agreement import span_f1
from annotator.spans import Span

HELD_OUT_SHARE = 5  # one document in five


@dataclass
class LabelledDocument:
    """A document's text and the spans a training takes as true (its gold, or a submission),
    with the relations between them: (source, target, type), indices into `spans`."""

    document_id: int
    text: str
    spans: list[Span]
    relations: list[tuple[int, int, str]] = field(default_factory=list)


class Predicts(Protocol):
    def predict(self, texts: Sequence[str]) -> list[list[Span]]: ...


def _held_out_key(document_id: int) -> bytes:
    return hashlib.sha256(f"held-out:{document_id}".encode()).digest()


def is_held_out(document_id: int) -> bool:
    """The one held-out rule: whether the document's hash puts it in the held-out share."""
    return _held_out_key(document_id)[0] % HELD_OUT_SHARE == 0


def split(documents: list[LabelledDocument]) -> tuple[list[LabelledDocument], list[LabelledDocument]]:
    """(train, held out): one in five by `is_held_out`; from two documents up at least one
    is held out (the one whose hash is highest), and at least one is trained on."""
    held = [d for d in documents if is_held_out(d.document_id)]
    if not held and len(documents) >= 2:
        held = [max(documents, key=lambda d: _held_out_key(d.document_id))]
    held_ids = {d.document_id for d in held}
    train = [d for d in documents if d.document_id not in held_ids]
    if not train:  # everything hashed out: keep the held-out set to one document
        train, held = held[1:], held[:1]
    return train, held


def evaluate(tagger: Predicts, held: list[LabelledDocument], labels: list[str]) -> dict[str, Any]:
    """Span F1 (exact, micro and per label) of the tagger on the held-out documents, with
    `f1` (the micro value, under the name the web UI reads) and `held_out_documents`.
    Without held-out documents every score is None."""
    if not held:
        return {"value": None, "f1": None, "items": 0, "held_out_documents": 0, "per_label": {}}
    predicted = tagger.predict([d.text for d in held])
    result = span_f1([d.spans for d in held], predicted, labels=labels).as_dict()
    result["f1"] = result["value"]
    result["held_out_documents"] = len(held)
    return result


def should_promote(new: dict[str, Any], current: dict[str, Any] | None) -> bool:
    """Whether a new model with the scores `new` replaces the current one, scored `current`
    on the same documents (None: there is no current model; with an "error": it could not
    be loaded). A tie promotes the new model; a missing score counts as 0."""
    if current is None or current.get("error") is not None:
        return True
    return (new.get("value") or 0.0) >= (current.get("value") or 0.0)


PROMOTION_RULE = (
    "a new model becomes current unless its micro span F1 on the held-out documents is below the current "
    "model's on the same documents (a tie promotes; a missing score counts as 0; with no current model, or one "
    "that cannot be loaded, the new model is promoted)"
)


def promotion_decision(
    new: dict[str, Any], current: dict[str, Any] | None, *, current_version: int | None
) -> dict[str, Any]:
    """`should_promote`'s decision with the figures it rests on and, in words, the rule as it
    applied: `promoted`, `f1` (the new model's), `current_version` and `current_f1` (the
    current model's on the same held-out documents), `held_out_documents`, `rule`, `reason`."""
    promoted = should_promote(new, current)
    f1 = new.get("value")
    current_f1 = None if current is None else current.get("value")
    held = new.get("held_out_documents", 0)
    mine = f"its span F1 {_figure(f1)} on {held} held-out document{'s' if held != 1 else ''}"
    if current is None or current_version is None:
        reason = f"promoted: there was no current model ({mine})"
    elif current.get("error") is not None:
        reason = f"promoted: the current model v{current_version} could not be loaded ({current['error']})"
    elif promoted:
        reason = f"promoted: {mine} is not below v{current_version}'s {_figure(current_f1)} on the same documents"
    else:
        reason = f"kept v{current_version}: {mine} is below v{current_version}'s {_figure(current_f1)} there"
    return {
        "promoted": promoted,
        "f1": f1,
        "current_version": current_version,
        "current_f1": current_f1,
        "held_out_documents": held,
        "rule": PROMOTION_RULE,
        "reason": reason,
    }


def _figure(value: float | None) -> str:
    return "none (counted as 0)" if value is None else f"{value:.3f}"
