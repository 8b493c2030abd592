"""Builds `lexicon.tsv`, the tagger's corpus-derived word lists, from the FA-KES corpus.

Run from the repository root: `.venv/bin/python -m annotator.tagger.build_lexicon`
(deterministic: the same corpus gives the same file byte for byte).

Source: `corpus/fakes.jsonl` (FA-KES, CC BY, see `corpus/README.md`), **minus every article
of the gold set** (`fixtures/gold/*.jsonl`, matched by unit id and by text), so nothing the
benchmark tests on shapes the lists: no span, no crowd field and no word of a gold article
is read. What the file holds, one word a line (`word<TAB>kind=value,...`):

- `c5` / `c7`: distributional word classes — each word with at least `MIN_COUNT` occurrences
  is described by the words seen just left and right of it (positive PMI, reduced by SVD),
  then clustered by k-means into 32 and 128 classes. Words used alike ("Aleppo"/"Idlib",
  "warplanes"/"jets") share a class, so what is learnt for one carries to the other.
- `place`: words of place names — the 12 governorates of the crowd `location` column, plus
  capitalised words that follow "town of", "village of", "city of", "province of", ... in
  at least `MIN_PLACE` articles.
- `actor`: words of the crowd `actor` column's categories ("isis", "nusra", "coalition",
  ...) except function words and "unknown".
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.utils.extmath import randomized_svd

from annotator.tokenize import tokenize

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = Path(__file__).with_name("lexicon.tsv")
MIN_COUNT = 3
MIN_PLACE = 2
CONTEXT_WORDS = 3000
DIMENSIONS = 60
CLASSES = (("c5", 32), ("c7", 128))
PLACE_CUES = re.compile(
    r"\b(?:town|village|city|province|governorate|countryside|district|neighbou?rhood|suburb|area|region|"
    r"outskirts|district|camp)s? of ((?:[A-Z][\w-]*)(?: (?:al-)?[A-Z][\w-]*)*)"
)
ACTOR_STOP = frozenset(["the", "of", "in", "and", "or", "-", "organization", "state", "unknown", "forces", "groups"])


def training_articles() -> list[dict[str, Any]]:
    """The corpus rows that are not gold articles (by unit id and by text)."""
    gold_ids: set[str] = set()
    gold_texts: set[str] = set()
    for path in sorted((ROOT / "fixtures/gold").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            gold_ids.add(str(record["id"]).split("-")[0])
            gold_texts.add(record["text"])
    rows = [json.loads(line) for line in (ROOT / "corpus/fakes.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if str(r["meta"]["unit_id"]) not in gold_ids and r["text"] not in gold_texts]


def word_classes(texts: list[str]) -> dict[str, dict[str, int]]:
    documents = [[t.text.lower() for t in tokenize(text)] for text in dict.fromkeys(texts)]
    counts = Counter(w for words in documents for w in words)
    vocabulary = sorted(w for w, c in counts.items() if c >= MIN_COUNT)
    index = {w: i for i, w in enumerate(vocabulary)}
    contexts = sorted(counts, key=lambda w: (-counts[w], w))[:CONTEXT_WORDS]
    context_index = {w: i for i, w in enumerate(contexts)}
    rows, columns = [], []
    for words in documents:
        for i, word in enumerate(words):
            if word not in index:
                continue
            for side, j in (("L", i - 1), ("R", i + 1)):
                neighbour = words[j] if 0 <= j < len(words) else "<s>"
                c = context_index.get(neighbour)
                if c is not None:
                    rows.append(index[word])
                    columns.append(c + (0 if side == "L" else CONTEXT_WORDS))
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(vocabulary), 2 * CONTEXT_WORDS)).toarray()
    total = matrix.sum()
    expected = matrix.sum(axis=1, keepdims=True) * matrix.sum(axis=0, keepdims=True) / total
    with np.errstate(divide="ignore", invalid="ignore"):
        ppmi = np.maximum(np.log(matrix / expected), 0.0)
    ppmi[~np.isfinite(ppmi)] = 0.0
    u, s, _ = randomized_svd(ppmi, DIMENSIONS, random_state=0)
    vectors = u * np.sqrt(s)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    result: dict[str, dict[str, int]] = {w: {} for w in vocabulary}
    for name, k in CLASSES:
        labels = KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(vectors)
        for word, label in zip(vocabulary, labels, strict=True):
            result[word][name] = int(label)
    return result


def place_words(rows: list[dict[str, Any]]) -> set[str]:
    words = {w for r in rows for w in tokenize_lower(r["meta"]["location"])}
    seen: Counter[str] = Counter()
    for r in rows:
        seen.update({w for match in PLACE_CUES.findall(r["text"]) for w in tokenize_lower(match)})
    return words | {w for w, c in seen.items() if c >= MIN_PLACE and w not in ("al",)}


def actor_words(rows: list[dict[str, Any]]) -> set[str]:
    return {w for r in rows for w in tokenize_lower(r["meta"]["actor"]) if w not in ACTOR_STOP and len(w) > 1}


def tokenize_lower(text: str) -> list[str]:
    return [t.text.lower() for t in tokenize(text) if t.text[:1].isalnum()]


def build() -> str:
    rows = training_articles()
    classes = word_classes([r["text"] for r in rows])
    places, actors = place_words(rows), actor_words(rows)
    lines = []
    for word in sorted(set(classes) | places | actors):
        fields = [f"{name}={value}" for name, value in classes.get(word, {}).items()]
        fields += [flag for flag, words in (("place", places), ("actor", actors)) if word in words]
        lines.append(f"{word}\t{','.join(fields)}")
    header = (
        f"# built by annotator/tagger/build_lexicon.py from corpus/fakes.jsonl: {len(rows)} articles "
        "(the gold set's left out)\n"
    )
    return header + "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUTPUT.write_text(build(), encoding="utf-8")
    print(f"wrote {OUTPUT}")
