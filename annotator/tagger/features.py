"""Token features for the tagger as hashed column ids, so no vocabulary is stored.

Each token gets its own word features (word, lower case, shape, prefixes and suffixes,
number words), its neighbours' word features in a window (prefixed with the offset), its
position in the sentence, sentence-level cues (a verb of violence or a casualty word in the
sentence, a number right before or after), the corpus lexicon's entries for the word and its
neighbours (`lexicon.tsv`: word classes, place and actor words, see `build_lexicon.py`), and
the training gazetteer's hits (words seen inside spans of a label in the training data).
A word's features are named by strings (`word_features`, `context_features`) and hashed once
per word; `document_feature_ids` builds a document's features from them as ids.

`FEATURE_VERSION` changes whenever a change here would make an old model read features
differently; a saved model is loaded only if its feature version matches.
"""

# ruff: noqa: SIM905 - word lists read best as one string each

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from itertools import chain
from pathlib import Path

import numpy as np
from sklearn.utils import murmurhash3_32

from annotator.tokenize import Token, sentences

FEATURE_VERSION = "tagger-7"  # 7: layers keep dense weight rows (`columns_`); 6: tokens are grapheme clusters
LEXICON = Path(__file__).with_name("lexicon.tsv")

NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds "
    "thousand thousands million millions dozen dozens scores score several many tens".split()
)
QUANTIFIERS = frozenset("least more than about around nearly almost some over up estimated approximately".split())
VICTIM_NOUNS = frozenset(
    "people civilians children women men persons soldiers fighters members militants rebels troops "
    "residents victims lives dead bodies kids infants family families officers policemen combatants "
    "workers students patients".split()
)
VIOLENCE_WORDS = frozenset(
    "kill killed kills killing killings dead died die dies death deaths toll wounded wounding wounds injured "
    "injuring injuries injures hurt casualties massacre massacred executed execution slaughtered bomb bombs "
    "bombed bombing bombings bombarded bombardment shelling shelled shell shells airstrike airstrikes strike "
    "strikes struck raid raids attack attacks attacked targeted target hit hits explosion explosions blast "
    "exploded rocket rockets missile missiles barrel mortar mortars artillery fire fired shot shooting "
    "sniper snipers gunfire clashes assault offensive".split()
)
ACTOR_WORDS = frozenset(
    "warplanes jets aircraft planes helicopters forces army troops military regime government militants rebels "
    "jihadists fighters group coalition airforce air force gunmen terrorists insurgents".split()
)
DIRECTIONS = frozenset(
    "east eastern west western north northern south southern central rural countryside province city town "
    "village district neighbourhood neighborhood suburb suburbs".split()
)


@lru_cache(maxsize=200_000)
def shape(word: str) -> str:
    """Xxxx, dd, x-x...: characters mapped to classes, runs collapsed."""
    out: list[str] = []
    for char in word:
        if char.isupper():
            kind = "X"
        elif char.islower():
            kind = "x"
        elif char.isdigit():
            kind = "d"
        else:
            kind = char
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)


@cache
def lexicon() -> dict[str, tuple[str, ...]]:
    """Lower-cased word -> its corpus-derived features (`lexicon.tsv`, made by
    `build_lexicon.py`: word classes `c5=`/`c7=`, `place`, `actor`)."""
    entries: dict[str, tuple[str, ...]] = {}
    for line in LEXICON.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, _, fields = line.partition("\t")
            entries[word] = tuple(f"lex:{field}" for field in fields.split(",") if field)
    return entries


@lru_cache(maxsize=200_000)
def word_features(word: str) -> tuple[str, ...]:
    """The features a word brings wherever it stands (cached: vocabularies repeat)."""
    lower = word.lower()
    feats = [f"w={lower}", f"shape={shape(word)}", f"p3={lower[:3]}", f"s3={lower[-3:]}", f"s2={lower[-2:]}"]
    if word[:1].isupper():
        feats.append("title")
    if word.isupper() and len(word) > 1:
        feats.append("upper")
    if any(c.isdigit() for c in word):
        feats.append("digit")
        digits = sum(c.isdigit() for c in word)
        feats.append(f"ndigits={min(digits, 6)}")
    if lower in NUMBER_WORDS:
        feats.append("numword")
    if lower in QUANTIFIERS:
        feats.append("quant")
    if lower in VICTIM_NOUNS:
        feats.append("victim")
    if lower in VIOLENCE_WORDS:
        feats.append("violence")
    if lower in ACTOR_WORDS:
        feats.append("actor")
    if lower in DIRECTIONS:
        feats.append("direction")
    if not word[:1].isalnum():
        feats.append("punct")
    feats.extend(lexicon().get(lower, ()))
    return tuple(feats)


_CONTEXT_LEXICON = ("lex:c7=", "lex:place", "lex:actor")


# The short form of a neighbour's features: the full set at every offset would be large and
# slow; identity, shape and the lexicon classes carry most of what context says.
@lru_cache(maxsize=200_000)
def context_features(word: str) -> tuple[str, ...]:
    lower = word.lower()
    feats = [f"w={lower}", f"shape={shape(word)}", f"s3={lower[-3:]}"]
    own = word_features(word)
    for name in ("numword", "quant", "victim", "violence", "actor", "direction", "digit", "title"):
        if name in own:
            feats.append(name)
    feats.extend(f for f in own if f.startswith(_CONTEXT_LEXICON))
    return tuple(feats)


def _is_number(word: str) -> bool:
    return word[:1].isdigit() or word.lower() in NUMBER_WORDS


def build_gazetteer(
    token_lists: Sequence[Sequence[Token]], tag_lists: Sequence[Sequence[str]], min_count: int
) -> dict[str, str]:
    """Lower-cased word -> label, for words seen inside spans of that label at least
    `min_count` times in training and at least as often as outside any span."""
    inside: dict[str, Counter[str]] = defaultdict(Counter)
    for tokens, tags in zip(token_lists, tag_lists, strict=True):
        for token, tag in zip(tokens, tags, strict=True):
            inside[token.text.lower()][tag[2:] if tag != "O" else "O"] += 1
    gazetteer: dict[str, str] = {}
    for word, counts in inside.items():
        spans = [(count, label) for label, count in counts.items() if label != "O"]
        if not spans:
            continue
        count, label = max(spans)
        if count >= min_count and count >= counts["O"]:
            gazetteer[word] = label
    return gazetteer


# --- Features as column numbers --------------------------------------------------------------
# Hashing strings token by token is the slow part of featurising; here a word's features are
# hashed once per word (cached) and every family of features is built for the whole document
# at once. A neighbour's features are salted ids, not string hashes: `named_feature_id` gives
# the id of a feature written out ("-1:w=killed", "sent:violence"), for tests and debugging.


@lru_cache(maxsize=1_000_000)
def feature_id(feature: str) -> int:
    return int(murmurhash3_32(feature, positive=True))


@lru_cache(maxsize=200_000)
def _word_ids(word: str) -> tuple[tuple[int, ...], tuple[int, ...], int, int]:
    """A word's own feature ids, the ids of its short form (what a neighbour shows), bits
    saying whether it is a number (1), a word of violence (2), a victim noun (4), and the id
    of its lower-cased form (what bigrams are made of)."""
    lower = word.lower()
    return (
        tuple(feature_id(f) for f in word_features(word)),
        tuple(feature_id(f) for f in context_features(word)),
        int(_is_number(word)) | 2 * (lower in VIOLENCE_WORDS) | 4 * (lower in VICTIM_NOUNS),
        feature_id(f"w={lower}"),
    )


def _bigram_ids(before: np.ndarray, after: np.ndarray, side: str) -> np.ndarray:
    """Ids of the bigrams of lower-cased word ids `before` and `after`, as the second token
    sees each ("bi-") or the first ("bi+"): mixed from the two words' ids."""
    return salted((before * 0x9E3779B1) ^ after, feature_id(side))


def _salt(offset: int) -> int:
    return feature_id(f"offset{offset:+d}")


_NEIGHBOUR = re.compile(r"([+-]\d+):(.+)")


def named_feature_id(name: str) -> int:
    """The id `document_feature_ids` gives the feature written `name`: a token's own feature
    ("w=killed", "sent:violence", "gaz=LOCATION", "-1:BOS") or a neighbour's short-form one
    seen from an offset ("-1:w=killed", "+2:lex:place"). Bigrams are mixed from word ids and
    have no name."""
    match = _NEIGHBOUR.fullmatch(name)
    if match is None or match[2] in ("BOS", "EOS"):
        return feature_id(name)
    return int(salted(np.array([feature_id(match[2])], dtype=np.int64), _salt(int(match[1])))[0])


_MASK = 0xFFFFFFFF


def salted(ids: np.ndarray, salt: int) -> np.ndarray:
    """Feature ids moved to other columns by a salt: a neighbour's as seen from an offset
    (`_salt(offset)`), so "-1:w=killed" and "+1:w=killed" are different columns (the id of
    the string "-1:w=killed" itself would be the same feature, only slower). int64
    arithmetic wraps; the low 32 bits kept are exact."""
    return (ids * 0x9E3779B1 + salt) & _MASK


def word_feature_ids(word: str, window: int) -> list[np.ndarray]:
    """The ids a word brings wherever it stands: its own features first, then its short form
    as seen from each offset -window..-1, 1..window (the neighbour families of
    `document_feature_ids`)."""
    own, context = _word_ids(word)[:2]
    context_ids = np.array(context, dtype=np.int64)
    offsets = [r for r in range(-window, window + 1) if r]
    return [np.array(own, dtype=np.int64)] + [salted(context_ids, _salt(r)) for r in offsets]


def sentence_bounds(text: str, tokens: Sequence[Token]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each token: its sentence's number, the index of the sentence's first token and the
    index after its last."""
    n = len(tokens)
    sid = np.zeros(n, dtype=np.int64)
    start = np.zeros(n, dtype=np.int64)
    stop = np.zeros(n, dtype=np.int64)
    at = 0
    for number, sentence in enumerate(sentences(text, tokens)):
        sid[at : at + len(sentence)] = number
        start[at : at + len(sentence)] = at
        stop[at : at + len(sentence)] = at + len(sentence)
        at += len(sentence)
    return sid, start, stop


def document_feature_ids(
    text: str,
    tokens: Sequence[Token],
    *,
    window: int = 2,
    gazetteer: Mapping[str, str] | None = None,
    with_words: bool = True,
    bounds: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, ids): for every feature of every token, the token's index and the feature's
    hash, built family by family over the whole document (a comprehension or an array
    operation each) instead of token by token. A token gets its word's features, its
    neighbours' short forms within its sentence (or BOS/EOS past its edge), its position
    ("pos=", "first", "last", "bias"), the sentence's cues ("sent:violence", "sent:victim",
    "sent:number"), nearby numbers and violence ("num-before", "num-after",
    "violence-near"), the bigrams with its neighbours and its gazetteer hit ("gaz=").
    `with_words=False` leaves out the word's own features and its neighbours' (the families
    `word_feature_ids` gives word by word); `bounds` is `sentence_bounds`, if known."""
    gazetteer = gazetteer or {}
    n = len(tokens)
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    sid, start, stop = bounds if bounds is not None else sentence_bounds(text, tokens)
    index = np.arange(n)
    pos = index - start
    words = [t.text for t in tokens]
    infos = [_word_ids(w) for w in words]
    rows: list[np.ndarray] = []
    ids: list[np.ndarray] = []

    def family(tuples: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
        lengths = np.array(list(map(len, tuples)), dtype=np.int64)
        return np.repeat(index, lengths), np.fromiter(chain.from_iterable(tuples), dtype=np.int64)

    masks: list[np.ndarray] = []
    names: list[str] = []

    def flag(mask: np.ndarray, feature: str) -> None:
        masks.append(mask)
        names.append(feature)

    if with_words:
        own_rows, own_ids = family([info[0] for info in infos])
        rows.append(own_rows)
        ids.append(own_ids)
        ctx_rows, ctx_ids = family([info[1] for info in infos])
        for offset in range(1, window + 1):
            for r in (-offset, offset):
                target = ctx_rows - r  # the token that sees word ctx_rows as its neighbour at r
                keep = (target >= 0) & (target < n)
                keep[keep] &= sid[target[keep]] == sid[ctx_rows[keep]]
                rows.append(target[keep])
                ids.append(salted(ctx_ids[keep], _salt(r)))
    for offset in range(1, window + 1):
        for r in (-offset, offset):
            flag((index + r < start) | (index + r >= stop), f"{r:+d}:{'BOS' if r < 0 else 'EOS'}")
    flag(np.ones(n, dtype=bool), "bias")
    for p in range(6):
        flag(pos == p if p < 5 else pos >= 5, f"pos={p}")
    flag(pos == 0, "first")
    flag((pos == stop - start - 1) & (pos > 0), "last")
    bits = np.fromiter((info[2] for info in infos), dtype=np.int64, count=n)
    numbers, violent, victims = bits & 1, (bits >> 1) & 1, (bits >> 2) & 1
    num_sum = np.concatenate([[0], np.cumsum(numbers)])
    vio_sum = np.concatenate([[0], np.cumsum(violent)])
    vic_sum = np.concatenate([[0], np.cumsum(victims)])
    flag(vio_sum[stop] - vio_sum[start] > 0, "sent:violence")
    flag(vic_sum[stop] - vic_sum[start] > 0, "sent:victim")
    flag(num_sum[stop] - num_sum[start] > 0, "sent:number")
    flag(num_sum[index] - num_sum[np.maximum(start, index - 3)] > 0, "num-before")
    flag(num_sum[np.minimum(stop, index + 3)] - num_sum[np.minimum(stop, index + 1)] > 0, "num-after")
    flag(vio_sum[np.minimum(stop, index + 7)] - vio_sum[np.maximum(start, index - 6)] > 0, "violence-near")
    # All the flags at once: one nonzero over a (flags x tokens) table.
    which, where = np.nonzero(np.stack(masks))
    rows.append(where)
    ids.append(np.array([feature_id(name) for name in names], dtype=np.int64)[which])
    if n > 1:
        lower_ids = np.fromiter((info[3] for info in infos), dtype=np.int64, count=n)
        joined = np.flatnonzero(sid[1:] == sid[:-1])  # pairs (i, i+1) inside one sentence
        before, after = lower_ids[joined], lower_ids[joined + 1]
        rows.append(joined + 1)
        ids.append(_bigram_ids(before, after, "bi-"))
        rows.append(joined)
        ids.append(_bigram_ids(before, after, "bi+"))
    if gazetteer:
        hits = [(i, gazetteer[w.lower()]) for i, w in enumerate(words) if w.lower() in gazetteer]
        rows.append(np.array([i for i, _ in hits], dtype=np.int64))
        ids.append(np.array([feature_id(f"gaz={label}") for _, label in hits], dtype=np.int64))
    return np.concatenate(rows), np.concatenate(ids)
