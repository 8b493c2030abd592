"""Reading what a user typed in the document search: words, never query syntax."""

from __future__ import annotations

import pytest

from annotator.search import Term, fts5_query, search_terms, tsquery


def test_terms_are_the_words_typed_and_punctuation_alone_is_dropped() -> None:
    assert search_terms('  Aleppo  -  "  ( ) * airstrike ') == [Term("Aleppo", False), Term("airstrike", False)]


def test_a_trailing_star_asks_for_words_that_start_with_the_term() -> None:
    assert search_terms("bomb* air*port") == [Term("bomb", True), Term("air*port", False)]


@pytest.mark.parametrize("typed", ['AND "x', "war) OR (peace", "NOT", 'a"b', "l'armée", "back\\slash\\", "it's'"])
def test_every_term_is_quoted_so_operators_are_searched_as_words(typed: str) -> None:
    terms = search_terms(typed)
    assert fts5_query(terms).count('"') % 2 == 0  # every quote opened is closed
    assert all(f'"{t.text.replace(chr(34), chr(34) * 2)}"' in fts5_query(terms) for t in terms)
    assert all(
        f"'{t.text.replace(chr(92), chr(92) * 2).replace(chr(39), chr(39) * 2)}'" in tsquery(terms) for t in terms
    )


def test_terms_are_all_required_and_a_prefix_term_is_marked() -> None:
    terms = search_terms("syria bomb*")
    assert fts5_query(terms) == '"syria" "bomb" *'
    assert tsquery(terms) == "'syria' & 'bomb':*"
