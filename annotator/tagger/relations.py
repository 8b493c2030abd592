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
Decoding keeps the best candidate per source and type, moves a link to the most specific
place ("X in Y", "X the largest town in Y", "Y districts of X", "Town Region" without its
comma) and follows lists.

A source whose own sentence names no target of a type ("Another nine people were wounded
in the attack.") is decided by a second, smaller logistic regression: whether it takes the
links of that type of the previous linked source (in document order, so a chain of counts
passes them on), from the guidelines' signs of a back-reference (hooks, an anaphoric count,
"including"/"among" a linked count, the sentence distance, war-wide tolls). Most such counts
get no link, so this model decides rather than the window's pair scores.

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

FEATURE_VERSION = 2  # 2: the inheritance model, the wider "most specific place" decoding


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
            later = max(current, neighbour[0], key=lambda i: document.spans[i].start)
            if not neighbour[1] and _is_region(document, later):
                break  # "Hasakah northern Syria": a place and the region it lies in, not a list
            found.append(neighbour[0])
            current = neighbour[0]
    return found


_PLURAL_FILLER = frozenset({"districts", "neighbourhoods", "neighborhoods", "towns", "villages", "areas", "suburbs"})


def _inner_step(document: _Document, current: int) -> int | None:
    """The span of `current`'s label that `current` contains by the text between them:
    "X in Y" (with only filler words besides "in"), "X, Y" written without its comma
    ("Hasakah northern Syria"), or "Y districts of X"."""
    neighbour = _neighbour(document, current, -1)
    if neighbour is not None:
        words = [word for word in neighbour[1] if word not in _FILLER]
        if words == ["in"] or (not neighbour[1] and _is_region(document, current)):
            return neighbour[0]
    # "Douma the largest town in the Eastern Ghouta region", "Aqareb es Safi village in the
    # Syrian Hama province": a few plain words, then "in" and a few more.
    spans, label = document.spans, document.spans[current].label
    for other in range(len(spans)):
        if other == current or spans[other].label != label or spans[other].end > spans[current].start:
            continue
        between = document.words(document.last_token[other] + 1, document.first_token[current])
        if not 2 <= len(between) <= 6 or "in" not in between:
            continue
        last_in = len(between) - 1 - between[::-1].index("in")
        before_in, after_in = between[:last_in], between[last_in + 1 :]
        if all(w.isalpha() and w not in _LISTED and w not in _CLAUSE_WORDS for w in before_in + after_in) and (
            not before_in or before_in[0] == "the" or all(w in _FILLER for w in before_in)
        ):
            return other
    # "the rebel-held Aleppo districts of al-Kalaseh": the place after is inside.
    after = _neighbour(document, current, 1)
    if after is not None:
        words = [word for word in after[1] if word not in _FILLER and word not in _PLURAL_FILLER]
        if words == ["of"] and len(after[1]) == 2:
            return after[0]
    return None


_REGION_WORDS = frozenset(
    {"province", "governorate", "countryside", "region", "syria", "iraq", "northern", "southern", "eastern", "western"}
    | {"northwestern", "northeastern", "southwestern", "southeastern", "north", "south", "east", "west", "central"}
)


def _is_region(document: _Document, span: int) -> bool:
    """Whether a place names a region ("Idlib province", "northern Syria"), which a place
    written just before it without a comma lies in ("Hasakah northern Syria")."""
    return bool(set(document.words(document.first_token[span], document.last_token[span] + 1)) & _REGION_WORDS)


def _inward_path(document: _Document, target: int) -> list[int]:
    """The target and the spans of its label inside it, outermost first, to the most specific."""
    path = [target]
    while (inner := _inner_step(document, path[-1])) is not None and inner not in path:
        path.append(inner)
    return path


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
        regularisation: float = 0.1,
        threshold: float = 0.5,
        also_threshold: float = 0.9,
        follow_lists: bool = True,
        inherit: bool = True,
        inherit_threshold: float = 0.5,
        inherit_regularisation: float = 0.1,
    ) -> None:
        self.types = tuple(types)
        self.sentences_before = sentences_before
        self.sentences_after = sentences_after
        self.regularisation = regularisation
        self.threshold = threshold
        self.also_threshold = also_threshold
        self.follow_lists = follow_lists
        self.inherit = inherit
        self.inherit_threshold = inherit_threshold
        self.inherit_regularisation = inherit_regularisation
        self.inherit_vectoriser: DictVectorizer | None = None
        self.inherit_model: LogisticRegression | None = None
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
        documents = list(documents)
        for text, spans, relations in documents:
            linked = set(relations)
            for relation, features in self._pairs(text, spans):
                rows.append(features)
                labels.append(int(relation in linked))
        self._fit_inheritance(documents)
        self.vectoriser = DictVectorizer()
        matrix = self.vectoriser.fit_transform(rows) if rows else None
        if matrix is None or len(set(labels)) < 2:
            self.model, self.constant = None, float(labels[0]) if labels else 0.0
            return self
        self.model = LogisticRegression(C=self.regularisation, max_iter=2000, solver="lbfgs")
        self.model.fit(matrix, np.asarray(labels))
        self.constant = None
        return self

    def _fit_inheritance(self, documents: Sequence[tuple[str, Sequence[Span], Iterable[Relation]]]) -> None:
        rows: list[dict[str, float]] = []
        labels: list[int] = []
        for text, spans, relations in documents:
            document = _Document.of(text, spans)
            linked = set(relations)
            for kind in self.types:
                gold_kept = {r: ScoredRelation(r, 1.0) for r in linked}
                for source in _orphans(document, kind):
                    gold = {r.target for r in linked if r.source == source and r.type == kind.name}
                    previous = _previous_linked(document, kind, source, gold_kept)
                    if previous is None:
                        continue
                    before = {r.target for r in linked if r.source == previous and r.type == kind.name}
                    rows.append(_inheritance_features(document, kind, source, previous, before))
                    labels.append(int(bool(gold) and gold <= before))
        self.inherit_vectoriser = DictVectorizer()
        if len(set(labels)) < 2:
            self.inherit_model = None
            return
        matrix = self.inherit_vectoriser.fit_transform(rows)
        self.inherit_model = LogisticRegression(C=self.inherit_regularisation, max_iter=2000)
        self.inherit_model.fit(matrix, np.asarray(labels))

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
        containers: set[tuple[int, int]] = set()  # (source, place) left for a place inside it
        for relation, item in list(kept.items()):
            path = _inward_path(document, relation.target)
            moved = Relation(relation.source, path[-1], relation.type)
            if len(path) > 1 and moved in by_relation:
                del kept[relation]
                kept.setdefault(moved, ScoredRelation(moved, item.score))
                containers.update((relation.source, place) for place in path[:-1])
        # Every place of a list gets its own link (the guidelines' rule 4): a linked target
        # carries the link to the spans listed with it ("in Raqqa and Deir Ezzor").
        if self.follow_lists:
            for relation, item in list(kept.items()):
                for sibling in _listed_with(document, relation.target):
                    extended = Relation(relation.source, sibling, relation.type)
                    if (relation.source, sibling) in containers:
                        continue  # the region the link moved in from
                    if extended not in kept and extended in by_relation:
                        kept[extended] = ScoredRelation(extended, min(item.score, by_relation[extended].score))
        if self.inherit and self.inherit_model is not None:
            self._inherit(document, kept)
        return sorted(kept.values(), key=lambda item: item.relation)

    def _inherit(self, document: _Document, kept: dict[Relation, ScoredRelation]) -> None:
        """A count whose sentence names no candidate takes the links of the previous linked
        count (in document order, so inherited links pass on) when the inheritance model says so."""
        assert self.inherit_model is not None and self.inherit_vectoriser is not None
        for kind in self.types:
            for source in _orphans(document, kind):
                for relation in [r for r in kept if r.source == source and r.type == kind.name]:
                    del kept[relation]
                previous = _previous_linked(document, kind, source, kept)
                if previous is None:
                    continue
                before = {r.target for r in kept if r.source == previous and r.type == kind.name}
                features = _inheritance_features(document, kind, source, previous, before)
                p = float(self.inherit_model.predict_proba(self.inherit_vectoriser.transform([features]))[0, 1])
                if p >= self.inherit_threshold:
                    for target in before:
                        relation = Relation(source, target, kind.name)
                        kept[relation] = ScoredRelation(relation, p)


def _sources_in_order(document: _Document, kind: RelationType) -> list[int]:
    return sorted(
        (i for i, span in enumerate(document.spans) if span.label == kind.source),
        key=lambda i: (document.spans[i].start, document.spans[i].end),
    )


def _orphans(document: _Document, kind: RelationType) -> list[int]:
    """The sources whose sentence names no target of `kind`, in document order."""
    target_sentences = {document.sentence(i) for i, span in enumerate(document.spans) if span.label == kind.target}
    return [source for source in _sources_in_order(document, kind) if document.sentence(source) not in target_sentences]


def _previous_linked(
    document: _Document, kind: RelationType, source: int, kept: Mapping[Relation, ScoredRelation]
) -> int | None:
    linked = {r.source for r in kept if r.type == kind.name}
    previous = None
    for other in _sources_in_order(document, kind):
        if other == source:
            return previous
        if other in linked:
            previous = other
    return previous


_WAR_WIDE = frozenset({"war", "conflict", "began", "erupted", "caliphate", "country", "nationwide"})
# What may stand between a count and a part of it ("24 people including five children", "seven
# civilians were killed among them a child and two women").
_SUBSET = frozenset(
    {"including", "among", "them", "of", "whom", "and", "in", "addition", "to", "as", "well", "plus"}
    | {"a", "child", "man", "woman", "were", "killed"}
)
_HOOK_KIND = {
    "city": "place",
    "town": "place",
    "village": "place",
    "area": "place",
    "province": "place",
    "region": "place",
    "district": "place",
    "neighbourhood": "place",
    "neighborhood": "place",
    "capital": "place",
    "centre": "place",
    "center": "place",
    "country": "country",
    "group": "actor",
    "militants": "actor",
    "jihadists": "actor",
    "rebels": "actor",
    "forces": "actor",
    "army": "actor",
    "regime": "actor",
    "government": "actor",
    "coalition": "actor",
}


def _inheritance_features(
    document: _Document, kind: RelationType, source: int, previous: int, targets: set[int]
) -> dict[str, float]:
    spans = document.spans
    sentence = document.sentence(source)
    distance = sentence - document.sentence(previous)
    begin, end = document.sentence_bounds[sentence]
    words = document.words(begin, end)
    sentence_text = document.text[document.tokens[begin].start : document.tokens[end - 1].end]
    count_words = document.words(document.first_token[source], document.last_token[source] + 1)
    base: dict[str, float] = {
        f"psd={min(distance, 4)}": 1,
        f"headline_target={any(document.sentence(t) == 0 for t in targets) and sentence > 0}": 1,
    }
    hooks = {match.group(1).lower().replace(" ", "") for match in _HOOK.finditer(sentence_text)}
    for hook in hooks:
        base[f"hook_kind={_HOOK_KIND.get(hook, 'event')}"] = 1
        base[f"hook={hook}"] = 1
    base[f"hooks={min(len(hooks), 2)}"] = 1
    if "same" in words:
        base["same"] = 1
    if count_words:
        base[f"count_first={count_words[0]}"] = 1
        base[f"count_last={count_words[-1]}"] = 1
        before_count = document.words(document.first_token[source] - 1, document.first_token[source])
        if {count_words[0], *before_count} & {"the", "those", "these", "among", "another"}:
            base["anaphoric_count"] = 1
    if distance == 0:
        between = document.words(document.last_token[previous] + 1, document.first_token[source])
        base["subset"] = float(all(word in _SUBSET or not word.isalpha() for word in between))
        if "including" in between or "among" in between:
            base["including"] = 1
    for word in set(words) & _WAR_WIDE:
        base[f"war={word}"] = 1
    for word in set(words):
        if word.isalpha():
            base[f"sw={word}"] = 1
    digits = "".join(ch for ch in document.text[spans[source].start : spans[source].end] if ch.isdigit())
    if digits and int(digits) >= 10000:
        base["huge"] = 1
    between_counts = [
        other
        for other in _sources_in_order(document, kind)
        if spans[previous].start < spans[other].start < spans[source].start
    ]
    base[f"counts_between={min(len(between_counts), 2)}"] = 1
    others = [
        i
        for i, span in enumerate(spans)
        if span.label == kind.target and spans[previous].end <= span.start < spans[source].start and i not in targets
    ]
    base[f"new_targets_between={min(len(others), 2)}"] = 1
    # The guidelines' condition in one feature: some reference back, and how far back.
    backref = bool(hooks) or "anaphoric_count" in base or bool(base.get("subset")) or "same" in base
    base[f"backref={backref}|near={distance <= 2}"] = 1
    base[f"backref={backref}"] = 1
    features = dict(base)
    features.update({f"{kind.name}|{name}": value for name, value in base.items() if not name.startswith("sw=")})
    return features


def nearest_in_sentence(
    text: str, spans: Sequence[Span], types: Sequence[RelationType] = DEFAULT_RELATION_TYPES
) -> list[Relation]:
    """The baseline rule: each source linked to the nearest target of each type in its own
    sentence (by tokens between them, either side; nearness by characters links the same
    pairs on the relation gold)."""
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
