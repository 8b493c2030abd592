"""The tagger: a linear token classifier with probabilities, decoded into whole spans.

`SpanTagger` follows scikit-learn's estimator contract: `__init__` stores its parameters as
given, `fit(texts, spans)` sets attributes ending in `_`, and a fitted tagger pickles cleanly
(no lambdas, no open handles). Inputs are raw texts and lists of `Span` (or span dicts);
tokens come from `annotator.tokenize`, the tokenizer every part shares, and a span that does
not line up with tokens raises `AlignmentError` — it is never silently dropped.

Model: hashed features (no vocabulary to build) into an `SGDClassifier` with log loss (a
logistic regression fitted by SGD, one-vs-rest): it trains in seconds where multinomial
lbfgs took tens of seconds. Two layers (stacking): the second also sees the first one's
guessed tags for the token and its neighbours, which gives it the context a CRF gets from
its transitions. Its probabilities feed a Viterbi decoder over BIO tags with
impossible transitions forbidden, plus learned transition scores. Deterministic for a fixed
`random_state`. A fit numbers the hashed columns its texts use densely (`linear.Vocabulary`)
and fits every layer over those only; the fitted layers keep a weight row for each of them
(`columns_` says which) and a zero row that every other column is looked up to.

Span reranking (`rerank`, on by default): candidate spans read off the final token
probabilities are rescored by a logistic regression on span-level features (see
`annotator.tagger.reranking`), which sees a span whole, as a token model cannot; the best
non-overlapping set of candidates above `rerank_threshold` is suggested. It learns from the
candidates of `rerank_folds` token models that never saw the document and from the final
model's own candidates on the same documents (at most `rerank_max_documents` of them).
The fold models self-train as the final one does unless `rerank_self_training` is off.

Self-training (optional: `fit(..., unlabelled=texts)`): the model tags a bounded, seeded
sample of the unlabelled texts and is trained again on its labelled documents plus these
guesses, weighted down; see the `self_training_*` parameters.

Prediction sums a word's own and neighbour weights once per word and keeps the sums (a
`cache.WordScores`, not pickled), so a document costs a lookup per token plus its context
features; `_tag_probabilities` on the feature matrix is the plain path it equals.

Label weights: `label_weights` gives each label's B and I tags a class weight (a label not
in it: 1). The tagger has no favourite label: the project passes its own
(`Project.tagger_label_weights`).

The parts live in their own modules: `linear` (sparse matrices, SGD layers, probabilities),
`stacking` (the second layer), `self_training`, `reranker` (training and applying the span
reranker; its features are `reranking`'s), `cache` (per-word sums), `decoding` (Viterbi,
transition scores, runs of a path). This class holds the parameters and the fitted state
and wires them together.

Scores: with the reranker, a span's score is the reranker's probability that it is exactly
a gold span. Without it (off, or too few documents), the mean over its tokens of the
probability the classifier gave the decoded tag; spans scoring under MIN_SPAN_SCORE (forced
by the transitions alone) are dropped. A document's uncertainty is the mean entropy (bits)
of its `top_k` most uncertain tokens: documents with a few hard decisions rank first,
however long they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from annotator.spans import Span
from annotator.tagger import linear, reranker, self_training, stacking, text_cache
from annotator.tagger.cache import WordScores
from annotator.tagger.decoding import decode, runs, transition_scores
from annotator.tagger.features import build_gazetteer, document_feature_ids, sentence_bounds
from annotator.tagger.linear import LinearLayer, SGDSettings
from annotator.tagger.reranker import Bounds, SpanReranker
from annotator.tagger.stacking import StackColumns
from annotator.tokenize import Token, spans_to_bio, tokenize

# Taggers saved before the split name LinearLayer and SpanReranker by this module (a pickle
# records where a class was found): they stay importable here, so those files still load.
__all__ = ["LinearLayer", "Prediction", "ScoredSpan", "SpanReranker", "SpanTagger", "as_spans"]

_EPS = 1e-9
MIN_SPAN_SCORE = 0.01  # spans scored below this are not suggested


@dataclass(frozen=True)
class ScoredSpan:
    start: int
    end: int
    label: str
    score: float

    def as_span(self) -> Span:
        return Span(self.start, self.end, self.label)

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label, "score": round(self.score, 4)}


@dataclass(frozen=True)
class Prediction:
    spans: list[ScoredSpan]
    uncertainty: float


def as_spans(spans: Iterable[Span | Mapping[str, Any]]) -> list[Span]:
    result = []
    for span in spans:
        if isinstance(span, Span):
            result.append(span)
        else:
            result.append(Span(int(span["start"]), int(span["end"]), str(span["label"])))
    return result


class _Featurised:
    """Tokens and feature matrices of texts, made once per `fit` and shared with the
    reranker's fold models (the same articles, the pool's above all, would be featurised
    again by each). A matrix depends on the gazetteer too: kept while it is the same. The
    matrices' columns are a `linear.Vocabulary`'s dense numbers, shared by all those models."""

    def __init__(self) -> None:
        self._tokens: dict[str, list[Token]] = {}
        self._matrices: dict[str, sp.csr_matrix] = {}
        self._gazetteer: dict[str, str] | None = None
        self._gazetteer_key: Any = None
        self.vocabulary: linear.Vocabulary | None = None

    def tokens(self, text: str) -> list[Token]:
        if text not in self._tokens:
            self._tokens[text] = text_cache.SHARED.tokens(text)
        return self._tokens[text]

    def columns(self, n_features: int, columns: StackColumns) -> StackColumns:
        """The stacking columns as dense numbers (numbered before any text's features, so
        every matrix is wide enough to take them)."""
        if self.vocabulary is None or self.vocabulary.n_features != n_features:
            self.vocabulary = linear.Vocabulary(n_features)
            self._matrices, self._gazetteer = {}, None
        return StackColumns(self.vocabulary.index(columns.table), self.vocabulary.index(columns.confidence))

    @property
    def size(self) -> int:
        """How many columns the texts featurised so far use."""
        return self.vocabulary.size if self.vocabulary is not None else 0

    def matrix(self, tagger: SpanTagger, text: str) -> sp.csr_matrix:
        """The text's (tokens x columns) matrix; `columns` comes first."""
        assert self.vocabulary is not None and self.vocabulary.n_features == tagger.n_features
        if tagger.gazetteer_ != self._gazetteer:
            self._matrices, self._gazetteer = {}, dict(tagger.gazetteer_)
            self._gazetteer_key = text_cache.gazetteer_key(tagger.gazetteer_)
        if text not in self._matrices:
            # The hashed columns from the process's cache (the pool is much the same from one
            # training to the next); only their dense numbers are this training's.
            found = text_cache.SHARED.features(
                text,
                window=tagger.window,
                gazetteer=tagger.gazetteer_,
                gazetteer_key=self._gazetteer_key,
                n_features=tagger.n_features,
            )
            columns = self.vocabulary.index(found.columns.astype(np.int64))
            self._matrices[text] = sp.csr_matrix(
                (np.ones(len(columns)), columns.astype(np.int32), text_cache.counts_to_indptr(found.counts)),
                shape=(len(found.tokens), self.vocabulary.size),
            )
        return self._matrices[text]


class SpanTagger(BaseEstimator):  # type: ignore[misc]  # scikit-learn ships no type information
    """A BIO tagger over character spans.

    Parameters
    ----------
    labels: the label set (None: the labels seen in training).
    window: how many neighbours on each side contribute context features.
    alpha: L2 regularisation strength of the SGD logistic regression.
    max_iter: SGD epochs at most (fewer on large data, see `_fit_linear`).
    n_features: size of the hashed feature space.
    gazetteer_min_count: a lower-cased word becomes a gazetteer entry for a label when it sits
        inside spans of that label at least this many times in training and mostly there
        (1000: effectively off — on this data it did not help, see docs/benchmarks.md).
    o_weight: class weight of the O tag relative to span tags (below 1 favours recall).
    label_weights: class weight of each label's B and I tags (a label not in it: 1; None:
        all 1). The training service passes the project's `tagger_label_weights`.
    top_k: how many of a document's most uncertain tokens its uncertainty averages.
    transition_weight: weight of the learned tag-transition scores in decoding (0: only the
        impossible transitions are ruled out).
    stacking: train the second layer on the first one's guesses.
    self_training_pool: self-training (when `fit` is given `unlabelled` texts): at most this
        many of them (a seeded sample) are tagged by the model trained on the labelled
        documents, and both layers are trained again on the labelled documents plus these
        guesses. 0: off.
    self_training_rounds: how many times the pool is tagged again and the model retrained.
    self_training_weight: weight of a guessed tag in that training, times the probability
        the model gave it (a labelled tag weighs 1).
    self_training_max_labelled: no self-training from this many labelled documents on: the
        model's own guesses matter less, and the time would grow with both.
    self_training_epochs: SGD epochs at most when training with the pool.
    self_training_first_epochs: SGD epochs at most of the layers trained on the labelled
        documents alone when a pool follows (they only make its guesses).
    self_training_reuse_folds: when training with the pool, keep the labelled documents'
        out-of-fold stacking columns and take the pool's from the first layer that made its
        guesses, instead of fitting two fold layers over labelled documents and pool again
        (cheaper; off by default: it cost about 0.01 F1 at 30 documents, docs/benchmarks.md).
    rerank: rescore candidate spans with a span-level logistic regression (see
        `annotator.tagger.reranking`), trained on out-of-fold candidates.
    rerank_min_documents: no reranker under this many labelled documents (its out-of-fold
        token models need a few to learn from).
    rerank_folds: how many token models make the reranker's out-of-fold candidates.
    rerank_self_training: those token models self-train too (on the same pool). Off, they
        learn from their labelled documents only: a small training costs about half as
        much, for about 0.01 F1 at 10 to 30 documents (docs/benchmarks.md, #18).
    rerank_self_training_epochs: SGD epochs at most of those token models when training
        with the pool (None: `self_training_epochs`; 2 is the fewest `linear.epochs` gives).
    rerank_first_epochs: the same for their layers trained on the labelled documents alone
        before the pool (None: `self_training_first_epochs`).
    rerank_self_training_pool: how many unlabelled texts those token models self-train on
        at most (None: `self_training_pool`). They only make candidates: these fewer passes
        and the smaller pool cost no F1 (docs/benchmarks.md, #18, third round).
    rerank_max_documents: the out-of-fold candidates come from at most this many of the
        labelled documents (a seeded sample), so training time stays bounded.
    rerank_c: inverse L2 strength of the reranker's logistic regression.
    rerank_threshold: a candidate is suggested when the reranker gives it more than this.
    random_state: seed of the SGD shuffling, the stacking folds and the pool's sample.
    """

    def __init__(
        self,
        labels: Sequence[str] | None = None,
        window: int = 2,
        alpha: float = 1e-5,
        max_iter: int = 15,
        n_features: int = 2**20,
        gazetteer_min_count: int = 1000,
        o_weight: float = 0.08,
        label_weights: Mapping[str, float] | None = None,
        top_k: int = 10,
        transition_weight: float = 1.0,
        stacking: bool = True,
        self_training_pool: int = 150,
        self_training_rounds: int = 1,
        self_training_weight: float = 0.3,
        self_training_max_labelled: int = 200,
        self_training_epochs: int = 2,
        self_training_first_epochs: int = 8,
        self_training_reuse_folds: bool = False,
        rerank: bool = True,
        rerank_min_documents: int = 4,
        rerank_folds: int = 2,
        rerank_self_training: bool = True,
        rerank_self_training_epochs: int | None = 2,
        rerank_first_epochs: int | None = 4,
        rerank_self_training_pool: int | None = 60,
        rerank_max_documents: int = 200,
        rerank_c: float = 0.3,
        rerank_threshold: float = 0.35,
        random_state: int = 0,
    ) -> None:
        self.labels = labels
        self.window = window
        self.alpha = alpha
        self.max_iter = max_iter
        self.n_features = n_features
        self.gazetteer_min_count = gazetteer_min_count
        self.o_weight = o_weight
        self.label_weights = label_weights
        self.top_k = top_k
        self.transition_weight = transition_weight
        self.stacking = stacking
        self.self_training_pool = self_training_pool
        self.self_training_rounds = self_training_rounds
        self.self_training_weight = self_training_weight
        self.self_training_max_labelled = self_training_max_labelled
        self.self_training_epochs = self_training_epochs
        self.self_training_first_epochs = self_training_first_epochs
        self.self_training_reuse_folds = self_training_reuse_folds
        self.rerank = rerank
        self.rerank_min_documents = rerank_min_documents
        self.rerank_folds = rerank_folds
        self.rerank_self_training = rerank_self_training
        self.rerank_self_training_epochs = rerank_self_training_epochs
        self.rerank_first_epochs = rerank_first_epochs
        self.rerank_self_training_pool = rerank_self_training_pool
        self.rerank_max_documents = rerank_max_documents
        self.rerank_c = rerank_c
        self.rerank_threshold = rerank_threshold
        self.random_state = random_state

    # Fitted state (what is pickled): labels_, tags_, stack_table_, confidence_ids_,
    # gazetteer_, transitions_, first_, second_, reranker_, n_unlabelled_documents_,
    # n_training_documents_, columns_ (the hashed column of each weight row). The word cache
    # and the lookup table are not.
    labels_: list[str]
    tags_: list[str]
    stack_table_: np.ndarray
    confidence_ids_: np.ndarray
    gazetteer_: dict[str, str]
    transitions_: np.ndarray
    first_: LinearLayer
    second_: LinearLayer | None
    reranker_: SpanReranker | None
    n_unlabelled_documents_: int
    n_training_documents_: int
    columns_: np.ndarray
    _word_cache: WordScores | None
    _lookup: np.ndarray | None

    # --- fit ---------------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        spans: Sequence[Iterable[Span | Mapping[str, Any]]],
        *,
        unlabelled: Sequence[str] | None = None,
    ) -> SpanTagger:
        """Learn from `texts` and their spans (lists of `Span` or span dicts); `unlabelled`
        texts (optional) are used for self-training, see `self_training_pool`."""
        return self._fit(texts, spans, unlabelled, _Featurised())

    def _fit(
        self,
        texts: Sequence[str],
        spans: Sequence[Iterable[Span | Mapping[str, Any]]],
        unlabelled: Sequence[str] | None,
        featurised: _Featurised,
    ) -> SpanTagger:
        """`fit`, with tokens and feature matrices shared with the reranker's fold models."""
        if len(texts) != len(spans):
            raise ValueError("texts and spans must have the same length")
        self._word_cache = None  # sums of the old weights would mislead a refitted tagger
        self._lookup = None
        token_lists = [featurised.tokens(text) for text in texts]
        tag_lists = [
            spans_to_bio(text, tokens, as_spans(doc_spans))
            for text, tokens, doc_spans in zip(texts, token_lists, spans, strict=True)
        ]
        seen = sorted({tag[2:] for tags in tag_lists for tag in tags if tag != "O"})
        labels = list(self.labels) if self.labels is not None else seen
        unknown = set(seen) - set(labels)
        if unknown:
            raise ValueError(f"spans use labels outside the label set: {', '.join(sorted(unknown))}")
        self.labels_ = labels
        self.tags_ = ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I")]
        hashed_columns = StackColumns.for_tags(self.tags_, self.n_features)
        self.stack_table_, self.confidence_ids_ = hashed_columns.table, hashed_columns.confidence
        columns = featurised.columns(self.n_features, hashed_columns)
        self.gazetteer_ = build_gazetteer(token_lists, tag_lists, self.gazetteer_min_count)
        index = {tag: i for i, tag in enumerate(self.tags_)}
        matrices = [featurised.matrix(self, text) for text in texts]
        targets = [np.array([index[tag] for tag in tags], dtype=np.int64) for tags in tag_lists]
        if not sum(m.shape[0] for m in matrices):
            raise ValueError("nothing to learn from: the training texts have no tokens")
        self.transitions_ = transition_scores(tag_lists, self.tags_, self.transition_weight)
        weights = [np.ones(len(t)) for t in targets]
        pool = self_training.sample_pool(
            texts, unlabelled, size=self.unlabelled_wanted(len(texts)), random_state=self.random_state
        )
        # Featurised before any layer is fitted, so that every layer is as wide as every matrix.
        pool_matrices = [featurised.matrix(self, text) for text in pool]
        width = featurised.size
        # Without a pool, these are the model; with one, they only make the pool's guesses
        # and the labelled documents' stacking columns: fewer passes do.
        stack_ids = self._fit_layers(
            matrices, targets, weights, columns, width, epoch_cap=self.self_training_first_epochs if pool else 1_000
        )
        if pool:
            if not self.self_training_reuse_folds:
                stack_ids = None
            elif stack_ids is None:  # under four labelled documents: no stacking yet
                stack_ids = self._labelled_stack_ids(matrices, targets, weights, columns, width)
            for _ in range(self.self_training_rounds):
                guesses = [self._pseudo_labels(X, columns) for X in pool_matrices]
                pool_ids = None
                if stack_ids is not None:
                    # The labelled documents keep their out-of-fold stacking columns and the
                    # pool's come from the first layer that made its guesses (it never saw
                    # them): no two more fold layers over the pool.
                    pool_ids = [
                        columns.ids(linear.probabilities(self.first_, X, len(self.tags_))) for X in pool_matrices
                    ]
                self._fit_layers(
                    matrices + pool_matrices,
                    targets + [g for g, _ in guesses],
                    weights + [w for _, w in guesses],
                    columns,
                    width,
                    epoch_cap=self.self_training_epochs,
                    stack_ids=None if pool_ids is None or stack_ids is None else [*stack_ids.ids, *pool_ids],
                )
        # The layers keep their dense columns (a few hundred thousand rows, not 2^20): the
        # hashed column of each, and a last zero row for the features training never saw.
        assert featurised.vocabulary is not None  # made by `featurised.columns` above
        self.columns_ = featurised.vocabulary.columns()
        self.first_ = linear.widen(self.first_, len(self.columns_) + 1)
        if self.second_ is not None:
            self.second_ = linear.widen(self.second_, len(self.columns_) + 1)
        self.n_unlabelled_documents_ = len(pool)
        self.n_training_documents_ = len(texts)
        self.reranker_ = self._fit_reranker(texts, spans, token_lists, targets, unlabelled, featurised)
        return self

    def unlabelled_wanted(self, n_labelled: int) -> int:
        """How many unlabelled texts `fit` self-trains on at most, given `n_labelled` labelled
        documents (see `self_training.wanted`). Callers can skip loading texts that would not
        be used."""
        return self_training.wanted(
            n_labelled, pool=self.self_training_pool, max_labelled=self.self_training_max_labelled
        )

    def _settings(self, width: int | None = None) -> SGDSettings:
        """`width`: the weights' (a vocabulary's size), if not `n_features`."""
        return SGDSettings(width or self.n_features, self.alpha, self.max_iter, self.random_state)

    def _class_weights(self) -> dict[int, float]:
        """Each tag's class weight: `o_weight` for O, else its label's in `label_weights`."""
        weights = self.label_weights or {}
        return {i: self.o_weight if i == 0 else float(weights.get(tag[2:], 1.0)) for i, tag in enumerate(self.tags_)}

    def _fit_layers(
        self,
        matrices: Sequence[sp.csr_matrix],
        targets: Sequence[np.ndarray],
        weights: Sequence[np.ndarray],
        columns: StackColumns,
        width: int,
        epoch_cap: int = 1_000,
        stack_ids: Sequence[np.ndarray] | None = None,
    ) -> stacking.Guesses | None:
        """Fit `first_` and `second_` on dense-numbered matrices (`_Featurised`; so are the
        layers' weights until `_fit` expands them); the stacking columns the second was
        trained on."""
        self.first_, self.second_, used_ids = stacking.fit_layers(
            matrices,
            targets,
            weights,
            settings=self._settings(width),
            class_weights=self._class_weights(),
            columns=columns,
            n_tags=len(self.tags_),
            stacking=self.stacking,
            epoch_cap=epoch_cap,
            stack_ids=stack_ids,
            compact=True,
        )
        return used_ids

    def _labelled_stack_ids(
        self,
        matrices: Sequence[sp.csr_matrix],
        targets: Sequence[np.ndarray],
        weights: Sequence[np.ndarray],
        columns: StackColumns,
        width: int,
    ) -> stacking.Guesses | None:
        """Out-of-fold stacking columns of the labelled documents when `_fit_layers` made
        none (under four of them); None when there is nothing to stack (off, one document,
        one tag)."""
        if not self.stacking or len(matrices) < 2 or self.first_.classes.size < 2:
            return None
        epochs = linear.epochs(sum(m.shape[0] for m in matrices), self.max_iter, 1_000)
        return stacking.out_of_fold_ids(
            matrices,
            targets,
            weights,
            settings=self._settings(width),
            class_weights=self._class_weights(),
            columns=columns,
            n_tags=len(self.tags_),
            epochs=epochs,
            compact=True,
        )

    def _pseudo_labels(self, X: sp.csr_matrix, columns: StackColumns) -> tuple[np.ndarray, np.ndarray]:
        probs = self._tag_probabilities(X, columns)
        return self_training.pseudo_labels(
            probs, decode(probs, self.tags_, self.transitions_), self.self_training_weight
        )

    def _fit_reranker(
        self,
        texts: Sequence[str],
        spans: Sequence[Iterable[Span | Mapping[str, Any]]],
        token_lists: Sequence[Sequence[Token]],
        targets: Sequence[np.ndarray],
        unlabelled: Sequence[str] | None,
        featurised: _Featurised,
    ) -> SpanReranker | None:
        """The span reranker (see `reranker`); None when off or under `rerank_min_documents`."""
        if not self.rerank or len(texts) < max(self.rerank_min_documents, 2 * self.rerank_folds):
            return None
        # As many SGD passes as the full model takes: by the rule in `linear.epochs` a fraction
        # of the documents would get more, and these models only make candidates.
        epochs = linear.epochs(sum(len(tokens) for tokens in token_lists), self.max_iter, self.max_iter)
        plain = [as_spans(s) for s in spans]

        def fold_model(used: np.ndarray) -> reranker.Tagging:
            part: SpanTagger = clone(self).set_params(
                rerank=False,
                max_iter=epochs,
                self_training_epochs=self.rerank_self_training_epochs or self.self_training_epochs,
                self_training_first_epochs=self.rerank_first_epochs or self.self_training_first_epochs,
                self_training_pool=self.rerank_self_training_pool or self.self_training_pool,
            )
            part._fit(
                [texts[i] for i in used],
                [plain[i] for i in used],
                unlabelled if self.rerank_self_training else None,
                featurised,
            )
            return part._tagged

        return reranker.fit_reranker(
            texts,
            token_lists,
            targets,
            tags=self.tags_,
            labels=self.labels_,
            final=self._tagged,
            fold_model=fold_model,
            folds=self.rerank_folds,
            max_documents=self.rerank_max_documents,
            c=self.rerank_c,
            random_state=self.random_state,
        )

    # --- predict -------------------------------------------------------------------------------

    def _lookup_table(self) -> np.ndarray:
        """Hashed column -> the layers' weight row (`linear.lookup_table`; kept, not pickled)."""
        table = getattr(self, "_lookup", None)
        if table is None:
            table = self._lookup = linear.lookup_table(self.columns_, self.n_features)
        return table

    def _columns(self) -> StackColumns:
        """The stacking columns as the layers' weight rows."""
        lookup = self._lookup_table()
        return StackColumns(lookup[self.stack_table_], lookup[self.confidence_ids_])

    def _feature_matrix(self, rows: np.ndarray, ids: np.ndarray, n: int) -> sp.csr_matrix:
        """(n x weight rows) matrix of (row, feature id) pairs."""
        lookup = self._lookup_table()
        return linear.csr_from_columns(rows, lookup[ids % self.n_features], n, len(self.columns_) + 1)

    def _matrix(self, text: str, tokens: Sequence[Token]) -> sp.csr_matrix:
        """(tokens x weight rows) matrix of the document's features."""
        rows, ids = document_feature_ids(text, tokens, window=self.window, gazetteer=self.gazetteer_)
        return self._feature_matrix(rows, ids, len(tokens))

    def _layers(self) -> list[LinearLayer]:
        return [self.first_] if self.second_ is None else [self.first_, self.second_]

    def _tag_probabilities(self, X: sp.csr_matrix, columns: StackColumns | None = None) -> np.ndarray:
        """(tokens x tags) probabilities from a feature matrix: the plain path. `columns`:
        the stacking columns, if not the hashed ones (while fitting)."""
        columns = columns if columns is not None else self._columns()
        return stacking.stacked_probabilities(self.first_, self.second_, columns, X, len(self.tags_))

    def _fast_probabilities(self, text: str, tokens: Sequence[Token], bounds: Bounds | None = None) -> np.ndarray:
        """What `_tag_probabilities` gives, from the per-word cache plus the features that
        depend on the context. `bounds`: `sentence_bounds`, if known."""
        n = len(tokens)
        bounds = bounds if bounds is not None else sentence_bounds(text, tokens)
        sid = bounds[0]
        cache = getattr(self, "_word_cache", None)
        if cache is None:
            cache = self._word_cache = WordScores(
                self._layers(), self.window, self.n_features, lookup=self._lookup_table()
            )
        table = cache.of([t.text for t in tokens])
        scores = table[:, 0, :].copy()
        offsets = [r for r in range(-self.window, self.window + 1) if r]
        index = np.arange(n)
        for family, r in enumerate(offsets, start=1):
            # Token i sees the word at i + r, if that is in its sentence.
            seen = index[max(0, -r) : min(n, n - r)]
            seen = seen[sid[seen + r] == sid[seen]]
            scores[seen] += table[seen + r, family]
        rows, ids = document_feature_ids(
            text, tokens, window=self.window, gazetteer=self.gazetteer_, with_words=False, bounds=bounds
        )
        X = self._feature_matrix(rows, ids, n)
        scores += np.hstack([X @ layer.weights for layer in self._layers()])
        width = self.first_.weights.shape[1]
        probs = linear.from_scores(self.first_, scores[:, :width], len(self.tags_))
        if self.second_ is not None:
            probs = linear.from_scores(self.second_, scores[:, width:], len(self.tags_), self._columns().ids(probs))
        return probs

    def _tagged(self, text: str, tokens: Sequence[Token], bounds: Bounds) -> tuple[np.ndarray, np.ndarray]:
        """Tag probabilities and the decoded path of a document (the reranker's view)."""
        probs = self._fast_probabilities(text, tokens, bounds)
        return probs, np.array(decode(probs, self.tags_, self.transitions_), dtype=np.int64)

    def __getstate__(self) -> dict[str, Any]:
        # A copy: the live tagger keeps its cache while being pickled.
        state: dict[str, Any] = dict(super().__getstate__())
        state.pop("_word_cache", None)  # rebuilt on demand; the weights are what is saved
        state.pop("_lookup", None)
        return state

    def predict_documents(self, texts: Sequence[str]) -> list[Prediction]:
        """Scored spans and an uncertainty for each text."""
        check_is_fitted(self, "tags_")
        return [self._predict_one(text) for text in texts]

    def _predict_one(self, text: str) -> Prediction:
        tokens = tokenize(text)
        if not tokens:
            return Prediction([], 0.0)
        bounds = sentence_bounds(text, tokens)
        probs, path = self._tagged(text, tokens, bounds)
        entropy = -(probs * np.log2(probs + _EPS)).sum(axis=1)
        uncertainty = max(0.0, float(np.sort(entropy)[-self.top_k :].mean()))
        span_reranker = getattr(self, "reranker_", None)
        if span_reranker is not None:
            found = reranker.candidates(tokens, probs, path, bounds[0], self.tags_, self.labels_)
            return Prediction(
                [
                    ScoredSpan(tokens[first].start, tokens[last].end, self.labels_[label], score)
                    for first, last, label, score in reranker.rerank(found, span_reranker, self.rerank_threshold)
                ],
                uncertainty,
            )
        chosen = np.concatenate([[0.0], np.cumsum(probs[np.arange(len(path)), path])]).tolist()
        spans: list[ScoredSpan] = []
        for first, last, label in runs(path, self.tags_):
            score = (chosen[last + 1] - chosen[first]) / (last + 1 - first)  # mean over its tokens
            # A span the decoder's transitions forced through tags the classifier all but ruled
            # out is no suggestion anyone should see.
            if score >= MIN_SPAN_SCORE:
                spans.append(ScoredSpan(tokens[first].start, tokens[last].end, label, score))
        return Prediction(spans, uncertainty)

    def predict(self, texts: Sequence[str]) -> list[list[Span]]:
        """Spans (without scores) for each text: the plain form span F1 takes."""
        return [[s.as_span() for s in p.spans] for p in self.predict_documents(texts)]
