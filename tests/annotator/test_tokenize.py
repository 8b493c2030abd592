from __future__ import annotations

import pytest

from annotator.spans import Span
from annotator.tokenize import AlignmentError, bio_to_spans, sentences, spans_to_bio, tokenize

TEXT = 'Syrian warplanes killed 126,000 people in Al-Bab.\nRebels said: "no." Then\u00a0more.'


def words(text: str) -> list[str]:
    return [t.text for t in tokenize(text)]


def test_tokens_carry_their_offsets() -> None:
    for token in tokenize(TEXT):
        assert TEXT[token.start : token.end] == token.text


def test_word_runs_and_single_punctuation_marks_are_tokens() -> None:
    assert words("126,000 people in Al-Bab.") == ["126", ",", "000", "people", "in", "Al", "-", "Bab", "."]


def test_unicode_words_emoji_and_combining_marks() -> None:
    assert words("e\u0301te\u0301 \U0001f600 \u062d\u0644\u0628!") == [
        "e\u0301te\u0301",
        "\U0001f600",
        "\u062d\u0644\u0628",
        "!",
    ]


def test_sentences_split_at_final_punctuation_and_line_breaks() -> None:
    split = [" ".join(t.text for t in s) for s in sentences(TEXT)]
    assert split == [
        "Syrian warplanes killed 126 , 000 people in Al - Bab .",
        'Rebels said : " no . "',
        "Then more .",
    ]


@pytest.mark.parametrize(
    "spans",
    [
        [Span(0, 16, "PERPETRATOR"), Span(24, 38, "CASUALTY_COUNT"), Span(42, 48, "LOCATION")],
        [Span(45, 48, "LOCATION")],
        [],
    ],
)
def test_bio_round_trips_spans_that_cover_whole_tokens(spans: list[Span]) -> None:
    tokens = tokenize(TEXT)
    assert bio_to_spans(tokens, spans_to_bio(TEXT, tokens, spans)) == spans


def test_a_span_boundary_inside_a_token_is_an_error_not_a_silent_drop() -> None:
    tokens = tokenize(TEXT)
    with pytest.raises(AlignmentError):
        spans_to_bio(TEXT, tokens, [Span(2, 16, "PERPETRATOR")])


def test_a_span_boundary_at_a_space_snaps_to_the_tokens_inside() -> None:
    tokens = tokenize(TEXT)
    tags = spans_to_bio(TEXT, tokens, [Span(6, 17, "PERPETRATOR")])
    assert tags[:3] == ["O", "B-PERPETRATOR", "O"]


def test_stray_inside_tag_opens_a_span() -> None:
    tokens = tokenize("in east Aleppo")
    assert bio_to_spans(tokens, ["O", "I-LOCATION", "I-LOCATION"]) == [Span(3, 14, "LOCATION")]
