"""The annotator's time saved, measured (issue #18): the development gold (fixtures/gold/dev.jsonl
+ seeds.jsonl, 45 documents) replayed through the model-in-the-loop by `annotator.effort.replay`
— queue order, a training every `retrain_every` submissions (10, `Project.retrain_every`'s
default), the held-out split and promotion rule of `annotator.evaluation` — with a simulated
annotator who accepts right suggestions, rejects wrong ones and adds, moves or relabels the rest.

Three arms on the same import orders: no model; the project's tagger (with its self-training on
the open documents and corpus articles, as `services.trainer` trains it); the CRF baseline of
bench_tagger.py (sklearn-crfsuite on the tagger's features), whose queue order comes from its
token marginals (the same uncertainty rule as the tagger's).

Manual actions are adds, moves, relabels and rejects; accepts are counted apart. Seconds are
estimates from per-action costs (the Keystroke-Level Model; the costs and their reasoning are in
`annotator.effort`'s docstring): accept 1.9, reject 1.9, relabel 3.3, move 4.0, add 5.4.

Target: after 20 documents, at least half the manual actions of annotating without a model —
measured here as the manual actions on documents 21-45 over what the same documents cost without
a model (one add per span).

Run: .venv/bin/python bench/bench_effort.py [--shuffles 5] [--retrain-every 10]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from annotator.effort import COSTS, Replay, replay  # noqa: E402
from annotator.evaluation import LabelledDocument  # noqa: E402
from annotator.spans import Span  # noqa: E402
from annotator.tokenize import tokenize  # noqa: E402
from bench.bench_tagger import LABELS, CRFBaseline, crf_features, load, tagger  # noqa: E402

RETRAIN_EVERY = 10  # Project.retrain_every's default
AFTER = 20  # the target's "after 20 documents"
KINDS = ("add", "move", "relabel", "reject", "accept")


@dataclass
class _Prediction:
    spans: list[Span]
    uncertainty: float


class CRFInTheLoop(CRFBaseline):
    """bench_tagger's CRF with what the loop asks of a model: an uncertainty per document,
    by the tagger's rule (the mean entropy of its `top_k` most uncertain tokens)."""

    top_k = tagger().top_k

    def predict_documents(self, texts: Sequence[str]) -> list[_Prediction]:
        result = []
        spans = self.predict(texts)
        for text, found in zip(texts, spans, strict=True):
            tokens = tokenize(text)
            if not tokens:
                result.append(_Prediction(found, 0.0))
                continue
            marginals = self.crf.predict_marginals_single(crf_features(text, tokens, self.gazetteer))
            probs = np.array([list(m.values()) for m in marginals])
            entropy = -(probs * np.log2(probs + 1e-12)).sum(axis=1)
            result.append(_Prediction(found, float(np.sort(entropy)[-self.top_k :].mean())))
        return result


def train_tagger(documents: list[LabelledDocument], unlabelled: list[str]):
    return tagger().fit([d.text for d in documents], [d.spans for d in documents], unlabelled=unlabelled)


def train_crf(documents: list[LabelledDocument], unlabelled: list[str]):
    return CRFInTheLoop().fit([d.text for d in documents], [d.spans for d in documents])


ARMS = {"none": None, "tagger": train_tagger, "crf": train_crf}


def spread(values: list[float]) -> str:
    if len(values) < 2:
        return f"{values[0]:.2f}"
    return f"{statistics.fmean(values):.2f}±{statistics.stdev(values):.2f}"


def report(runs: dict[str, list[Replay]], n_docs: int) -> None:
    names = list(runs)
    print("\nManual actions per document by queue position (mean±sd over shuffles); cum = cumulative mean")
    print(
        f"{'pos':>3} "
        + " ".join(f"{name + ' actions':>16} {'cum':>6}" for name in names)
        + "   tagger s  crf s  none s"
    )
    cumulative = {name: [0.0] * len(runs[name]) for name in names}
    for position in range(n_docs):
        line = f"{position + 1:>3} "
        for name in names:
            values = [r.documents[position].actions.manual for r in runs[name]]
            for i, value in enumerate(values):
                cumulative[name][i] += value
            line += f"{spread(values):>16} {statistics.fmean(cumulative[name]):6.1f} "
        secs = {n: statistics.fmean(r.documents[position].actions.seconds() for r in runs[n]) for n in names}
        print(line + f"  {secs.get('tagger', 0):8.1f} {secs.get('crf', 0):6.1f} {secs.get('none', 0):6.1f}")

    print(f"\nDocuments {AFTER + 1}-{n_docs}: against the same documents without a model (one add per span)")
    heads = ("manual/doc", "of no model", "accepts/doc", "seconds/doc", "of no model")
    print(f"{'model':<7} " + " ".join(f"{h:>12}" for h in heads))
    for name in names:
        per_doc, share, accepts, secs, secs_share = [], [], [], [], []
        for run in runs[name]:
            later = run.documents[AFTER:]
            spans = sum(d.spans for d in later)
            manual = sum(d.actions.manual for d in later)
            seconds = sum(d.actions.seconds() for d in later)
            per_doc.append(manual / len(later))
            share.append(manual / spans)
            accepts.append(sum(d.actions.accept for d in later) / len(later))
            secs.append(seconds / len(later))
            secs_share.append(seconds / (spans * COSTS["add"]))
        print(
            f"{name:<7} {spread(per_doc):>11} {spread(share):>12} {spread(accepts):>12} {spread(secs):>12} "
            f"{spread(secs_share):>12}"
        )
        kinds = {kind: sum(getattr(d.actions, kind) for r in runs[name] for d in r.documents[AFTER:]) for kind in KINDS}
        later_docs = sum(len(r.documents[AFTER:]) for r in runs[name])
        print("        per document: " + ", ".join(f"{kind} {kinds[kind] / later_docs:.2f}" for kind in KINDS))
        if name != "none":
            met = statistics.fmean(share) <= 0.5
            verdict = "met" if met else "NOT met"
            print(f"        target (manual actions <= 0.50 of no model after {AFTER} documents): {verdict}")

    print("\nTrainings (mean over shuffles): documents submitted, F1 on held-out, promoted share, CPU s")
    for name in names:
        if not runs[name][0].trainings:
            continue
        for i, first in enumerate(runs[name][0].trainings):
            rows = [r.trainings[i] for r in runs[name] if len(r.trainings) > i]
            f1 = [t.f1 or 0.0 for t in rows]
            promoted = sum(t.promoted for t in rows) / len(rows)
            cpu = statistics.fmean(t.cpu_seconds for t in rows)
            print(
                f"{name:<7} after {first.documents:>2}: F1 {spread(f1)}  promoted {promoted:.0%}  train {cpu:.1f} s CPU"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shuffles", type=int, default=5)
    parser.add_argument("--retrain-every", type=int, default=RETRAIN_EVERY)
    parser.add_argument("--arms", default="none,tagger,crf")
    parser.add_argument("--min-score", type=float, default=0.0, help="hide suggestions scored below this")
    args = parser.parse_args()
    gold = load(ROOT / "fixtures/gold/dev.jsonl") + load(ROOT / "fixtures/gold/seeds.jsonl")
    gold_texts = {t for t, _ in gold}
    corpus = [json.loads(line)["text"] for line in (ROOT / "corpus/fakes.jsonl").open(encoding="utf-8")]
    extra = [t for t in dict.fromkeys(corpus) if t not in gold_texts]
    print(
        f"{len(gold)} gold documents, retrain every {args.retrain_every}, {args.shuffles} shuffles of the import order"
    )
    started = time.perf_counter()
    runs: dict[str, list[Replay]] = {name: [] for name in args.arms.split(",")}
    for shuffle in range(args.shuffles):
        order = list(range(len(gold)))
        random.Random(shuffle).shuffle(order)
        # Document ids follow import order, as the database's primary keys would.
        documents = [LabelledDocument(i + 1, gold[k][0], gold[k][1]) for i, k in enumerate(order)]
        for name in runs:
            runs[name].append(
                replay(
                    documents,
                    train=ARMS[name],
                    retrain_every=args.retrain_every,
                    labels=LABELS,
                    extra_unlabelled=extra,
                    seed=shuffle,
                    min_score=args.min_score,
                )
            )
        print(
            f"shuffle {shuffle} done at {time.perf_counter() - started:.0f} s (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    report(runs, len(gold))


if __name__ == "__main__":
    main()
