"""The preparation step: plain documents in, one immutable structure out that every measure
of the report reads (tokens and categories, who submitted what, value counts, units)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from annotator.agreement.prepare import AnnotatedDocument, prepare
from annotator.spans import Span

TEXT = "Rebels killed 12 civilians in Aleppo."


def mark(phrase: str, label: str) -> Span:
    start = TEXT.index(phrase)
    return Span(start, start + len(phrase), label)


def test_an_annotator_absent_from_a_document_is_missing_data_for_it() -> None:
    documents = [
        AnnotatedDocument("both", TEXT, {"alice": [mark("Aleppo", "LOCATION")], "bob": []}),
        AnnotatedDocument("alice only", TEXT, {"alice": []}),
    ]
    prepared = prepare(documents, labels=["LOCATION"])
    both, alone = prepared.documents
    assert prepared.annotators == ("alice", "bob")
    assert both.present == ("alice", "bob") and alone.present == ("alice",)
    assert alone.has("alice") and not alone.has("alice", "bob")
    assert alone.value_counts is None  # one annotator: nothing to compare
    assert prepared.complete == (0,)


def test_value_counts_give_each_token_as_many_values_as_annotators_submitted() -> None:
    documents = [
        AnnotatedDocument(
            "d",
            TEXT,
            {"alice": [mark("Aleppo", "LOCATION")], "bob": [mark("Aleppo", "LOCATION")], "carol": []},
        )
    ]
    doc = prepare(documents, labels=["LOCATION"]).documents[0]
    assert doc.tokens == 7  # Rebels killed 12 civilians in Aleppo .
    assert doc.value_counts is not None
    assert (doc.value_counts.sum(axis=1) == 3).all()
    assert doc.value_counts[5].tolist() == [1, 2]  # "Aleppo": O once, LOCATION twice


def test_O_is_always_a_category_and_two_labels_on_a_token_make_a_combined_one() -> None:
    everything = Span(0, len(TEXT), "LOCATION")
    documents = [
        AnnotatedDocument("d", TEXT, {"alice": [everything, mark("Rebels", "PERPETRATOR")], "bob": [everything]})
    ]
    prepared = prepare(documents, labels=["LOCATION", "PERPETRATOR"])
    assert prepared.categories == ("O", "LOCATION", "LOCATION|PERPETRATOR")
    assert prepared.label_indicator(1).tolist() == [0, 0, 1]  # PERPETRATOR only in the combined category


def test_a_label_outside_the_label_set_still_counts_after_the_given_ones() -> None:
    documents = [AnnotatedDocument("d", TEXT, {"alice": [mark("Rebels", "ARMED_GROUP")], "bob": []})]
    prepared = prepare(documents, labels=["LOCATION"])
    assert prepared.labels == ("LOCATION", "ARMED_GROUP")
    assert prepared.categories == ("O", "ARMED_GROUP")


def test_units_are_each_annotators_spans_of_a_label_in_order() -> None:
    spans = [mark("Aleppo", "LOCATION"), mark("Rebels", "PERPETRATOR"), mark("civilians", "LOCATION")]
    doc = prepare([AnnotatedDocument("d", TEXT, {"alice": spans})], labels=["LOCATION"]).documents[0]
    assert doc.units_of("alice", "LOCATION") == ((17, 26), (30, 36))
    assert doc.units_of("alice", "CASUALTY_COUNT") == ()
    assert doc.units_of("bob", "LOCATION") == ()


def test_the_prepared_structure_cannot_be_changed_by_a_measure() -> None:
    documents = [AnnotatedDocument("d", TEXT, {"alice": [mark("Aleppo", "LOCATION")], "bob": []})]
    prepared = prepare(documents, labels=["LOCATION"])
    doc = prepared.documents[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        prepared.labels = ("X",)  # type: ignore[misc]
    with pytest.raises(TypeError):
        doc.codes["carol"] = np.zeros(doc.tokens, dtype=np.int64)  # type: ignore[index]
    with pytest.raises(ValueError, match="read-only"):
        doc.codes["alice"][0] = 1
    assert doc.value_counts is not None
    with pytest.raises(ValueError, match="read-only"):
        doc.value_counts[0, 0] = 5


def test_no_documents_prepare_to_an_empty_structure_with_the_O_category() -> None:
    prepared = prepare([], labels=["LOCATION"])
    assert prepared.documents == () and prepared.annotators == () and prepared.pairs == ()
    assert prepared.categories == ("O",)
