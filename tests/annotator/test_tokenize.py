from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from annotator.spans import Span
from annotator.tokenize import AlignmentError, Token, bio_to_spans, sentences, spans_to_bio, tokenize

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


# --- The fast tokenizer and sentence splitter against the plain definitions ----------------
# `tokenize` and `sentences` are written for speed (the tagger spends much of its prediction
# time in them); their outputs must stay exactly those of the plain definitions below, which
# the CoNLL export, agreement and stored annotations rely on.


def reference_tokenize(text: str) -> list[tuple[int, int, str]]:
    from annotator.tokenize import TOKEN_PATTERN

    return [(m.start(), m.end(), m.group()) for m in TOKEN_PATTERN.finditer(text)]


def reference_sentences(text: str) -> list[list[Token]]:
    from annotator.tokenize import _ends_sentence

    result: list[list[Token]] = []
    current: list[Token] = []
    for token in tokenize(text):
        if current:
            gap = text[current[-1].end : token.start]
            if "\n" in gap or (gap and _ends_sentence(current)):
                result.append(current)
                current = []
        current.append(token)
    if current:
        result.append(current)
    return result


def corpus_texts() -> list[str]:
    root = Path(__file__).resolve().parents[2]
    paths = [root / "corpus/fakes.jsonl", root / "fixtures/gold/dev.jsonl", root / "fixtures/gold/seeds.jsonl"]
    return [json.loads(line)["text"] for path in paths for line in path.read_text(encoding="utf-8").splitlines()]


def odd_texts(count: int = 3000) -> list[str]:
    """Short random strings of the characters the rules turn on: final marks, closers, line
    breaks, odd spaces, underscores, combining marks, emoji, Arabic."""
    alphabet = list(
        "ab Z9_.!?\"')]\u201d\u2019\n\r\t\u00a0-,\u0301\u0651\U0001f600\u062d\u200d\U0001f1f8\U0001f1fe\U0001f3fd"
    )
    rng = random.Random(0)
    return [TEXT, ""] + ["".join(rng.choices(alphabet, k=rng.randint(1, 30))) for _ in range(count)]


def test_tokens_are_those_of_the_plain_pattern_on_the_corpus_and_odd_texts() -> None:
    for text in corpus_texts() + odd_texts():
        tokens = tokenize(text)
        assert tokens == reference_tokenize(text), text
        assert all(type(token) is Token for token in tokens)


def test_sentences_are_those_of_the_plain_rule_on_the_corpus_and_odd_texts() -> None:
    for text in corpus_texts() + odd_texts():
        assert sentences(text) == reference_sentences(text), text


def test_a_flag_a_zwj_family_and_a_skin_tone_are_one_token_each() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    text = f"في حلب \U0001f1f8\U0001f1fe {family} \U0001f44d\U0001f3fd à Alep\U0001f691!"
    assert words(text) == [
        "في",
        "حلب",
        "\U0001f1f8\U0001f1fe",
        family,
        "\U0001f44d\U0001f3fd",
        "à",
        "Alep",
        "\U0001f691",
        "!",
    ]
