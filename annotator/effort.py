"""The annotator's effort with and without a model, without Django: what a simulated
annotator does with a document's suggestions, and a replay of the model-in-the-loop over
labelled documents (queue order, a training every `retrain_every` submissions, the promotion
rule of `annotator.evaluation`).

The simulated annotator knows the right spans (the gold) and, faced with the suggestions,
 1. accepts a suggestion that is exactly right (same offsets and label);
 2. relabels one whose offsets are right but whose label is wrong;
 3. moves (fixes the boundaries of) one that overlaps a right span of its label;
 4. rejects every other suggestion;
 5. adds every right span no suggestion was turned into.
Each right span and each suggestion is used at most once, in that order of preference; a
suggestion that overlaps a right span of another label with other offsets is rejected and the
span added (two actions). Attributes (a count's value, status...) are left out: no model
suggests them, so they cost the same with and without one.

*Manual actions* are the edits the model did not spare: adds, moves, relabels and rejects.
An accept is counted too, but apart: it is a confirmation (Enter), and counting it as a
manual action would make a perfect model cost as many actions as no model.

Seconds per action (`COSTS`) are estimates from the Keystroke-Level Model (Card, Moran &
Newell 1980: a keystroke K = 0.28 s for an average typist, pointing P = 1.1 s, a button press
or release B = 0.1 s, a mental preparation M = 1.35 s), for the editor's keys (Tab to a
suggestion, Enter to accept, Delete to reject, a label's hotkey to label or relabel, a drag
to mark or move):
- accept: M (is it right?) + 2K (Tab, Enter) = 1.9 s;
- reject: M + 2K (Tab, Delete) = 1.9 s;
- relabel: 2M (is it right? which label?) + 2K (Tab, hotkey) = 3.3 s;
- move: M + P + B + P + B (point at the wrong boundary, drag it) + K (Enter) = 4.0 s,
  rounded;
- add: 2M (where? which label?) + P + B + P + B (drag over the words) + K (hotkey) = 5.4 s.
Reading the document costs the same with and without a model and is left out. These are not
measured times: the project's own measured times (`Annotation.time_spent`) are what the
Models page's effort curve shows next to the action counts.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from annotator import evaluation
from annotator.evaluation import LabelledDocument
from annotator.spans import Span

# Seconds per action, see the module's docstring.
COSTS: dict[str, float] = {"accept": 1.9, "reject": 1.9, "relabel": 3.3, "move": 4.0, "add": 5.4}

# As `annotator.services.active_learning.RANDOM_EVERY` (a test checks they agree): every
# RANDOM_EVERY-th pick of an annotator goes to a random open document once there is a model.
RANDOM_EVERY = 5


@dataclass(frozen=True)
class Actions:
    """What the annotator did on one document, by kind."""

    accept: int = 0
    reject: int = 0
    add: int = 0
    move: int = 0
    relabel: int = 0

    @property
    def manual(self) -> int:
        """The edits made by hand: everything but accepts."""
        return self.add + self.move + self.relabel + self.reject

    @property
    def total(self) -> int:
        return self.manual + self.accept

    def seconds(self, costs: Mapping[str, float] = COSTS) -> float:
        """The estimated time of these actions (see `COSTS`)."""
        return sum(costs[kind] * getattr(self, kind) for kind in ("accept", "reject", "add", "move", "relabel"))


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def simulate_annotator(gold: Sequence[Span], suggestions: Sequence[Span]) -> Actions:
    """The actions that turn `suggestions` into `gold` (see the module's docstring).
    Duplicates (same offsets and label) count once."""
    right = list(dict.fromkeys(s.key for s in gold))
    offered = list(dict.fromkeys(s.key for s in suggestions))
    counts = dict.fromkeys(("accept", "reject", "add", "move", "relabel"), 0)

    def take(kind: str, fits: Callable[[tuple[int, int, str], tuple[int, int, str]], int]) -> None:
        for suggestion in list(offered):
            scored = [(fits(suggestion, g), g) for g in right]
            scored = [(score, g) for score, g in scored if score > 0]
            if scored:
                # the right span it covers most; ties to the first in text order
                _, chosen = max(scored, key=lambda pair: (pair[0], -pair[1][0], -pair[1][1]))
                right.remove(chosen)
                offered.remove(suggestion)
                counts[kind] += 1

    take("accept", lambda s, g: int(s == g))
    take("relabel", lambda s, g: int(s[:2] == g[:2]))
    take("move", lambda s, g: _overlap(Span(*s), Span(*g)) if s[2] == g[2] else 0)
    counts["reject"] = len(offered)
    counts["add"] = len(right)
    return Actions(**counts)


# --- The replay -------------------------------------------------------------------------


class Suggests(Protocol):
    """A trained model as the loop uses it: suggestions with an uncertainty per document
    (`SpanTagger.predict_documents`), and plain spans for the held-out evaluation."""

    def predict_documents(self, texts: Sequence[str]) -> Sequence[Any]: ...

    def predict(self, texts: Sequence[str]) -> list[list[Span]]: ...


# Trains a model on labelled documents, given the texts nobody has labelled yet.
Trainer = Callable[[list[LabelledDocument], list[str]], Suggests]


@dataclass
class DocumentEffort:
    """One document of the replay, at its place in the queue."""

    position: int  # 1: the first document annotated
    document_id: int
    spans: int  # right spans
    suggestions: int
    model_version: int | None  # the model whose suggestions were shown (None: no model)
    actions: Actions


@dataclass
class Training:
    version: int
    documents: int  # submitted so far
    trained_on: int
    held_out: int
    f1: float | None
    current_f1: float | None  # the current model's, on the same held-out documents
    promoted: bool
    cpu_seconds: float


@dataclass
class Replay:
    documents: list[DocumentEffort] = field(default_factory=list)
    trainings: list[Training] = field(default_factory=list)


def next_document(
    open_ids: Sequence[int], uncertainty: Mapping[int, float] | None, pick_number: int, rng: random.Random
) -> int:
    """The queue's pick for an annotator's `pick_number`-th document (see
    `annotator.services.active_learning`): without a model (`uncertainty` None) the first in
    import order (`open_ids` is in import order); with one, every RANDOM_EVERY-th pick a random
    open document, otherwise the least certain (documents not scored last, in import order)."""
    if uncertainty is None:
        return open_ids[0]
    if pick_number % RANDOM_EVERY == 0:
        return open_ids[rng.randrange(len(open_ids))]
    order = {pk: place for place, pk in enumerate(open_ids)}
    return min(open_ids, key=lambda pk: (pk not in uncertainty, -uncertainty.get(pk, 0.0), order[pk]))


def replay(
    documents: Sequence[LabelledDocument],
    *,
    train: Trainer | None,
    retrain_every: int,
    labels: list[str],
    extra_unlabelled: Sequence[str] = (),
    seed: int = 0,
    min_score: float = 0.0,
) -> Replay:
    """Annotate `documents` (in import order) one by one as the project would: the queue's
    order, the simulated annotator on the current model's suggestions (none while there is no
    model or `train` is None), the right spans submitted, and after every `retrain_every`
    submissions a model trained by `train` on `evaluation.split` of the submitted documents,
    promoted by `evaluation.should_promote`; a promoted model suggests on every open
    document. The self-training texts are the open documents' plus `extra_unlabelled`.
    `min_score`: suggestions scored below it are not shown (a span without a score is)."""
    by_id = {d.document_id: d for d in documents}
    open_ids = [d.document_id for d in documents]
    rng = random.Random(seed)
    result = Replay()
    submitted: list[LabelledDocument] = []
    current: Suggests | None = None
    version = current_version = 0
    suggestions: dict[int, list[Span]] = {}
    uncertainty: dict[int, float] | None = None
    since_training = 0
    while open_ids:
        position = len(submitted) + 1
        pk = next_document(open_ids, uncertainty, position, rng)
        open_ids.remove(pk)
        document = by_id[pk]
        shown = suggestions.pop(pk, [])
        result.documents.append(
            DocumentEffort(
                position=position,
                document_id=pk,
                spans=len({s.key for s in document.spans}),
                suggestions=len(shown),
                model_version=current_version if current is not None else None,
                actions=simulate_annotator(document.spans, shown),
            )
        )
        submitted.append(document)
        since_training += 1
        if train is None or since_training < retrain_every or not open_ids:
            continue
        since_training = 0
        version += 1
        training_set, held = evaluation.split(submitted)
        unlabelled = [by_id[i].text for i in open_ids] + list(extra_unlabelled)
        started = time.process_time()
        model = train(training_set, unlabelled)
        cpu = time.process_time() - started
        scores = evaluation.evaluate(model, held, labels)
        baseline = evaluation.evaluate(current, held, labels) if current is not None else None
        promoted = evaluation.should_promote(scores, baseline)
        result.trainings.append(
            Training(
                version=version,
                documents=len(submitted),
                trained_on=len(training_set),
                held_out=len(held),
                f1=scores.get("value"),
                current_f1=(baseline or {}).get("value"),
                promoted=promoted,
                cpu_seconds=cpu,
            )
        )
        if promoted:
            current, current_version = model, version
            texts = [by_id[i].text for i in open_ids]
            predictions = model.predict_documents(texts)
            suggestions = {
                i: [Span(s.start, s.end, s.label) for s in p.spans if getattr(s, "score", 1.0) >= min_score]
                for i, p in zip(open_ids, predictions, strict=True)
            }
            uncertainty = {i: float(p.uncertainty) for i, p in zip(open_ids, predictions, strict=True)}
    return result
