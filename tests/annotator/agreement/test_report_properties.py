"""The report on random annotations, against the libraries on independently built data."""

from __future__ import annotations

import random

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from annotator.agreement.report import AnnotatedDocument, agreement_report
from annotator.spans import Span
from annotator.tokenize import tokenize

LABELS = ["A", "B", "C"]
WORDS = ["alpha", "beta", "gamma", "delta", "12", "Aleppo", ",", "."]


def random_corpus(seed: int) -> tuple[list[AnnotatedDocument], list[str]]:
    rng = random.Random(seed)
    annotators = [f"a{i}" for i in range(rng.randrange(2, 5))]
    documents = []
    for d in range(rng.randrange(2, 7)):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 25)))
        tokens = tokenize(text)
        annotations = {}
        for who in annotators:
            if rng.random() < 0.2:
                continue  # missing: this annotator did not submit the document
            spans: list[Span] = []
            for label in LABELS:
                position = 0
                while position < len(tokens) and rng.random() < 0.6:
                    first = rng.randrange(position, len(tokens))
                    last = min(len(tokens) - 1, first + rng.randrange(3))
                    spans.append(Span(tokens[first].start, tokens[last].end, label))
                    position = last + 1
            annotations[who] = spans
        documents.append(AnnotatedDocument(f"d{d}", text, annotations))
    return documents, annotators


def categories(text: str, spans: list[Span]) -> list[str]:
    out = []
    for token in tokenize(text):
        labels = sorted({s.label for s in spans if s.start < token.end and token.start < s.end})
        out.append("|".join(labels) if labels else "O")
    return out


def close(value: float | None, expected: float) -> bool:
    if value is None:
        return not np.isfinite(expected)
    return value == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("seed", range(25))
def test_random_reports_agree_with_the_libraries(seed: int) -> None:
    documents, annotators = random_corpus(seed)
    report = agreement_report(documents, labels=LABELS, annotators=annotators, resamples=0)
    present = [a for a in annotators if any(a in d.annotations for d in documents)]
    # Cohen's kappa, pair by pair, on token labels built here.
    for i, a in enumerate(present):
        for b in present[i + 1 :]:
            first, second = [], []
            for d in documents:
                if a in d.annotations and b in d.annotations:
                    first += categories(d.text, list(d.annotations[a]))
                    second += categories(d.text, list(d.annotations[b]))
            figure = report["cohen_kappa"]["per_pair"][f"{a}|{b}"]
            if first:
                assert close(figure["value"], cohen_kappa_score(first, second, replace_undefined_by=np.nan))
            else:
                assert figure["value"] is None
    # Krippendorff's alpha with missing values.
    codes: dict[str, int] = {}
    columns = []
    for d in documents:
        per = {a: categories(d.text, list(d.annotations[a])) for a in d.annotations}
        for t in range(len(tokenize(d.text))):
            columns.append([codes.setdefault(per[a][t], len(codes)) if a in per else np.nan for a in present])
    data = np.array(columns, dtype=float).T
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    if len(codes) > 1 and pairable.any():
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert close(report["krippendorff_alpha"]["value"], expected)
    # Fleiss' kappa on documents everyone submitted.
    everyone = [d for d in documents if all(a in d.annotations for a in present)]
    rows = []
    for d in everyone:
        per = [categories(d.text, list(d.annotations[a])) for a in present]
        rows += list(zip(*per, strict=True))
    if rows:
        names = sorted({c for row in rows for c in row})
        table = np.array([[row.count(n) for n in names] for row in rows])
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = statsmodels_fleiss(table) if len(names) > 1 else np.nan
        assert close(report["fleiss_kappa"]["value"], expected)
    else:
        assert report["fleiss_kappa"]["value"] is None


@pytest.mark.parametrize("seed", range(10))
def test_copies_of_one_annotation_agree_perfectly_wherever_defined(seed: int) -> None:
    documents, _ = random_corpus(seed)
    source = [next(iter(d.annotations.values()), []) for d in documents]
    copies = [
        AnnotatedDocument(d.id, d.text, {"x": spans, "y": spans, "z": spans})
        for d, spans in zip(documents, source, strict=True)
    ]
    report = agreement_report(copies, labels=LABELS, resamples=0)
    for key in ("span_f1_exact", "span_f1_overlap", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "alpha_u"):
        assert report[key]["value"] in (1.0, None), key
