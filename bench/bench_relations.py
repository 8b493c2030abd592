"""Benchmark of the relation classifier on the relation gold (fixtures/gold/relations: the 40
development articles and the 5 seeds, BY and AT links made by hand to the guidelines).

Cross-validation over shuffles: the 45 documents split into k folds; the classifier trains on
k-1 folds and is scored on the held-out one. Reported, micro over all held-out documents and
then mean and spread over the shuffles:
- given gold spans: relation F1 (exact end spans, equal type) of the classifier and of the
  rule "link each count to the nearest PERPETRATOR and LOCATION of its sentence";
- end to end (`--end-to-end`): spans predicted by the tagger trained on the same folds,
  relations predicted on those spans, matched against the gold relations by exact end spans.

Target (issue #21): the classifier at least 1.15x the rule given gold spans.

Run: .venv/bin/python bench/bench_relations.py [--shuffles 5] [--folds 5] [--end-to-end]
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
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.spans import Span  # noqa: E402
from annotator.tagger.relations import (  # noqa: E402
    Relation,
    RelationClassifier,
    nearest_in_sentence,
    relation_keys,
)

GOLD = ROOT / "fixtures" / "gold" / "relations"
Document = tuple[str, list[Span], list[Relation]]


def load() -> list[Document]:
    documents: list[Document] = []
    for name in ("dev.jsonl", "seeds.jsonl"):
        for line in (GOLD / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            spans = [Span(s["start"], s["end"], s["label"]) for s in record.get("spans", [])]
            relations = [Relation(r["from_id"], r["to_id"], r["type"]) for r in record.get("relations", [])]
            documents.append((record["text"], spans, relations))
    return documents


class Counts:
    def __init__(self) -> None:
        self.true = self.predicted = self.matched = 0
        self.by_type: dict[str, list[int]] = {}

    def add(self, gold: set, predicted: set) -> None:
        self.true += len(gold)
        self.predicted += len(predicted)
        self.matched += len(gold & predicted)
        for kind in {key[2] for key in gold | predicted}:
            counts = self.by_type.setdefault(kind, [0, 0, 0])
            counts[0] += sum(1 for key in gold if key[2] == kind)
            counts[1] += sum(1 for key in predicted if key[2] == kind)
            counts[2] += sum(1 for key in gold & predicted if key[2] == kind)

    @staticmethod
    def _f1(true: int, predicted: int, matched: int) -> float:
        return 2 * matched / (true + predicted) if true + predicted else 0.0

    def f1(self) -> float:
        return self._f1(self.true, self.predicted, self.matched)

    def f1_of(self, kind: str) -> float:
        return self._f1(*self.by_type.get(kind, [0, 0, 0]))


def folds_of(n: int, k: int, seed: int) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


FIGURES = ("model", "rule", "model BY", "model AT", "rule BY", "rule AT")


def record(figures: dict[str, list[float]], model_counts: Counts, rule_counts: Counts) -> None:
    """One shuffle's F1 of the model and the rule, overall and per relation type."""
    figures["model"].append(model_counts.f1())
    figures["rule"].append(rule_counts.f1())
    for kind in ("BY", "AT"):
        figures[f"model {kind}"].append(model_counts.f1_of(kind))
        figures[f"rule {kind}"].append(rule_counts.f1_of(kind))


def given_gold_spans(
    documents: Sequence[Document], *, shuffles: int, k: int, **options: float
) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {name: [] for name in FIGURES}
    for seed in range(shuffles):
        model_counts, rule_counts = Counts(), Counts()
        for held_out in folds_of(len(documents), k, seed):
            train = [documents[i] for i in range(len(documents)) if i not in held_out]
            classifier = RelationClassifier(**options).fit(train)  # type: ignore[arg-type]
            for i in held_out:
                text, spans, relations = documents[i]
                gold = relation_keys(spans, relations)
                predicted = relation_keys(spans, [s.relation for s in classifier.predict(text, spans)])
                model_counts.add(gold, predicted)
                rule_counts.add(gold, relation_keys(spans, nearest_in_sentence(text, spans)))
        record(figures, model_counts, rule_counts)
    return figures


def end_to_end(documents: Sequence[Document], *, shuffles: int, k: int) -> dict[str, list[float]]:
    from annotator.tagger import SpanTagger

    labels = ["CASUALTY_COUNT", "LOCATION", "PERPETRATOR"]
    figures: dict[str, list[float]] = {name: [] for name in FIGURES}
    for seed in range(shuffles):
        model_counts, rule_counts = Counts(), Counts()
        for held_out in folds_of(len(documents), k, seed):
            train = [documents[i] for i in range(len(documents)) if i not in held_out]
            tagger = SpanTagger(labels=labels, label_weights={"PERPETRATOR": 2.0})
            tagger.fit([text for text, _, _ in train], [spans for _, spans, _ in train])
            classifier = RelationClassifier().fit(train)
            texts = [documents[i][0] for i in held_out]
            for i, prediction in zip(held_out, tagger.predict(texts), strict=True):
                text, spans, relations = documents[i]
                predicted_spans = [Span(s.start, s.end, s.label) for s in prediction]
                gold = relation_keys(spans, relations)
                predicted = relation_keys(
                    predicted_spans, [s.relation for s in classifier.predict(text, predicted_spans)]
                )
                model_counts.add(gold, predicted)
                rule_counts.add(gold, relation_keys(predicted_spans, nearest_in_sentence(text, predicted_spans)))
        record(figures, model_counts, rule_counts)
    return figures


def summary(values: list[float]) -> str:
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {spread:.3f} (min {min(values):.3f}, max {max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shuffles", type=int, default=5)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--end-to-end", action="store_true", help="also with spans predicted by the tagger")
    args = parser.parse_args()
    documents = load()
    links = sum(len(relations) for _, _, relations in documents)
    print(
        f"{len(documents)} documents, {links} relations; {args.folds}-fold cross-validation, {args.shuffles} shuffles"
    )
    started = time.process_time()
    figures = given_gold_spans(documents, shuffles=args.shuffles, k=args.folds)
    print(f"Given gold spans (CPU {time.process_time() - started:.1f} s):")
    for name, values in figures.items():
        print(f"  {name:9} relation F1 {summary(values)}")
    ratio = statistics.mean(figures["model"]) / statistics.mean(figures["rule"])
    ratios = [model / rule for model, rule in zip(figures["model"], figures["rule"], strict=True)]
    print(
        f"  model / rule = {ratio:.3f}, per shuffle {summary(ratios)} "
        f"(target >= 1.15: {'met' if ratio >= 1.15 else 'not met'})"
    )
    if args.end_to_end:
        started = time.process_time()
        figures = end_to_end(documents, shuffles=args.shuffles, k=args.folds)
        print(f"End to end, predicted spans (CPU {time.process_time() - started:.1f} s):")
        for name, values in figures.items():
            print(f"  {name:9} relation F1 {summary(values)}")
        print(f"  model / rule = {statistics.mean(figures['model']) / statistics.mean(figures['rule']):.3f}")


if __name__ == "__main__":
    main()
