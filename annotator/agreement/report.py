"""The agreement report, from plain data: documents with each annotator's submitted spans.

Conventions (the defaults of the contract; docs/agreement.md explains them, and the report
carries them in its "conventions" object):

- Missing data: an annotator absent from a document's `annotations` never submitted it
  (unassigned, draft or skipped) and is missing data for that document. A submitted
  annotation with no spans is an empty annotation: every token "O".
- Span F1 (exact and overlap, see `span_f1`) and Cohen's kappa are pairwise: each pair of
  annotators on the documents both submitted. With more than two annotators the reported
  value is the unweighted mean over the pairs whose value is defined; every pair is also
  given under "per_pair". Macro F1 averages over labels at least one annotator used.
- Token measures (Cohen, Fleiss, Krippendorff's alpha) use `annotator.agreement.tokens`:
  the shared tokenizer, a token takes every label covering one of its characters (two
  labels make a combined category), "O" is a category, B and I are not told apart.
  Per label they are computed again on "has this label / has not".
- Fleiss' kappa uses the documents every annotator submitted; Krippendorff's alpha uses all
  of them, with missing values; alpha_u (see `unitizing`) uses the documents every annotator
  submitted, on characters, per label, overall 1 - sum D_o / sum D_e.
- A measure that is 0/0 is null. Every figure carries its "items" (spans for F1, tokens for
  the token measures, pairable tokens for alpha, characters for alpha_u) and "documents".
- Confidence intervals: `bootstrap`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from annotator.agreement.attributes import attribute_agreement
from annotator.agreement.bootstrap import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    percentile_interval,
    resample_weights,
)
from annotator.agreement.coefficients import (
    alpha_from_coincidences,
    cohen_kappa,
    fleiss_from_stats,
    kappa_from_confusion,
    krippendorff_alpha,
)
from annotator.agreement.compare import KINDS, compare_annotations
from annotator.agreement.span_f1 import LabelCounts, SpanF1, document_counts
from annotator.agreement.tokens import category_name, token_masks, token_offsets
from annotator.agreement.unitizing import (
    LabelContinuum,
    alpha_from,
    cross_term,
    disagreements,
    gaps_of,
    label_disagreements,
    pair_difference,
)
from annotator.spans import Span

MATCHES = ("exact", "overlap")


@dataclass(frozen=True)
class AnnotatedDocument:
    """A document and the spans of each annotator who submitted it."""

    id: str
    text: str
    annotations: Mapping[str, Sequence[Span]]


CONVENTIONS: dict[str, Any] = {
    "tokenizer": "annotator.tokenize: runs of letters/digits/combining marks, or one other non-space character",
    "token_label": "a token takes the label of every span covering at least one of its characters",
    "overlapping_labels": "a token under spans of two labels gets the combined category, e.g. LOCATION|PERPETRATOR",
    "no_label_category": "O (a category like the others)",
    "bio": "B and I are not told apart",
    "missing": "a document an annotator did not submit (unassigned, draft, skipped) is missing data for them; "
    "a submitted document with no spans is every token O",
    "pairwise": "span F1 and Cohen's kappa: each pair on the documents both submitted; the value is the mean over "
    "pairs whose value is defined",
    "overlap_match": "one-to-one, same label, at least one shared character, largest overlap first",
    "macro": "mean over labels at least one annotator used",
    "per_label_token_measures": "the measure again on has-this-label / has-not",
    "fleiss_kappa_documents": "documents every annotator submitted",
    "krippendorff_alpha_documents": "all documents, unsubmitted ones missing",
    "alpha_u": "characters, per label, documents every annotator submitted laid end to end (sections cut at "
    "document borders); overall 1 - sum D_o / sum D_e",
    "undefined": "a 0/0 measure is null",
    "attributes": "annotators who marked the same span (exact match); a blank attribute is a value of its own",
}


@dataclass
class _Doc:
    source: AnnotatedDocument
    present: list[str]
    tokens: int
    codes: dict[str, np.ndarray] = field(default_factory=dict)  # annotator -> category index per token
    _units: dict[tuple[str, str], list[tuple[int, int]]] | None = None

    def units(self, annotator: str, label: str) -> list[tuple[int, int]]:
        """The annotator's (start, end) spans of `label`, sorted."""
        if self._units is None:
            self._units = {}
            for who in self.present:
                for span in sorted(self.source.annotations[who]):
                    self._units.setdefault((who, span.label), []).append((span.start, span.end))
        return self._units.get((annotator, label), [])


@dataclass
class _Prepared:
    docs: list[_Doc]
    annotators: list[str]
    labels: list[str]
    categories: list[str]
    category_masks: np.ndarray
    pairs: list[tuple[str, str]]

    def label_indicator(self, label_index: int) -> np.ndarray:
        """Per category: 1 if it contains the label, else 0."""
        return (self.category_masks >> label_index) & 1


def _prepare(
    documents: Sequence[AnnotatedDocument], labels: Sequence[str], annotators: Sequence[str] | None
) -> _Prepared:
    names = sorted(annotators) if annotators is not None else sorted({a for d in documents for a in d.annotations})
    label_bits = {label: i for i, label in enumerate(labels)}
    raw: list[tuple[_Doc, dict[str, np.ndarray]]] = []
    for document in documents:
        present = [a for a in names if a in document.annotations]
        offsets = token_offsets(document.text)
        masks = {a: token_masks(offsets, document.annotations[a], label_bits) for a in present}
        raw.append((_Doc(document, present, len(offsets[0])), masks))
    all_masks = [m for _, masks in raw for m in masks.values()]
    unique = np.unique(np.concatenate(all_masks)) if all_masks else np.zeros(0, dtype=np.int64)
    if len(unique) == 0 or unique[0] != 0:
        unique = np.concatenate([[0], unique]).astype(np.int64)  # "O" is always a category
    for doc, masks in raw:
        doc.codes = {a: np.searchsorted(unique, m) for a, m in masks.items()}
    labels_by_bit = list(label_bits)
    return _Prepared(
        docs=[doc for doc, _ in raw],
        annotators=names,
        labels=labels_by_bit,
        categories=[category_name(int(m), labels_by_bit) for m in unique],
        category_masks=unique,
        pairs=list(combinations(names, 2)),
    )


def _round(value: Any) -> Any:
    if value is None:
        return None
    value = float(value)
    return round(value, 4) if np.isfinite(value) else None


def _mean(values: Sequence[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def _nanmean_rows(values: np.ndarray) -> np.ndarray:
    """Mean over the last axis ignoring NaN; NaN where all are NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=-1) if values.shape[-1] else np.full(values.shape[:-1], np.nan)


def _value_counts(doc: _Doc, categories: int) -> np.ndarray:
    """tokens x categories: how many of the document's annotators gave each category."""
    table = np.zeros((doc.tokens, categories), dtype=np.int64)
    rows = np.arange(doc.tokens)
    for codes in doc.codes.values():
        np.add.at(table, (rows, codes), 1)
    return table


def _binary_counts(table: np.ndarray, indicator: np.ndarray) -> np.ndarray:
    """tokens x 2 (has not, has the label) from a tokens x categories table."""
    has = table @ indicator
    return np.stack([table.sum(axis=1) - has, has], axis=1)


def _coincidence_of(table: np.ndarray, raters: int) -> np.ndarray:
    """The coincidence matrix of a table whose rows all hold `raters` values."""
    table = table.astype(float)
    return (table.T @ table - np.diag(table.sum(axis=0))) / (raters - 1)


class _Report:
    """Computes every measure once, with per-document sums for the bootstrap."""

    def __init__(self, prepared: _Prepared, *, resamples: int, seed: int) -> None:
        self.p = prepared
        self.weights = resample_weights(len(prepared.docs), resamples=resamples, seed=seed)
        self.resamples = resamples
        self.seed = seed

    # -- span F1 ---------------------------------------------------------------------------

    def span_f1(self, match: str) -> dict[str, Any]:
        p = self.p
        labels = p.labels
        n_docs = len(p.docs)
        per_pair: dict[str, Any] = {}
        pair_values: list[float | None] = []
        pair_macros: list[float | None] = []
        per_label_values: dict[str, list[float | None]] = {label: [] for label in labels}
        per_label_items = dict.fromkeys(labels, 0)
        boot = np.full((self.resamples, len(p.pairs)), np.nan)
        items = 0
        used_docs: set[int] = set()
        for k, (a, b) in enumerate(p.pairs):
            stats = np.zeros((n_docs, 3))
            result = SpanF1({label: LabelCounts() for label in labels})
            docs = 0
            for i, doc in enumerate(p.docs):
                if a not in doc.codes or b not in doc.codes:
                    continue
                docs += 1
                used_docs.add(i)
                counts = document_counts(doc.source.annotations[a], doc.source.annotations[b], match=match)  # type: ignore[arg-type]
                for label, c in counts.items():
                    result.per_label.setdefault(label, LabelCounts()).add(c)
                    stats[i] += (c.matched, c.reference, c.predicted)
            micro = result.micro
            pair_values.append(micro.f1)
            pair_macros.append(result.macro)
            items += micro.items
            for label in labels:
                counts = result.per_label.get(label, LabelCounts())
                per_label_values[label].append(counts.f1)
                per_label_items[label] += counts.items
            per_pair[f"{a}|{b}"] = {
                "value": _round(micro.f1),
                "macro": _round(result.macro),
                "items": micro.items,
                "documents": docs,
            }
            if docs:
                sums = self.weights @ stats
                with np.errstate(divide="ignore", invalid="ignore"):
                    boot[:, k] = np.where(
                        sums[:, 1] + sums[:, 2] > 0, 2 * sums[:, 0] / (sums[:, 1] + sums[:, 2]), np.nan
                    )
        value = _mean(pair_values)
        return {
            "value": _round(value),
            "macro": _round(_mean(pair_macros)),
            "items": items,
            "documents": len(used_docs),
            "ci95": self._ci(_nanmean_rows(boot), len(used_docs), value),
            "per_label": {
                label: {"value": _round(_mean(per_label_values[label])), "items": per_label_items[label]}
                for label in labels
            },
            "per_pair": per_pair,
        }

    def _ci(self, values: np.ndarray, documents: int, value: float | None) -> list[float] | None:
        if value is None or self.resamples == 0:
            return None
        interval = percentile_interval(values, used_documents=documents)
        return [_round(interval[0]), _round(interval[1])] if interval else None

    # -- Cohen's kappa -----------------------------------------------------------------------

    def cohen(self) -> dict[str, Any]:
        p = self.p
        c = len(p.categories)
        indicators = [p.label_indicator(i) for i in range(len(p.labels))]
        projections = [np.stack([1 - ind, ind], axis=1).astype(float) for ind in indicators]
        per_pair: dict[str, Any] = {}
        values: list[float | None] = []
        label_values: dict[str, list[float | None]] = {label: [] for label in p.labels}
        items = 0
        used: set[int] = set()
        boot = np.full((self.resamples, len(p.pairs)), np.nan)
        for k, (a, b) in enumerate(p.pairs):
            stats = np.zeros((len(p.docs), c * c))
            docs = 0
            for i, doc in enumerate(p.docs):
                if a in doc.codes and b in doc.codes:
                    stats[i] = np.bincount(doc.codes[a] * c + doc.codes[b], minlength=c * c)
                    docs += 1
                    used.add(i)
            confusion = stats.sum(axis=0).reshape(c, c)
            tokens = int(confusion.sum())
            value = cohen_kappa(confusion)
            values.append(value)
            items += tokens
            for label, projection in zip(p.labels, projections, strict=True):
                label_values[label].append(cohen_kappa(projection.T @ confusion @ projection))
            per_pair[f"{a}|{b}"] = {"value": _round(value), "items": tokens, "documents": docs}
            if docs:
                boot[:, k] = kappa_from_confusion((self.weights @ stats).reshape(-1, c, c))
        value = _mean(values)
        return {
            "value": _round(value),
            "items": items,
            "documents": len(used),
            "ci95": self._ci(_nanmean_rows(boot), len(used), value),
            "per_label": {label: {"value": _round(_mean(label_values[label])), "items": items} for label in p.labels},
            "per_pair": per_pair,
        }

    # -- Fleiss' kappa and Krippendorff's alpha ----------------------------------------------

    def token_tables(self) -> None:
        """Per-document value-count tables, shared by Fleiss and Krippendorff."""
        p = self.p
        c = len(p.categories)
        self.tables = [_value_counts(doc, c) if len(doc.present) >= 2 else None for doc in p.docs]

    def fleiss(self) -> dict[str, Any]:
        p = self.p
        m = len(p.annotators)
        c = len(p.categories)
        complete = [i for i, doc in enumerate(p.docs) if m >= 2 and len(doc.present) == m]
        indicators = [p.label_indicator(i) for i in range(len(p.labels))]
        items = np.zeros(len(p.docs))
        squares = np.zeros(len(p.docs))
        totals = np.zeros((len(p.docs), c))
        label_squares = np.zeros((len(p.labels), len(p.docs)))
        label_totals = np.zeros((len(p.labels), len(p.docs), 2))
        for i in complete:
            table = self.tables[i]
            assert table is not None
            items[i] = len(table)
            squares[i] = float((table.astype(float) ** 2).sum())
            totals[i] = table.sum(axis=0)
            for j, indicator in enumerate(indicators):
                binary = _binary_counts(table, indicator).astype(float)
                label_squares[j, i] = (binary**2).sum()
                label_totals[j, i] = binary.sum(axis=0)
        n_items = float(items.sum())
        value = self._defined(fleiss_from_stats(np.array(n_items), np.array(squares.sum()), totals.sum(axis=0), m))
        per_label = {}
        for j, label in enumerate(p.labels):
            label_value = self._defined(
                fleiss_from_stats(np.array(n_items), np.array(label_squares[j].sum()), label_totals[j].sum(axis=0), m)
            )
            per_label[label] = {"value": _round(label_value), "items": int(n_items)}
        boot = fleiss_from_stats(self.weights @ items, self.weights @ squares, self.weights @ totals, m)
        return {
            "value": _round(value),
            "items": int(n_items),
            "documents": len(complete),
            "ci95": self._ci(boot, len(complete), value),
            "per_label": per_label,
        }

    @staticmethod
    def _defined(value: np.ndarray | float) -> float | None:
        value = float(value)
        return value if np.isfinite(value) else None

    def krippendorff(self) -> dict[str, Any]:
        p = self.p
        c = len(p.categories)
        indicators = [p.label_indicator(i) for i in range(len(p.labels))]
        used = [i for i, table in enumerate(self.tables) if table is not None]
        coincidence = np.zeros((len(p.docs), c, c))
        for i in used:
            table = self.tables[i]
            assert table is not None
            coincidence[i] = _coincidence_of(table, len(p.docs[i].present))
        self.doc_coincidences = coincidence
        stacked = np.vstack([self.tables[i] for i in used]) if used else np.zeros((0, c), dtype=np.int64)
        value = krippendorff_alpha(stacked) if used else None
        per_label = {}
        for j, label in enumerate(p.labels):
            binary = _binary_counts(stacked, indicators[j]) if used else np.zeros((0, 2))
            per_label[label] = {"value": _round(krippendorff_alpha(binary) if used else None), "items": len(stacked)}
        boot = alpha_from_coincidences(np.einsum("bd,dij->bij", self.weights, coincidence))
        return {
            "value": _round(value),
            "items": len(stacked),
            "documents": len(used),
            "ci95": self._ci(boot, len(used), value),
            "per_label": per_label,
        }

    # -- alpha_u ---------------------------------------------------------------------------

    def alpha_u(self) -> dict[str, Any]:
        p = self.p
        m = len(p.annotators)
        complete = [i for i, doc in enumerate(p.docs) if m >= 2 and len(doc.present) == m]
        weights = self.weights[:, complete]
        lengths = np.array([len(p.docs[i].source.text) for i in complete], dtype=float)
        total_length = int(lengths.sum())
        boot_o = np.zeros(self.resamples)
        boot_e = np.zeros(self.resamples)
        sum_o = sum_e = 0.0
        per_label: dict[str, Any] = {}
        for label in p.labels:
            observed = np.zeros(len(complete))
            unit_len: list[int] = []
            unit_doc: list[int] = []
            gap_len: list[int] = []
            gap_doc: list[int] = []
            for k, i in enumerate(complete):
                doc = p.docs[i]
                coders = [doc.units(a, label) for a in p.annotators]
                length = len(doc.source.text)
                for x in range(m):
                    for y in range(x + 1, m):
                        observed[k] += 2 * pair_difference(coders[x], coders[y])
                    unit_len.extend(end - start for start, end in coders[x])
                    gaps = gaps_of(coders[x], length)
                    gap_len.extend(gaps)
                    unit_doc.extend([k] * len(coders[x]))
                    gap_doc.extend([k] * len(gaps))
            units = np.asarray(unit_len, dtype=float)
            gaps_arr = np.asarray(gap_len, dtype=float)
            docs_of_units = np.asarray(unit_doc, dtype=np.int64)
            n_units = np.bincount(docs_of_units, minlength=len(complete)).astype(float)
            ll1 = np.bincount(docs_of_units, weights=units * (units - 1), minlength=len(complete))
            cubic = np.bincount(docs_of_units, weights=2 * units**3 - 3 * units**2 + units, minlength=len(complete))
            if complete:
                d_o, d_e = disagreements(
                    observed=float(observed.sum()),
                    length=float(total_length),
                    coders=m,
                    units=float(len(units)),
                    unit_ll1=float(ll1.sum()),
                    unit_cubic=float(cubic.sum()),
                    cross=cross_term(units, gaps_arr),
                )
            else:
                d_o = d_e = 0.0
            sum_o += float(d_o)
            sum_e += float(d_e)
            per_label[label] = {
                "value": _round(alpha_from(float(d_o), float(d_e))),
                "items": total_length,
                "observed": _round(d_o),
                "expected": _round(d_e),
            }
            if complete and self.resamples:
                cross = _boot_cross(weights, units, docs_of_units, gaps_arr, np.asarray(gap_doc, dtype=np.int64))
                b_o, b_e = disagreements(
                    observed=weights @ observed,
                    length=weights @ lengths,
                    coders=m,
                    units=weights @ n_units,
                    unit_ll1=weights @ ll1,
                    unit_cubic=weights @ cubic,
                    cross=cross,
                )
                boot_o += b_o
                boot_e += b_e
        value = alpha_from(sum_o, sum_e) if complete else None
        with np.errstate(divide="ignore", invalid="ignore"):
            boot = np.where(boot_e > 0, 1 - boot_o / boot_e, np.nan)
        return {
            "value": _round(value),
            "items": total_length,
            "documents": len(complete),
            "ci95": self._ci(boot, len(complete), value),
            "per_label": per_label,
        }


def _boot_cross(
    weights: np.ndarray, units: np.ndarray, unit_doc: np.ndarray, gaps: np.ndarray, gap_doc: np.ndarray
) -> np.ndarray:
    """The cross term of D_e for every resample. With the k-th distinct unit length l_k,
    X[b,k] = weighted sum of l_k^2 over units of that length and Y[b,k] = weighted sum over
    gaps g of max(0, g - l_k + 1); the term is sum_k X[b,k] Y[b,k] (weights are per document)."""
    if len(units) == 0 or len(gaps) == 0:
        return np.zeros(len(weights))
    documents = weights.shape[1]
    distinct, inverse = np.unique(units, return_inverse=True)
    u2 = np.zeros((documents, len(distinct)))
    np.add.at(u2, (unit_doc, inverse), units**2)
    g = np.zeros((documents, len(distinct)))
    np.add.at(g, gap_doc, np.maximum(gaps[:, None] - distinct[None, :] + 1, 0))
    return ((weights @ u2) * (weights @ g)).sum(axis=1)


def agreement_report(
    documents: Sequence[AnnotatedDocument],
    *,
    labels: Sequence[str],
    annotators: Sequence[str] | None = None,
    attributes: Mapping[str, Sequence[str]] | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """The contract's agreement report for `documents` (see the module docstring for the
    conventions). `annotators` defaults to everyone who submitted something; `attributes`
    maps a label to the attribute names to compare among annotators who marked the same span."""
    prepared = _prepare(documents, labels, annotators)
    report = _Report(prepared, resamples=resamples, seed=seed)
    report.token_tables()
    result: dict[str, Any] = {
        "annotators": prepared.annotators,
        "documents": len(documents),
        "labels": prepared.labels,
        "categories": prepared.categories,
        "span_f1_exact": report.span_f1("exact"),
        "span_f1_overlap": report.span_f1("overlap"),
        "cohen_kappa": report.cohen(),
        "fleiss_kappa": report.fleiss(),
        "krippendorff_alpha": report.krippendorff(),
        "alpha_u": report.alpha_u(),
        "attributes": attribute_agreement([d.annotations for d in documents], attributes or {}, weights=report.weights),
        "conventions": {
            **CONVENTIONS,
            "bootstrap": {
                "method": "percentile bootstrap over documents",
                "resamples": resamples,
                "seed": seed,
                "confidence": 0.95,
            },
        },
    }
    return result


def _row(prepared: _Prepared, doc: _Doc) -> dict[str, Any]:
    """One row of the per-document table: who submitted, their span counts, the document's own
    pairwise F1 and Cohen's kappa (means over pairs), alpha and alpha_u over the annotators who
    submitted it, and its disagreements by kind."""
    document = doc.source
    present = doc.present
    f1: dict[str, list[float | None]] = {match: [] for match in MATCHES}
    kappas: list[float | None] = []
    c = len(prepared.categories)
    for a, b in combinations(present, 2):
        for match in MATCHES:
            counts = document_counts(document.annotations[a], document.annotations[b], match=match)  # type: ignore[arg-type]
            total = LabelCounts()
            for item in counts.values():
                total.add(item)
            f1[match].append(total.f1)
        confusion = np.bincount(doc.codes[a] * c + doc.codes[b], minlength=c * c).reshape(c, c)
        kappas.append(_defined_float(kappa_from_confusion(confusion)))
    alpha = unitizing = None
    if len(present) >= 2:
        alpha = _defined_float(alpha_from_coincidences(_coincidence_of(_value_counts(doc, c), len(present))))
        total_o = total_e = 0.0
        for label in prepared.labels:
            part = LabelContinuum()
            part.add_document([doc.units(a, label) for a in present], len(document.text))
            d_o, d_e = label_disagreements(part, len(present))
            total_o += float(d_o)
            total_e += float(d_e)
        unitizing = alpha_from(total_o, total_e)
    comparison = compare_annotations({a: document.annotations[a] for a in present})
    by_kind = {kind: 0 for kind in KINDS}
    for item in comparison.disagreements:
        by_kind[item.kind] += 1
    return {
        "id": document.id,
        "annotators": present,
        "missing": [a for a in prepared.annotators if a not in present],
        "spans": {a: len(document.annotations[a]) for a in present},
        "tokens": doc.tokens,
        "span_f1_exact": _round(_mean(f1["exact"])),
        "span_f1_overlap": _round(_mean(f1["overlap"])),
        "cohen_kappa": _round(_mean(kappas)),
        "krippendorff_alpha": _round(alpha),
        "alpha_u": _round(unitizing),
        "disagreements": sum(n for kind, n in by_kind.items() if kind != "attributes"),
        "disagreements_by_kind": by_kind,
    }


def _defined_float(value: Any) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def document_table(
    documents: Sequence[AnnotatedDocument], *, labels: Sequence[str], annotators: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """The per-document table: per document, who submitted (and who is missing), span counts,
    the document's own pairwise F1 and Cohen's kappa (means over its pairs), Krippendorff's
    alpha and alpha_u over the annotators who submitted it, and its disagreements by kind."""
    prepared = _prepare(documents, labels, annotators)
    return [_row(prepared, doc) for doc in prepared.docs]


def document_detail(document: AnnotatedDocument, *, labels: Sequence[str]) -> dict[str, Any]:
    """A document's drill-down: its table row, each annotator's spans and the comparison
    (agreed spans, disagreements by kind, majority pre-fill)."""
    prepared = _prepare([document], labels, None)
    return {
        **_row(prepared, prepared.docs[0]),
        "spans_by_annotator": {
            who: [span.as_dict() for span in sorted(spans)] for who, spans in sorted(document.annotations.items())
        },
        "comparison": compare_annotations(document.annotations).as_dict(),
    }


__all__ = ["AnnotatedDocument", "agreement_report", "cross_term", "document_detail", "document_table"]
