"""The tagger's parts on their own: sparse layers, stacking, self-training, the word cache,
transition scores. No database."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import SGDClassifier

from annotator.tagger import linear, self_training
from annotator.tagger.cache import WordScores
from annotator.tagger.decoding import transition_scores
from annotator.tagger.features import word_feature_ids
from annotator.tagger.linear import LinearLayer
from annotator.tagger.stacking import OFFSETS, StackColumns

TAGS = ["O", "B-A", "I-A"]


def test_stacked_columns_are_added_to_each_row() -> None:
    X = sp.csr_matrix(np.array([[1.0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 1.0, 1.0, 0, 0]]))
    extra = np.array([[3, 4], [0, 4], [2, 3]])
    joined = linear.with_ids(X, extra).toarray()
    assert joined.tolist() == [[1, 0, 0, 1, 1], [1, 0, 0, 0, 1], [0, 1, 2, 1, 0]]


def test_a_repeated_feature_counts_twice_in_the_matrix() -> None:
    X = linear.csr_from_ids(np.array([1, 0, 1]), np.array([7, 2, 7]), 3, 5)
    assert X.toarray().tolist() == [[0, 0, 1, 0, 0], [0, 0, 2, 0, 0], [0, 0, 0, 0, 0]]


def test_fewer_sgd_passes_as_the_data_grows() -> None:
    assert linear.epochs(10_000, max_iter=15, cap=1_000) == 15
    assert linear.epochs(500_000, max_iter=15, cap=1_000) == 2
    assert linear.epochs(10_000, max_iter=15, cap=5) == 5


def test_a_layer_that_saw_one_tag_always_predicts_it() -> None:
    layer = LinearLayer(np.zeros((4, 1)), np.zeros(1), np.array([0]))
    probs = linear.probabilities(layer, sp.csr_matrix(np.eye(3, 4)), n_tags=3)
    assert probs.tolist() == [[1.0, 0.0, 0.0]] * 3


def test_probabilities_sum_to_one_over_the_tags_the_layer_knows() -> None:
    rng = np.random.default_rng(0)
    layer = LinearLayer(rng.normal(size=(6, 2)), np.zeros(2), np.array([0, 2]))
    probs = linear.probabilities(layer, sp.csr_matrix(rng.random((4, 6))), n_tags=3)
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert not probs[:, 1].any()  # a tag it never saw


def test_stacking_sees_the_best_guess_at_each_offset_and_outside_the_document() -> None:
    columns = StackColumns.for_tags(TAGS, 1000)
    probs = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    ids = columns.ids(probs)
    assert ids.shape == (3, len(OFFSETS) + 1)
    outside = len(TAGS)
    at = {offset: row for row, offset in enumerate(OFFSETS)}
    assert ids[0, at[-1]] == columns.table[at[-1], outside]  # nothing before the first token
    assert ids[0, at[1]] == columns.table[at[1], 1]  # B-A after it
    assert ids[2, at[0]] == columns.table[at[0], 2]
    assert ids[2, -1] == columns.confidence[2]  # 0.6 sure: the third of five bins
    assert columns.ids(np.zeros((0, 3))).shape == (0, len(OFFSETS) + 1)


def test_self_training_wants_no_pool_once_there_are_enough_labels() -> None:
    assert self_training.wanted(10, pool=150, max_labelled=200) == 150
    assert self_training.wanted(200, pool=150, max_labelled=200) == 0


def test_the_pool_is_a_seeded_sample_without_training_blank_or_repeated_texts() -> None:
    unlabelled = ["a", "b", "  ", "a", "known", "c", "d"]
    full = self_training.sample_pool(["known"], unlabelled, size=10, random_state=0)
    assert full == ["a", "b", "c", "d"]
    sample = self_training.sample_pool(["known"], unlabelled, size=2, random_state=0)
    assert len(sample) == 2 and set(sample) <= set(full)
    assert sample == self_training.sample_pool(["known"], unlabelled, size=2, random_state=0)
    assert sample == [t for t in full if t in sample]  # in their given order


def test_a_guessed_tag_weighs_the_models_confidence_times_the_pool_weight() -> None:
    probs = np.array([[0.9, 0.1, 0.0], [0.2, 0.5, 0.3]])
    tags, weights = self_training.pseudo_labels(probs, [0, 1], 0.3)
    assert tags.tolist() == [0, 1]
    assert np.allclose(weights, [0.27, 0.15])


def test_the_word_cache_holds_the_summed_weights_of_each_words_features() -> None:
    rng = np.random.default_rng(0)
    n_features = 2**12
    layers = [LinearLayer(rng.normal(size=(n_features, 3)), np.zeros(3), np.arange(3))]
    cache = WordScores(layers, window=1, n_features=n_features)
    table = cache.of(["killed", "Aleppo", "killed"])
    assert table.shape == (3, 3, 3)
    own = word_feature_ids("killed", 1)[0] % n_features
    assert np.allclose(table[0, 0], layers[0].weights[own].sum(axis=0))
    assert np.array_equal(table[0], table[2])
    assert len(cache) == 2


def test_the_word_cache_starts_over_past_its_size() -> None:
    layers = [LinearLayer(np.ones((64, 2)), np.zeros(2), np.arange(2))]
    cache = WordScores(layers, window=1, n_features=64, max_words=2)
    first = cache.of(["a", "b", "c"])
    assert len(cache) == 3
    cache.of(["d"])
    assert len(cache) == 1
    assert np.array_equal(cache.of(["a"]), first[:1])


def test_transition_scores_favour_what_followed_in_training() -> None:
    scores = transition_scores([["O", "B-A", "I-A", "O"], ["B-A", "I-A"]], TAGS, weight=1.0)
    assert scores[1, 2] > 0 > scores[2, 1]  # I-A after B-A seen; B-A after I-A never
    assert np.allclose(transition_scores([["O", "B-A"]], TAGS, weight=0.0), 0.0)


def test_a_layer_fitted_on_the_used_columns_has_the_weights_of_one_fitted_on_the_whole_space() -> None:
    rng = np.random.default_rng(1)
    ids = rng.choice([3, 17, 250, 900, 1023], size=(40, 3))
    X = linear.csr_from_ids(np.repeat(np.arange(40), 3), ids.ravel(), 40, 1024)
    y = (ids[:, 0] > 200).astype(np.int64) + (ids[:, 1] == 3)
    settings = linear.SGDSettings(n_features=1024, alpha=1e-4, max_iter=5, random_state=0)
    layer = linear.fit_linear([X], [y], [np.ones(40)], settings=settings, class_weights={0: 1.0, 1: 1.0, 2: 1.0})
    whole = SGDClassifier(loss="log_loss", alpha=1e-4, max_iter=5, tol=None, random_state=0, average=True)
    whole.fit(X, y)
    assert layer.weights.shape == (1024, 3)
    assert layer.weights[[3, 17, 250, 900, 1023]].any(axis=1).all()
    assert np.allclose(layer.weights, whole.coef_.T)
    assert np.allclose(layer.intercept, whole.intercept_)
