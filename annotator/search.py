"""What a user typed in the document search, turned into full-text queries that cannot fail.

Pure: no Django. The text is split on white space into terms; a term with no letter or
digit (`-`, `*`, `"`, `()`) is dropped; each remaining term is quoted, so operator words and
characters (`AND`, `NOT`, `*`, `"`, `(`) are searched as the words they contain, never read
as query syntax. Every term must match (AND). A term ending in `*` (`bomb*`) also matches
words that start with it; only when asked, because a prefix reads every document of every
word it starts (`the*`: most of them) where a word's page stops at its 50th match. A term
with punctuation inside (`l'armée`, `fakes_0001`) matches its words as a phrase, as the
index split them.

The indexes (migration 0008) fold case and Latin accents (`armee` finds `Armée` and
`armée` finds `ARMEE`), keep Arabic as written (vowel marks included) and treat emoji and
punctuation as spaces. No stemming: the texts mix Arabic, French and English, and a
language's stemmer would mangle the other two.
"""

from __future__ import annotations

from typing import NamedTuple


class Term(NamedTuple):
    text: str
    prefix: bool


def search_terms(query: str) -> list[Term]:
    """The terms of `query`: white-space separated chunks with a letter or digit in them, a
    trailing `*` taken off and read as "words starting with this"."""
    return [
        Term(chunk.rstrip("*"), chunk.endswith("*")) for chunk in query.split() if any(ch.isalnum() for ch in chunk)
    ]


def fts5_query(terms: list[Term]) -> str:
    """An SQLite FTS5 MATCH expression: each term a quoted string (`"` doubled inside), a
    prefix one followed by ` *`; implicit AND between them."""
    return " ".join('"' + t.text.replace('"', '""') + '"' + (" *" if t.prefix else "") for t in terms)


def tsquery(terms: list[Term]) -> str:
    """A PostgreSQL `to_tsquery` text: each term in single quotes (`'` doubled, `\\`
    escaped), a prefix one followed by `:*`, joined with `&`."""
    quoted = ("'" + t.text.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if t.prefix else "") for t in terms)
    return " & ".join(quoted)
