"""The relation classifier: which PERPETRATOR and LOCATION spans a casualty count is linked to.

Pure Python and scikit-learn, no Django. A relation type names a source label and a target
label (`BY`: CASUALTY_COUNT → PERPETRATOR, `AT`: CASUALTY_COUNT → LOCATION). For each
source span the candidates are the target spans in a window of sentences around it (by
default the two sentences before, its own and the one after: the guidelines link across
sentences only through a back-reference, and forward only into the next sentence). Each
(source, candidate) pair is classified on its own by a logistic regression over sparse
features: the sentence distance, order and nearness rank among the candidates, the words
and clause boundaries between the two, the words around each end, the back-reference
("hook") words of the source's sentence, and every one of those joined with the type.

`nearest_in_sentence` is the rule this classifier is measured against: each source linked
to the nearest target of each type in its own sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from annotator.spans import Span
from annotator.tokenize import Token, sentences

FEATURE_VERSION = 1


@dataclass(frozen=True)
class RelationType:
    name: str
    source: str
    target: str


@dataclass(frozen=True, order=True)
class Relation:
    """A typed, directed link between two spans of one document, by their index in its list."""

    source: int
    target: int
    type: str


@dataclass(frozen=True)
class ScoredRelation:
    relation: Relation
    score: float


DEFAULT_RELATION_TYPES = (
    RelationType("BY", "CASUALTY_COUNT", "PERPETRATOR"),
    RelationType("AT", "CASUALTY_COUNT", "LOCATION"),
)

# Words that start a new clause or a new event between a count and its candidate.
_CLAUSE_WORDS = frozenset(
    {"after", "before", "while", "when", "as", "since", "but", "although", "though", "whereas", "which", "who"}
    | {"where", "following", "amid", "during", "until"}
)
# Definite references back to a place, an actor or an attack (the guidelines' "hooks").
_HOOK = re.compile(
    r"\b(?:the|this|that|these|those|its|their)\s+(?:same\s+)?"
    r"(city|town|village|area|province|region|district|neighbou?rhood|capital|centre|center|country|"
    r"group|militants|jihadists|rebels|forces|army|regime|government|coalition|"
    r"raids?|attacks?|strikes?|air\s*strikes?|bombings?|blasts?|explosions?|bombardment|shelling|"
    r"operation|offensive|massacre|assault|clashes|fighting|claim|incident)\b",
    re.IGNORECASE,
)
_TOLL = re.compile(r"\btoll\b", re.IGNORECASE)
_ANAPHORIC_COUNT = re.compile(r"^(?:the|those|these|among)\b", re.IGNORECASE)


@dataclass
class _Document:
    """What the features need of one text: its tokens, each token's sentence, each span's
    first and last token."""

    text: str
    tokens: list[Token]
    sentence_of: list[int]
    sentence_bounds: list[tuple[int, int]]
    spans: Sequence[Span]
    first_token: list[int]
    last_token: list[int]

    @classmethod
    def of(cls, text: str, spans: Sequence[Span]) -> _Document:
        grouped = sentences(text)
        tokens = [token for sentence in grouped for token in sentence]
        sentence_of: list[int] = []
        bounds: list[tuple[int, int]] = []
        for number, sentence in enumerate(grouped):
            bounds.append((len(sentence_of), len(sentence_of) + len(sentence)))
            sentence_of.extend([number] * len(sentence))
        starts = [token.start for token in tokens]
        first = [max(0, bisect_right(starts, span.start) - 1) for span in spans]
        last = [max(0, bisect_right(starts, span.end - 1) - 1) for span in spans]
        return cls(text, tokens, sentence_of, bounds, spans, first, last)

    def sentence(self, span: int) -> int:
        return self.sentence_of[self.first_token[span]] if self.tokens else 0

    def words(self, begin: int, end: int) -> list[str]:
        return [token.text.lower() for token in self.tokens[max(begin, 0) : max(end, 0)]]


def _bucket(distance: int) -> str:
    for limit in (2, 5, 10, 20, 40):
        if distance <= limit:
            return f"<={limit}"
    return ">40"


def candidates(
    document: _Document, types: Sequence[RelationType], *, before: int, after: int
) -> list[tuple[Relation, dict[str, float]]]:
    """Every (source, target) pair in the window with its features."""
    pairs: list[tuple[Relation, dict[str, float]]] = []
    spans = document.spans
    for kind in types:
        sources = [i for i, span in enumerate(spans) if span.label == kind.source]
        targets = [i for i, span in enumerate(spans) if span.label == kind.target]
        for source in sources:
            source_sentence = document.sentence(source)
            in_window = [t for t in targets if -before <= document.sentence(t) - source_sentence <= after]
            features_of = _pair_features(document, kind, source, in_window, sources)
            pairs.extend((Relation(source, target, kind.name), features) for target, features in features_of)
    return pairs


def _pair_features(
    document: _Document, kind: RelationType, source: int, targets: Sequence[int], sources: Sequence[int]
) -> list[tuple[int, dict[str, float]]]:
    spans = document.spans
    source_sentence = document.sentence(source)
    sentence_begin, sentence_end = document.sentence_bounds[source_sentence] if document.tokens else (0, 0)
    source_words = document.words(document.first_token[source], document.last_token[source] + 1)
    sentence_text = document.text[
        document.tokens[sentence_begin].start if document.tokens else 0 : document.tokens[sentence_end - 1].end
        if document.tokens
        else 0
    ]
    hooks = sorted({match.group(1).lower().replace(" ", "") for match in _HOOK.finditer(sentence_text)})
    anaphoric = bool(_ANAPHORIC_COUNT.match(document.text[spans[source].start : spans[source].end]))
    same_sentence = [t for t in targets if document.sentence(t) == source_sentence]

    def gap(target: int) -> int:
        if spans[target].start >= spans[source].end:
            return document.first_token[target] - document.last_token[source]
        return document.first_token[source] - document.last_token[target]

    by_distance = sorted(targets, key=lambda t: (abs(document.sentence(t) - source_sentence), gap(t)))
    in_sentence_rank = {t: rank for rank, t in enumerate(sorted(same_sentence, key=gap))}
    result: list[tuple[int, dict[str, float]]] = []
    for target in targets:
        distance = document.sentence(target) - source_sentence
        after = spans[target].start >= spans[source].end
        side_rank = sum(
            1
            for other in same_sentence
            if other != target and (spans[other].start >= spans[source].end) == after and gap(other) < gap(target)
        )
        base: dict[str, float] = {
            f"sd={distance}": 1,
            f"order={'after' if after else 'before'}": 1,
            f"rank={min(by_distance.index(target), 3)}": 1,
            f"gap={_bucket(gap(target))}": 1,
        }
        if distance == 0:
            base[f"sent_rank={min(in_sentence_rank[target], 3)}"] = 1
            base[f"side_rank={min(side_rank, 2)}"] = 1
            lo, hi = (
                (document.last_token[source] + 1, document.first_token[target])
                if after
                else (document.last_token[target] + 1, document.first_token[source])
            )
            between = document.words(lo, hi)
            for word in set(between):
                if word.isalpha() or word in {",", ";", ":", "(", ")", '"'}:
                    base[f"between={word}"] = 1
            clauses = [word for word in between if word in _CLAUSE_WORDS]
            for word in set(clauses):
                base[f"clause={word}"] = 1
            base[f"punct={min(sum(word in {',', ';', ':'} for word in between), 3)}"] = 1
            sources_between = sum(
                1
                for other in sources
                if other != source
                and min(spans[source].start, spans[target].start) < spans[other].start
                and spans[other].end <= max(spans[source].end, spans[target].end)
            )
            base[f"counts_between={min(sources_between, 2)}"] = 1
            if not same_sentence or in_sentence_rank[target] == 0:
                base["nearest_in_sentence"] = 1
        else:
            base[f"cross_anaphoric={anaphoric}"] = 1
            for hook in hooks:
                base[f"hook={hook}"] = 1
            base[f"hooks={min(len(hooks), 2)}"] = 1
            base[f"has_same_sentence_target={bool(same_sentence)}"] = 1
            base[f"sd={distance}|rank_in_its_sentence={_rank_in_sentence(document, target, targets)}"] = 1
        for name in _place_structure(document, target):
            base[name] = 1
        if distance == 0 and _YEAR.search(
            document.text[min(spans[source].end, spans[target].end) : max(spans[source].start, spans[target].start)]
        ):
            base["date_between"] = 1  # a dateline: a headline on one side, the story on the other
        if source_sentence == 0 or document.sentence(target) == 0:
            base[f"headline={source_sentence == 0}|{document.sentence(target) == 0}"] = 1
        for offset in (1, 2):
            before_target = document.words(
                document.first_token[target] - offset, document.first_token[target] - offset + 1
            )
            if before_target:
                base[f"target_prev{offset}={before_target[0]}"] = 1
        for word in document.words(document.first_token[target], document.last_token[target] + 1):
            if word.isalpha():
                base[f"target_word={word}"] = 1
        for offset in (1, 2, 3):
            after_source = document.words(
                document.last_token[source] + offset, document.last_token[source] + offset + 1
            )
            if after_source:
                base[f"source_next{offset}={after_source[0]}"] = 1
        if source_words and source_words[0] in {"the", "those", "these", "among"}:
            base["source_definite"] = 1
        if _TOLL.search(sentence_text):
            base["toll_sentence"] = 1
        features = {f"{kind.name}|{name}": value for name, value in base.items()}
        features.update(
            {name: value for name, value in base.items() if not name.startswith(("target_word", "between"))}
        )
        features[f"type={kind.name}"] = 1
        result.append((target, features))
    return result


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_INSIDE = frozenset({"in", "of", ",", "near", "outside", "around"})
# Joiners of a list, and of "A backed by B" (both are linked, as the guidelines say).
_LISTED = frozenset({"and", ",", "or", "backed", "supported", "by"})


def _neighbour(document: _Document, target: int, step: int) -> tuple[int, list[str]] | None:
    """The nearest span of the target's label on one side (step -1: before, 1: after) within
    three tokens, with the words between."""
    spans, label = document.spans, document.spans[target].label
    best: tuple[int, list[str]] | None = None
    for other, span in enumerate(spans):
        if other == target or span.label != label:
            continue
        if step < 0 and span.end <= spans[target].start:
            words = document.words(document.last_token[other] + 1, document.first_token[target])
        elif step > 0 and span.start >= spans[target].end:
            words = document.words(document.last_token[target] + 1, document.first_token[other])
        else:
            continue
        if len(words) <= 3 and (best is None or len(words) < len(best[1])):
            best = (other, words)
    return best


_FILLER = frozenset(
    {"the", "city", "town", "province", "provinces", "neighborhood", "neighbourhood", "village", "district"}
)


def _listed_with(document: _Document, target: int) -> list[int]:
    """The spans of the target's label joined to it by "and", "or" or commas only, both ways."""
    found: list[int] = []
    for step in (-1, 1):
        current = target
        while (neighbour := _neighbour(document, current, step)) is not None:
            # No word between counts too: the corpus lost its commas ("Rahbet Maarata Daret Ezza").
            words = [word for word in neighbour[1] if word not in _FILLER]
            if not all(word in _LISTED for word in words) or neighbour[0] in found:
                break
            found.append(neighbour[0])
            current = neighbour[0]
    return found


def _innermost(document: _Document, target: int) -> int:
    """The span of the target's label that the target contains by "X in <target>" (with
    only filler words besides "in"), followed inwards."""
    current, seen = target, {target}
    while (neighbour := _neighbour(document, current, -1)) is not None:
        words = [word for word in neighbour[1] if word not in _FILLER]
        if words != ["in"] or neighbour[0] in seen:
            break
        current = neighbour[0]
        seen.add(current)
    return current


def _place_structure(document: _Document, target: int) -> list[str]:
    """How the target sits among spans of its own label next to it: the larger place of
    "al-Jamilia neighbourhood in Aleppo", the smaller one, or one of a list ("Raqqa and
    Deir Ezzor")."""
    names: list[str] = []
    for step, side in ((-1, "before"), (1, "after")):
        found = _neighbour(document, target, step)
        if found is None:
            continue
        words = [word for word in found[1] if word not in _FILLER]
        if words and all(word in _LISTED for word in words):
            names.append(f"listed_{side}")
        elif any(word in _INSIDE for word in words):
            names.append("contains_the_place_before" if step < 0 else "inside_the_place_after")
        elif not words:
            names.append(f"adjacent_{side}")
    return names


def _rank_in_sentence(document: _Document, target: int, targets: Sequence[int]) -> int:
    """Whether `target` is the last candidate of its own sentence (the nearest one for a
    back-reference from a later sentence)."""
    sentence = document.sentence(target)
    later = [
        t
        for t in targets
        if document.sentence(t) == sentence and document.spans[t].start > document.spans[target].start
    ]
    return min(len(later), 2)


class RelationClassifier:
    """Scores (source, candidate) span pairs; `predict` keeps the pairs scored at least
    `threshold`."""

    def __init__(
        self,
        types: Sequence[RelationType] = DEFAULT_RELATION_TYPES,
        *,
        sentences_before: int = 2,
        sentences_after: int = 1,
        regularisation: float = 0.3,
        threshold: float = 0.5,
        also_threshold: float = 0.9,
        follow_lists: bool = True,
    ) -> None:
        self.types = tuple(types)
        self.sentences_before = sentences_before
        self.sentences_after = sentences_after
        self.regularisation = regularisation
        self.threshold = threshold
        self.also_threshold = also_threshold
        self.follow_lists = follow_lists
        self.vectoriser: DictVectorizer | None = None
        self.model: LogisticRegression | None = None
        self.constant: float | None = None  # the one class seen in training, if only one

    def _pairs(self, text: str, spans: Sequence[Span]) -> list[tuple[Relation, dict[str, float]]]:
        return candidates(
            _Document.of(text, spans), self.types, before=self.sentences_before, after=self.sentences_after
        )

    def fit(self, documents: Iterable[tuple[str, Sequence[Span], Iterable[Relation]]]) -> RelationClassifier:
        rows: list[dict[str, float]] = []
        labels: list[int] = []
        for text, spans, relations in documents:
            linked = set(relations)
            for relation, features in self._pairs(text, spans):
                rows.append(features)
                labels.append(int(relation in linked))
        self.vectoriser = DictVectorizer()
        matrix = self.vectoriser.fit_transform(rows) if rows else None
        if matrix is None or len(set(labels)) < 2:
            self.model, self.constant = None, float(labels[0]) if labels else 0.0
            return self
        self.model = LogisticRegression(C=self.regularisation, max_iter=2000, solver="lbfgs")
        self.model.fit(matrix, np.asarray(labels))
        self.constant = None
        return self

    def score(self, text: str, spans: Sequence[Span]) -> list[ScoredRelation]:
        """Every candidate pair with the probability that it is linked."""
        if self.vectoriser is None:
            raise RuntimeError("fit the classifier first")
        pairs = self._pairs(text, spans)
        if not pairs:
            return []
        if self.model is None:
            return [ScoredRelation(relation, float(self.constant or 0.0)) for relation, _ in pairs]
        matrix = self.vectoriser.transform([features for _, features in pairs])
        probabilities = self.model.predict_proba(matrix)[:, 1]
        return [ScoredRelation(relation, float(p)) for (relation, _), p in zip(pairs, probabilities, strict=True)]

    def predict(self, text: str, spans: Sequence[Span]) -> list[ScoredRelation]:
        """Per source and type, the best candidate if it scores at least `threshold`, and
        the others that score at least `also_threshold` (a list of places, "A backed by B"):
        most counts have one actor and one place, so a second link must be surer."""
        best: dict[tuple[int, str], ScoredRelation] = {}
        scored = self.score(text, spans)
        for item in scored:
            key = (item.relation.source, item.relation.type)
            if key not in best or item.score > best[key].score:
                best[key] = item
        document = _Document.of(text, spans)
        kept = {
            item.relation: item
            for item in scored
            if (item is best[(item.relation.source, item.relation.type)] and item.score >= self.threshold)
            or item.score >= self.also_threshold
        }
        # The most specific place (rule 4): a link to "Aleppo" in "al-Jamilia neighbourhood
        # in Aleppo" moves to "al-Jamilia", if that is a candidate of the same source.
        by_relation = {item.relation: item for item in scored}
        for relation, item in list(kept.items()):
            inner = _innermost(document, relation.target)
            moved = Relation(relation.source, inner, relation.type)
            if inner != relation.target and moved in by_relation:
                del kept[relation]
                kept.setdefault(moved, ScoredRelation(moved, item.score))
        # Every place of a list gets its own link (the guidelines' rule 4): a linked target
        # carries the link to the spans listed with it ("in Raqqa and Deir Ezzor").
        if self.follow_lists:
            for relation, item in list(kept.items()):
                for sibling in _listed_with(document, relation.target):
                    extended = Relation(relation.source, sibling, relation.type)
                    if extended not in kept and extended in by_relation:
                        kept[extended] = ScoredRelation(extended, min(item.score, by_relation[extended].score))
        return sorted(kept.values(), key=lambda item: item.relation)


def nearest_in_sentence(
    text: str, spans: Sequence[Span], types: Sequence[RelationType] = DEFAULT_RELATION_TYPES
) -> list[Relation]:
    """The baseline rule: each source linked to the nearest target of each type in its own
    sentence (by tokens between them, either side)."""
    document = _Document.of(text, spans)
    relations: list[Relation] = []
    for kind in types:
        targets = [i for i, span in enumerate(spans) if span.label == kind.target]
        for source, span in enumerate(spans):
            if span.label != kind.source:
                continue
            same = [t for t in targets if document.sentence(t) == document.sentence(source)]
            if not same:
                continue

            def gap(target: int, source: int = source) -> int:
                if spans[target].start >= spans[source].end:
                    return document.first_token[target] - document.last_token[source]
                return document.first_token[source] - document.last_token[target]

            relations.append(Relation(source, min(same, key=gap), kind.name))
    return sorted(relations)


def relation_keys(
    spans: Sequence[Span], relations: Iterable[Relation]
) -> set[tuple[tuple[int, int, str], tuple[int, int, str], str]]:
    """Relations by their end spans' offsets and labels: what an exact match compares."""
    return {(spans[r.source].key, spans[r.target].key, r.type) for r in relations}


def types_from_mapping(items: Iterable[Mapping[str, str]]) -> tuple[RelationType, ...]:
    return tuple(RelationType(item["name"], item["source"], item["target"]) for item in items)
