"""The agreement report: every figure against an independent computation on the same data,
and the written conventions (identical annotators, no overlap, skipped documents, 0/0)."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from annotator.agreement.bootstrap import Bootstrap
from annotator.agreement.measures.alpha_u import alpha_u_figure
from annotator.agreement.measures.cohen import cohen_figure
from annotator.agreement.measures.fleiss import fleiss_figure
from annotator.agreement.measures.krippendorff import krippendorff_figure
from annotator.agreement.measures.span_f1 import span_f1_figure
from annotator.agreement.prepare import prepare
from annotator.agreement.report import AnnotatedDocument, agreement_report, document_detail, document_table
from annotator.agreement.span_f1 import span_f1
from annotator.spans import Span
from annotator.tokenize import tokenize

LABELS = ["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"]
TEXTS = [
    "Rebels killed 12 civilians in Aleppo on Monday, the observatory said.",
    "Government air strikes on Douma killed at least 30 people, activists said.",
    "ISIL fighters executed three officers near Deir Ezzor.",
    "No casualties were reported in Homs after the shelling.",
]


def find(text: str, phrase: str, label: str, **attrs: object) -> Span:
    start = text.index(phrase)
    return Span(start, start + len(phrase), label, attrs)


def corpus() -> list[AnnotatedDocument]:
    t = TEXTS
    return [
        AnnotatedDocument(
            "d0",
            t[0],
            {
                "alice": [find(t[0], "Rebels", "PERPETRATOR"), find(t[0], "12 civilians", "CASUALTY_COUNT", value=12)],
                "bob": [find(t[0], "Rebels", "PERPETRATOR"), find(t[0], "Aleppo", "LOCATION")],
                "carol": [find(t[0], "12 civilians", "CASUALTY_COUNT", value=12), find(t[0], "Aleppo", "LOCATION")],
            },
        ),
        AnnotatedDocument(
            "d1",
            t[1],
            {
                "alice": [find(t[1], "Government", "PERPETRATOR"), find(t[1], "Douma", "LOCATION")],
                "bob": [find(t[1], "Government air strikes", "PERPETRATOR"), find(t[1], "Douma", "PERPETRATOR")],
                "carol": [find(t[1], "at least 30 people", "CASUALTY_COUNT", value=30)],
            },
        ),
        AnnotatedDocument(
            "d2",
            t[2],
            {
                "alice": [find(t[2], "ISIL fighters", "PERPETRATOR"), find(t[2], "three officers", "CASUALTY_COUNT")],
                "bob": [find(t[2], "ISIL", "PERPETRATOR"), find(t[2], "Deir Ezzor", "LOCATION")],
                # carol skipped d2: missing for her
            },
        ),
        AnnotatedDocument("d3", t[3], {"alice": [], "bob": [find(t[3], "Homs", "LOCATION")], "carol": []}),
    ]


def categories(text: str, spans: list[Span]) -> list[str]:
    """Independent token categories: the labels of the spans covering a token's characters."""
    out = []
    for token in tokenize(text):
        labels = sorted({s.label for s in spans if s.start < token.end and token.start < s.end})
        out.append("|".join(labels) if labels else "O")
    return out


def test_identical_annotators_give_one_everywhere() -> None:
    spans = [find(TEXTS[0], "Rebels", "PERPETRATOR"), find(TEXTS[0], "Aleppo", "LOCATION")]
    docs = [AnnotatedDocument("d", TEXTS[0], {"alice": spans, "bob": spans, "carol": spans})]
    report = agreement_report(docs, labels=LABELS, resamples=50)
    for key in ("span_f1_exact", "span_f1_overlap", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "alpha_u"):
        assert report[key]["value"] == 1.0, key


def test_annotators_marking_different_things_get_the_known_minimum() -> None:
    text = "aa bb"
    docs = [
        AnnotatedDocument("d", text, {"alice": [Span(0, 2, "LOCATION")], "bob": [Span(3, 5, "LOCATION")]}),
    ]
    report = agreement_report(docs, labels=["LOCATION"], resamples=0)
    assert report["span_f1_exact"]["value"] == 0.0
    assert report["span_f1_overlap"]["value"] == 0.0
    assert report["cohen_kappa"]["value"] == -1.0  # two tokens, two categories, every token disagreed on
    assert report["fleiss_kappa"]["value"] == -1.0
    assert report["krippendorff_alpha"]["value"] == pytest.approx(-1 + 1 / 2)  # -1 + 1/N units
    assert report["alpha_u"]["value"] < 0


def test_nobody_marking_anything_is_null_not_zero_or_one() -> None:
    docs = [AnnotatedDocument("d", TEXTS[0], {"alice": [], "bob": []})]
    report = agreement_report(docs, labels=LABELS, resamples=20)
    for key in ("span_f1_exact", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "alpha_u"):
        assert report[key]["value"] is None, key
        assert report[key]["ci95"] is None, key


def test_span_f1_per_pair_equals_span_f1_and_the_value_is_the_pair_mean() -> None:
    docs = corpus()
    report = agreement_report(docs, labels=LABELS, resamples=0)
    values = []
    for a, b in (("alice", "bob"), ("alice", "carol"), ("bob", "carol")):
        both = [d for d in docs if a in d.annotations and b in d.annotations]
        expected = span_f1([d.annotations[a] for d in both], [d.annotations[b] for d in both], labels=LABELS)
        figure = report["span_f1_exact"]["per_pair"][f"{a}|{b}"]
        assert figure["value"] == pytest.approx(expected.f1, abs=1e-4)
        assert figure["items"] == expected.micro.items and figure["documents"] == len(both)
        values.append(expected.f1)
    assert report["span_f1_exact"]["value"] == pytest.approx(np.mean(values), abs=1e-4)


def test_cohen_kappa_per_pair_equals_sklearn_on_independently_built_token_labels() -> None:
    docs = corpus()
    report = agreement_report(docs, labels=LABELS, resamples=0)
    for a, b in (("alice", "bob"), ("alice", "carol")):
        first, second = [], []
        for d in docs:
            if a in d.annotations and b in d.annotations:
                first += categories(d.text, list(d.annotations[a]))
                second += categories(d.text, list(d.annotations[b]))
        figure = report["cohen_kappa"]["per_pair"][f"{a}|{b}"]
        assert figure["value"] == pytest.approx(cohen_kappa_score(first, second), rel=1e-12)  # full precision
        assert figure["items"] == len(first)


def test_a_token_under_two_labels_gets_the_combined_category() -> None:
    text = "Douma air strikes"
    spans = [Span(0, 5, "LOCATION"), Span(0, 17, "PERPETRATOR")]
    docs = [AnnotatedDocument("d", text, {"alice": spans, "bob": [Span(0, 5, "LOCATION")]})]
    report = agreement_report(docs, labels=LABELS, resamples=0)
    assert "LOCATION|PERPETRATOR" in report["categories"]


def test_fleiss_kappa_uses_documents_everyone_submitted_and_equals_statsmodels() -> None:
    docs = corpus()
    report = agreement_report(docs, labels=LABELS, resamples=0)
    everyone = [d for d in docs if len(d.annotations) == 3]
    rows = []
    for d in everyone:
        per_annotator = [categories(d.text, list(d.annotations[a])) for a in sorted(d.annotations)]
        rows += list(zip(*per_annotator, strict=True))
    names = sorted({c for row in rows for c in row})
    table = np.array([[row.count(name) for name in names] for row in rows])
    assert report["fleiss_kappa"]["documents"] == 3  # d2 was skipped by carol
    assert report["fleiss_kappa"]["items"] == len(rows)
    assert report["fleiss_kappa"]["value"] == pytest.approx(statsmodels_fleiss(table), abs=1e-4)


def test_krippendorff_alpha_treats_a_skipped_document_as_missing() -> None:
    docs = corpus()
    report = agreement_report(docs, labels=LABELS, resamples=0)
    annotators = ["alice", "bob", "carol"]
    columns: list[list[float]] = []
    codes: dict[str, int] = {}
    for d in docs:
        per = {a: categories(d.text, list(d.annotations[a])) for a in d.annotations}
        for i in range(len(tokenize(d.text))):
            columns.append([codes.setdefault(per[a][i], len(codes)) if a in per else np.nan for a in annotators])
    data = np.array(columns, dtype=float).T
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert report["krippendorff_alpha"]["value"] == pytest.approx(expected, abs=1e-4)
    assert report["krippendorff_alpha"]["documents"] == 4  # d2 counts, with carol's values missing


def test_per_label_token_measures_are_the_measure_on_has_label_or_not() -> None:
    docs = corpus()
    report = agreement_report(docs, labels=LABELS, resamples=0)
    pair_values = []
    for a, b in (("alice", "bob"), ("alice", "carol"), ("bob", "carol")):
        first, second = [], []
        for d in docs:
            if a in d.annotations and b in d.annotations:
                first += ["LOCATION" in c for c in categories(d.text, list(d.annotations[a]))]
                second += ["LOCATION" in c for c in categories(d.text, list(d.annotations[b]))]
        pair_values.append(cohen_kappa_score(first, second))
    assert report["cohen_kappa"]["per_label"]["LOCATION"]["value"] == pytest.approx(np.mean(pair_values), abs=1e-4)


def test_the_bootstrap_interval_is_seeded_and_brackets_the_value() -> None:
    docs = corpus() * 5
    docs = [AnnotatedDocument(f"{d.id}-{i}", d.text, d.annotations) for i, d in enumerate(docs)]
    first = agreement_report(docs, labels=LABELS, resamples=200, seed=1)
    again = agreement_report(docs, labels=LABELS, resamples=200, seed=1)
    assert first == again
    for key in ("span_f1_exact", "cohen_kappa", "krippendorff_alpha", "alpha_u", "fleiss_kappa"):
        low, high = first[key]["ci95"]
        assert low <= first[key]["value"] <= high, key
    assert first["conventions"]["bootstrap"] == {
        "method": "percentile bootstrap over documents",
        "resamples": 200,
        "seed": 1,
        "confidence": 0.95,
    }


def test_the_report_has_the_contract_shape() -> None:
    report = agreement_report(corpus(), labels=LABELS, resamples=10)
    assert report["annotators"] == ["alice", "bob", "carol"] and report["documents"] == 4
    assert report["labels"] == LABELS
    for key in ("span_f1_exact", "span_f1_overlap"):
        assert set(report[key]) >= {"value", "macro", "items", "ci95", "per_label", "per_pair"}
    assert set(report["cohen_kappa"]) >= {"value", "items", "ci95", "per_label", "per_pair"}
    for key in ("fleiss_kappa", "krippendorff_alpha", "alpha_u"):
        assert set(report[key]) >= {"value", "items", "documents", "ci95", "per_label"}
    assert set(report["alpha_u"]["per_label"]) == set(LABELS)
    assert "missing" in report["conventions"]


def test_attribute_agreement_compares_only_annotators_who_marked_the_same_count() -> None:
    text = TEXTS[0]
    a = find(text, "12 civilians", "CASUALTY_COUNT", value=12, status="killed")
    b = find(text, "12 civilians", "CASUALTY_COUNT", value=12, status="wounded")
    c = find(text, "12", "CASUALTY_COUNT", value=10)
    docs = [AnnotatedDocument("d", text, {"alice": [a], "bob": [b], "carol": [c]})]
    report = agreement_report(docs, labels=LABELS, attributes={"CASUALTY_COUNT": ["value", "status"]}, resamples=0)
    counts = report["attributes"]["CASUALTY_COUNT"]
    assert counts["matched_spans"] == 1
    assert counts["value"]["value"] == 1.0 and counts["value"]["pairs"] == 1
    assert counts["status"]["value"] == 0.0
    assert counts["value"]["ci95"] is None  # one document: no interval


def test_attribute_agreement_has_a_bootstrap_interval_over_documents() -> None:
    text = TEXTS[0]
    docs = []
    for i in range(12):
        status = "killed" if i % 3 else "wounded"
        a = find(text, "12 civilians", "CASUALTY_COUNT", value=12, status="killed")
        b = find(text, "12 civilians", "CASUALTY_COUNT", value=12, status=status)
        docs.append(AnnotatedDocument(f"d{i}", text, {"alice": [a], "bob": [b]}))
    report = agreement_report(docs, labels=LABELS, attributes={"CASUALTY_COUNT": ["status"]}, resamples=300)
    status = report["attributes"]["CASUALTY_COUNT"]["status"]
    assert status["value"] == 8 / 12 and status["pairs"] == 12  # the full float, not 0.6667
    low, high = status["ci95"]
    assert 0 <= low < status["value"] < high <= 1


def test_document_table_and_detail() -> None:
    rows = document_table(corpus(), labels=LABELS)
    by_id = {row["id"]: row for row in rows}
    assert by_id["d2"]["annotators"] == ["alice", "bob"] and by_id["d2"]["missing"] == ["carol"]
    assert by_id["d3"]["spans"] == {"alice": 0, "bob": 1, "carol": 0}
    assert by_id["d0"]["disagreements"] > 0
    detail = document_detail(corpus()[1], labels=LABELS)
    kinds = detail["comparison"]["disagreements"]
    assert kinds["label"] and detail["spans_by_annotator"]["carol"][0]["label"] == "CASUALTY_COUNT"


def test_a_resample_that_draws_every_document_once_reproduces_every_figure() -> None:
    """The bootstrap recomputes each measure from per-document sums (alpha_u's expected
    disagreement through a factorised cross term); drawing each document exactly once must
    give back the point estimates the libraries computed."""
    docs = [*corpus(), AnnotatedDocument("d4", TEXTS[0], corpus()[0].annotations)]
    prepared = prepare(docs, labels=LABELS)
    once = Bootstrap(np.ones((1, len(docs))))
    figures = {
        "span_f1_exact": span_f1_figure(prepared, once, "exact"),
        "span_f1_overlap": span_f1_figure(prepared, once, "overlap"),
        "cohen_kappa": cohen_figure(prepared, once),
        "fleiss_kappa": fleiss_figure(prepared, once),
        "krippendorff_alpha": krippendorff_figure(prepared, once),
        "alpha_u": alpha_u_figure(prepared, once),
    }
    for key, figure in figures.items():
        assert figure["value"] is not None, key
        # Full precision: the same figure up to the order of floating-point sums.
        assert figure["ci95"] == [pytest.approx(figure["value"], rel=1e-12)] * 2, key


def test_the_report_and_the_table_give_a_single_document_the_same_alpha_u() -> None:
    """alpha_u has one path (`unitizing.label_disagreements`): a one-document corpus's figure
    is that document's own, as the per-document table prints it."""
    defined = 0
    for document in corpus():
        report = agreement_report([document], labels=LABELS, resamples=0)
        (row,) = document_table([document], labels=LABELS)
        assert report["alpha_u"]["value"] == row["alpha_u"], document.id
        defined += row["alpha_u"] is not None
    assert defined >= 2
