"""Benchmark of the tagger on the development gold (fixtures/gold/dev.jsonl + seeds.jsonl, 45
documents): span F1 on growing training subsets against a CRF with the same features, training
time on 1,000 documents and prediction throughput on one core.

Run: .venv/bin/python bench/bench_tagger.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the target says
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sklearn_crfsuite  # noqa: E402

from annotator.agreement.span_f1 import span_f1  # noqa: E402
from annotator.spans import Span  # noqa: E402
from annotator.tagger import SpanTagger, text_cache  # noqa: E402
from annotator.tagger.features import build_gazetteer, document_feature_ids  # noqa: E402
from annotator.tokenize import bio_to_spans, spans_to_bio, tokenize  # noqa: E402

LABELS = ["CASUALTY_COUNT", "LOCATION", "PERPETRATOR"]
# What a project trains with by default (`Project.tagger_label_weights`).
LABEL_WEIGHTS = {"PERPETRATOR": 2.0}


def tagger() -> SpanTagger:
    return SpanTagger(labels=LABELS, label_weights=LABEL_WEIGHTS)


def load(path: Path) -> list[tuple[str, list[Span]]]:
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        docs.append((obj["text"], [Span(s["start"], s["end"], s["label"]) for s in obj.get("spans", [])]))
    return docs


def crf_features(text: str, tokens: list, gazetteer: dict[str, str]) -> list[list[str]]:
    """Each token's features as the tagger builds them (ids, written as strings for crfsuite)."""
    rows, ids = document_feature_ids(text, tokens, gazetteer=gazetteer)
    features: list[list[str]] = [[] for _ in tokens]
    for row, feature in zip(rows.tolist(), ids.tolist(), strict=True):
        features[row].append(str(feature))
    return features


class CRFBaseline:
    """sklearn-crfsuite on exactly the tagger's features (incl. its training gazetteer)."""

    def fit(self, texts: list[str], spans: list[list[Span]]) -> CRFBaseline:
        # The tagger's gazetteer rule, so both models see the same features.
        token_lists = [tokenize(t) for t in texts]
        tags = [spans_to_bio(t, toks, s) for t, toks, s in zip(texts, token_lists, spans, strict=True)]
        self.gazetteer = build_gazetteer(token_lists, tags, SpanTagger().gazetteer_min_count)
        X = [crf_features(t, toks, self.gazetteer) for t, toks in zip(texts, token_lists, strict=True)]
        self.crf = sklearn_crfsuite.CRF(algorithm="lbfgs", c1=0.1, c2=0.1, max_iterations=100)
        self.crf.fit(X, tags)
        return self

    def predict(self, texts: list[str]) -> list[list[Span]]:
        result = []
        for text in texts:
            tokens = tokenize(text)
            tags = self.crf.predict_single(crf_features(text, tokens, self.gazetteer))
            result.append(bio_to_spans(tokens, tags))
        return result


def evaluate(model_factory, train, test, **fit_options) -> tuple[dict[str, float | None], float]:
    started = time.process_time()
    model = model_factory().fit([t for t, _ in train], [s for _, s in train], **fit_options)
    elapsed = time.process_time() - started
    predicted = model.predict([t for t, _ in test])
    result = span_f1([s for _, s in test], predicted, labels=LABELS)
    figures = {label: result.per_label[label].f1 for label in LABELS}
    figures["micro"] = result.f1
    return figures, elapsed


def mean(values: list[float | None]) -> float:
    return statistics.fmean(v or 0.0 for v in values)


def learning_curve(docs, sizes, folds, unlabelled: list[str]) -> None:
    # Self-training is a way of training, not a feature: only the tagger has it. Its pool is
    # corpus articles none of which is a gold document (test folds included).
    models = {
        "tagger": (tagger, {"unlabelled": unlabelled}),
        "crf": (CRFBaseline, {}),
    }
    print(f"Span F1 (exact), trained on n documents, tested on the other {len(docs)}-n; mean of {folds} shuffles")
    pool = SpanTagger().self_training_pool
    print(f"The tagger self-trains on {pool} articles sampled from {len(unlabelled)} corpus articles, none gold")
    print(f"{'n':>3} {'model':<7} {'micro':>6} " + " ".join(f"{label:>15}" for label in LABELS) + "  train CPU s")
    for n in sizes:
        rows: dict[str, list] = {name: [] for name in models}
        for fold in range(folds):
            order = list(range(len(docs)))
            random.Random(fold).shuffle(order)
            train = [docs[i] for i in order[:n]]
            test = [docs[i] for i in order[n:]]
            for name, (factory, options) in models.items():
                rows[name].append(evaluate(factory, train, test, **options))
        for name in models:
            figs = [f for f, _ in rows[name]]
            secs = statistics.fmean(t for _, t in rows[name])
            line = f"{n:>3} {name:<7} {mean([f['micro'] for f in figs]):6.3f} "
            line += " ".join(f"{mean([f[label] for f in figs]):15.3f}" for label in LABELS)
            print(line + f"  {secs:7.2f}")


def speed(docs, corpus_texts, n_train: int) -> None:
    # 1,000 training documents: the 45 gold documents plus corpus articles labelled by a
    # tagger trained on the gold (the model's own predictions), as a project would have
    # after a while of accepting suggestions.
    seed_model = tagger().fit([t for t, _ in docs], [s for _, s in docs])
    extra = corpus_texts[: n_train - len(docs)]
    extra_spans = seed_model.predict(extra)
    texts = [t for t, _ in docs] + extra
    spans = [s for _, s in docs] + extra_spans
    started, cpu = time.perf_counter(), time.process_time()
    model = tagger().fit(texts, spans)
    train_s, train_cpu = time.perf_counter() - started, time.process_time() - cpu
    chars = sum(map(len, texts)) / len(texts)
    print(
        f"Training on {len(texts)} documents (mean {chars:.0f} characters; 45 gold + corpus articles labelled by "
        f"a model trained on the gold): {train_s:.1f} s wall, {train_cpu:.1f} s CPU "
        f"(span reranker {'on' if getattr(model, 'reranker_', None) is not None else 'off'})"
    )
    sample = corpus_texts[:400]
    # Warm the per-word caches on other articles, as a running worker's are: the words of
    # the measured articles are not all in them.
    measured = set(sample)
    model.predict_documents([t for t in corpus_texts[400 : len(corpus_texts) // 2] if t not in measured])
    started, cpu = time.perf_counter(), time.process_time()
    model.predict_documents(sample)
    pred_s, pred_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"Prediction ({len(sample)} corpus articles, one thread): {len(sample) / pred_s:.0f} documents/s wall, "
        f"{len(sample) / pred_cpu:.0f} documents per CPU-second"
    )
    crf = CRFBaseline().fit([t for t, _ in docs], [s for _, s in docs])
    started, cpu = time.perf_counter(), time.process_time()
    crf.predict(sample[:100])
    print(
        f"CRF prediction for comparison: {100 / (time.perf_counter() - started):.0f} documents/s wall, "
        f"{100 / (time.process_time() - cpu):.0f} per CPU-second"
    )
    print(f"Load average during the run: {os.getloadavg()[0]:.1f} (2 cores)")


def train_times(docs, corpus_texts: list[str], sizes: list[int], unlabelled: list[str]) -> None:
    """CPU seconds to train the tagger (with its self-training pool) on the first n documents
    of shuffle 0; past the 45 gold documents, corpus articles labelled by a tagger trained on
    the gold make up the rest (as in `speed`)."""
    order = list(range(len(docs)))
    random.Random(0).shuffle(order)
    shuffled = [docs[i] for i in order]
    if max(sizes) > len(docs):
        extra = corpus_texts[-(max(sizes) - len(docs)) :]
        seed_model = tagger().fit([t for t, _ in docs], [s for _, s in docs])
        shuffled += list(zip(extra, seed_model.predict(extra), strict=True))
    print("Training CPU seconds on n documents (shuffle 0; self-training on the corpus pool; one thread)")
    print("cold: a fresh process's first training; warm: the next, the pool's features kept (a worker)")
    for n in sizes:
        train = shuffled[:n]
        elapsed = []
        text_cache.SHARED.clear()
        for _ in range(2):
            started = time.process_time()
            model = tagger().fit([t for t, _ in train], [s for _, s in train], unlabelled=unlabelled)
            elapsed.append(time.process_time() - started)
        reranked = "on" if getattr(model, "reranker_", None) is not None else "off"
        print(
            f"{n:>3} documents: {elapsed[0]:6.2f} s CPU cold, {elapsed[1]:6.2f} warm "
            f"(span reranker {reranked}, load {os.getloadavg()[0]:.1f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer shuffles, skip the speed part")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--times", action="store_true", help="only the CPU seconds of small trainings")
    args = parser.parse_args()
    docs = load(ROOT / "fixtures/gold/dev.jsonl") + load(ROOT / "fixtures/gold/seeds.jsonl")
    gold_texts = {t for t, _ in docs}
    corpus = [json.loads(line)["text"] for line in (ROOT / "corpus/fakes.jsonl").open(encoding="utf-8")]
    corpus = [t for t in corpus if t not in gold_texts]
    unlabelled = list(dict.fromkeys(corpus))
    if args.times:
        train_times(docs, unlabelled, [5, 10, 20, 32, 50], unlabelled)
        return
    learning_curve(docs, [5, 10, 20, 30], 2 if args.quick else args.folds, unlabelled)
    train_times(docs, unlabelled, [5, 10, 20, 32, 50], unlabelled)
    if not args.quick:
        speed(docs, corpus * 2, 1000)


if __name__ == "__main__":
    main()
