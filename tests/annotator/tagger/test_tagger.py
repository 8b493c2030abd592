"""The pure tagger: features, decoding, the estimator contract, persistence. No database."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from annotator.spans import Span
from annotator.tagger import FEATURE_VERSION, ModelLoadError, SpanTagger, dump_tagger, load_tagger, persistence, sha256
from annotator.tagger.decoding import viterbi
from annotator.tagger.features import document_feature_ids, named_feature_id, shape
from annotator.tokenize import AlignmentError, tokenize

TEXTS = [
    "Syrian warplanes killed 21 people in Aleppo on Monday.",
    "Russian warplanes killed dozens of civilians in Marea.",
    "Government helicopters killed 87 children in east Aleppo.",
    "Rebel rockets killed three people in Adra.",
    "The talks in Geneva ended without a deal.",
    "Syrian warplanes killed 40 people in Haidarieh.",
]


def spans_of(text: str, *pieces: tuple[str, str]) -> list[Span]:
    return [Span(text.index(p), text.index(p) + len(p), label) for p, label in pieces]


SPANS = [
    spans_of(TEXTS[0], ("Syrian warplanes", "PERPETRATOR"), ("21 people", "CASUALTY_COUNT"), ("Aleppo", "LOCATION")),
    spans_of(
        TEXTS[1], ("Russian warplanes", "PERPETRATOR"), ("dozens of civilians", "CASUALTY_COUNT"), ("Marea", "LOCATION")
    ),
    spans_of(
        TEXTS[2],
        ("Government helicopters", "PERPETRATOR"),
        ("87 children", "CASUALTY_COUNT"),
        ("east Aleppo", "LOCATION"),
    ),
    spans_of(TEXTS[3], ("Rebel rockets", "PERPETRATOR"), ("three people", "CASUALTY_COUNT"), ("Adra", "LOCATION")),
    [],
    spans_of(TEXTS[5], ("Syrian warplanes", "PERPETRATOR"), ("40 people", "CASUALTY_COUNT"), ("Haidarieh", "LOCATION")),
]
LABELS = ["CASUALTY_COUNT", "LOCATION", "PERPETRATOR"]


@pytest.fixture(scope="module")
def fitted() -> SpanTagger:
    return SpanTagger(labels=LABELS, max_iter=30).fit(TEXTS, SPANS)


@pytest.mark.parametrize(
    ("word", "expected"), [("Aleppo", "Xx"), ("126,000", "d,d"), ("US", "X"), ("al-Assad", "x-Xx"), ("dozens", "x")]
)
def test_shape_collapses_runs_of_character_classes(word: str, expected: str) -> None:
    assert shape(word) == expected


@pytest.mark.parametrize(
    ("text", "word", "feature"),
    [
        ("dozens of civilians died", "dozens", "numword"),
        ("three people were killed", "three", "numword"),
        ("at least 37 people", "37", "digit"),
        ("warplanes killed 21 people", "21", "sent:violence"),
        ("warplanes killed 21 people", "people", "num-before"),
        ("warplanes killed 21 people", "21", "-1:w=killed"),
        ("warplanes killed 21 people", "warplanes", "-1:BOS"),
    ],
)
def test_token_features_name_numbers_cues_and_neighbours(text: str, word: str, feature: str) -> None:
    tokens = tokenize(text)
    position = [t.text for t in tokens].index(word)
    assert named_feature_id(feature) in features_of(text)[position]


def features_of(text: str) -> list[set[int]]:
    """Each token's feature ids, as the tagger builds them."""
    tokens = tokenize(text)
    rows, ids = document_feature_ids(text, tokens)
    found: list[set[int]] = [set() for _ in tokens]
    for row, feature in zip(rows.tolist(), ids.tolist(), strict=True):
        found[row].add(feature)
    return found


def test_viterbi_never_starts_a_span_with_an_inside_tag() -> None:
    tags = ["O", "B-LOC", "I-LOC"]
    # Token by token, I-LOC looks best; only B-LOC I-LOC is a valid way to say it.
    log_probs = np.log(np.array([[0.1, 0.3, 0.6], [0.1, 0.2, 0.7]]))
    assert [tags[i] for i in viterbi(log_probs, tags)] == ["B-LOC", "I-LOC"]


def test_viterbi_never_continues_another_label() -> None:
    tags = ["O", "B-A", "I-A", "B-B", "I-B"]
    log_probs = np.log(np.array([[0.05, 0.8, 0.05, 0.05, 0.05], [0.1, 0.05, 0.05, 0.1, 0.7]]))
    path = [tags[i] for i in viterbi(log_probs, tags)]
    assert path[1] != "I-B" or path[0] in ("B-B", "I-B")


def test_a_fitted_tagger_finds_whole_spans_with_scores(fitted: SpanTagger) -> None:
    text = "Syrian warplanes killed 21 people in Aleppo."
    (prediction,) = fitted.predict_documents([text])
    found = {(text[s.start : s.end], s.label) for s in prediction.spans}
    assert ("Aleppo", "LOCATION") in found
    assert ("21 people", "CASUALTY_COUNT") in found
    assert all(0.0 < s.score <= 1.0 for s in prediction.spans)
    assert prediction.uncertainty >= 0.0


def test_training_is_deterministic_for_a_fixed_seed() -> None:
    first = SpanTagger(labels=LABELS, random_state=3).fit(TEXTS, SPANS).predict_documents(TEXTS)
    second = SpanTagger(labels=LABELS, random_state=3).fit(TEXTS, SPANS).predict_documents(TEXTS)
    assert first == second


def test_the_estimator_keeps_its_parameters_as_given_and_clones() -> None:
    tagger = SpanTagger(labels=LABELS, window=3, alpha=1e-3)
    assert tagger.get_params()["window"] == 3
    copy = clone(tagger)
    assert copy.get_params() == tagger.get_params()
    assert not hasattr(copy, "tags_")


def test_a_fitted_tagger_pickles_cleanly(fitted: SpanTagger) -> None:
    again = pickle.loads(pickle.dumps(fitted))
    assert again.predict_documents(TEXTS[:2]) == fitted.predict_documents(TEXTS[:2])


def test_a_span_that_does_not_align_with_tokens_is_an_error_not_dropped() -> None:
    text = "Syrian warplanes struck Aleppo."
    with pytest.raises(AlignmentError):
        SpanTagger(labels=LABELS).fit([text], [[Span(2, 10, "PERPETRATOR")]])


def test_spans_with_a_label_outside_the_label_set_are_refused() -> None:
    with pytest.raises(ValueError, match="outside the label set"):
        SpanTagger(labels=["LOCATION"]).fit(TEXTS[:1], SPANS[:1])


def test_training_data_without_any_span_gives_a_tagger_that_finds_nothing() -> None:
    tagger = SpanTagger(labels=LABELS).fit(TEXTS[4:5], [[]])
    assert tagger.predict(["Warplanes killed 21 people in Aleppo."]) == [[]]


def test_a_saved_tagger_loads_back_and_predicts_the_same(fitted: SpanTagger) -> None:
    data = dump_tagger(fitted)
    loaded = load_tagger(data, expected_sha256=sha256(data))
    assert loaded.predict(TEXTS) == fitted.predict(TEXTS)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: b"", "missing"),
        (lambda data: data[: len(data) // 2], "cannot be read"),
        (lambda data: b"not a model at all", "cannot be read"),
    ],
)
def test_a_broken_model_file_is_a_clear_error(fitted: SpanTagger, damage, message: str) -> None:
    with pytest.raises(ModelLoadError, match=message):
        load_tagger(damage(dump_tagger(fitted)))


def test_a_checksum_mismatch_is_refused(fitted: SpanTagger) -> None:
    with pytest.raises(ModelLoadError, match="checksum"):
        load_tagger(dump_tagger(fitted), expected_sha256="0" * 64)


@pytest.mark.parametrize(
    ("patch", "message"),
    [(("sklearn", "__version__", "0.0.1"), "scikit-learn"), ((persistence, "FEATURE_VERSION", "tagger-0"), "features")],
)
def test_a_model_from_another_library_or_feature_version_is_refused(
    fitted: SpanTagger, monkeypatch: pytest.MonkeyPatch, patch, message: str
) -> None:
    target, name, value = patch
    if target == "sklearn":
        import sklearn as target
    data = dump_tagger(fitted)
    monkeypatch.setattr(target, name, value)
    with pytest.raises(ModelLoadError, match=message):
        load_tagger(data)


def test_feature_version_is_recorded() -> None:
    assert FEATURE_VERSION


def test_a_neighbour_is_seen_only_within_its_sentence() -> None:
    features = features_of("Aleppo burns. Idlib waits")
    assert named_feature_id("+1:w=burns") in features[0]
    assert named_feature_id("+1:w=idlib") not in features[2]
    assert named_feature_id("+1:EOS") in features[2]


# --- The corpus lexicon ------------------------------------------------------------------------


def test_the_lexicon_gives_places_and_shared_word_classes() -> None:
    from annotator.tagger.features import lexicon, word_features

    entries = lexicon()
    assert "lex:place" in entries["aleppo"]
    assert "lex:actor" in entries["isis"]
    # Words used alike in the corpus share a class.
    assert {f for f in entries["aleppo"] if f.startswith("lex:c7=")} == {
        f for f in entries["idlib"] if f.startswith("lex:c7=")
    }
    assert "lex:place" in word_features("Aleppo")
    assert not any(f.startswith("lex:") for f in word_features("Zzyzxq"))


def test_a_neighbour_shows_its_lexicon_entry() -> None:
    text = "shelling on Aleppo countryside"
    assert named_feature_id("-1:lex:place") in features_of(text)[3]


def test_the_lexicon_reads_no_gold_article() -> None:
    import json
    from pathlib import Path

    from annotator.tagger.build_lexicon import training_articles

    root = Path(__file__).resolve().parents[3]
    gold = [json.loads(line) for line in (root / "fixtures/gold/dev.jsonl").read_text(encoding="utf-8").splitlines()]
    used = training_articles()
    assert not {str(r["meta"]["unit_id"]) for r in used} & {g["id"] for g in gold}
    assert not {r["text"] for r in used} & {g["text"] for g in gold}
    assert len(used) > 700


# --- Self-training --------------------------------------------------------------------------------

POOL = [
    "Syrian warplanes killed 12 people in Idlib.",
    "Russian jets killed 30 civilians in Douma on Friday.",
    "Rebel shelling killed five people in Aleppo.",
    "Talks resumed in Geneva.",
]


def test_self_training_uses_the_unlabelled_texts_and_is_deterministic() -> None:
    def fit() -> SpanTagger:
        return SpanTagger(labels=LABELS, random_state=3).fit(TEXTS, SPANS, unlabelled=POOL)

    first, second = fit(), fit()
    assert first.n_unlabelled_documents_ == len(POOL)
    assert first.predict_documents(POOL) == second.predict_documents(POOL)


def test_self_training_pool_is_capped_and_leaves_out_training_texts() -> None:
    tagger = SpanTagger(labels=LABELS, self_training_pool=2).fit(TEXTS, SPANS, unlabelled=POOL + TEXTS)
    assert tagger.n_unlabelled_documents_ == 2
    tagger = SpanTagger(labels=LABELS).fit(TEXTS, SPANS, unlabelled=TEXTS)
    assert tagger.n_unlabelled_documents_ == 0


def test_no_self_training_once_there_are_enough_labelled_documents() -> None:
    tagger = SpanTagger(labels=LABELS, self_training_max_labelled=len(TEXTS)).fit(TEXTS, SPANS, unlabelled=POOL)
    assert tagger.n_unlabelled_documents_ == 0


# --- Prediction's fast path --------------------------------------------------------------------


def some_corpus_texts(count: int = 30) -> list[str]:
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "corpus/fakes.jsonl"
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()[:count]]


def test_the_per_word_fast_path_gives_the_probabilities_of_the_feature_matrix(fitted: SpanTagger) -> None:
    for text in [*TEXTS, "x", "One. Two words here!\nA third line with 3 people killed", *some_corpus_texts()]:
        tokens = tokenize(text)
        slow = fitted._tag_probabilities(fitted._matrix(text, tokens))
        assert np.allclose(fitted._fast_probabilities(text, tokens), slow, rtol=0, atol=1e-9), text


def test_decoded_runs_are_the_spans_bio_to_spans_reads() -> None:
    from annotator.tagger.decoding import runs as decoded_runs
    from annotator.tokenize import bio_to_spans

    tags = ["O", "B-A", "I-A", "B-B", "I-B"]
    tokens = tokenize("a b c d e f g h i")
    for path in ([0, 1, 2, 2, 0, 3, 4, 1, 1], [1, 3, 4, 4, 0, 0, 0, 0, 2], [0] * 9):
        runs = [(tokens[a].start, tokens[b].end, label) for a, b, label in decoded_runs(np.array(path), tags)]
        assert runs == [(s.start, s.end, s.label) for s in bio_to_spans(tokens, [tags[i] for i in path])]


def test_the_word_cache_is_not_saved(fitted: SpanTagger) -> None:
    fresh = pickle.loads(pickle.dumps(fitted))
    size = len(pickle.dumps(fresh))
    fresh.predict_documents(some_corpus_texts())
    assert len(pickle.dumps(fresh)) == size


def plain_decode(probs: np.ndarray, tags: list[str], transitions: np.ndarray | None) -> list[int]:
    """`decode` as first written: Viterbi over each run of tokens not surely O, token by token."""
    from annotator.tagger.decoding import SURE_O

    path, start = [0] * len(probs), None
    log_probs = np.log(probs + 1e-9)
    for i in range(len(probs) + 1):
        if i < len(probs) and probs[i, 0] < SURE_O:
            start = i if start is None else start
            continue
        if start is not None:
            path[start:i] = viterbi(log_probs[start:i], tags, transitions)
            start = None
    return path


def test_decoding_stretches_found_with_numpy_give_the_plain_paths() -> None:
    from annotator.tagger.decoding import decode

    tags = ["O", "B-A", "I-A", "B-B", "I-B"]
    rng = np.random.default_rng(0)
    transitions = rng.normal(size=(5, 5))
    for _ in range(300):
        n = int(rng.integers(0, 25))
        probs = rng.dirichlet(np.full(5, 0.3), size=n)
        probs[rng.random(n) < 0.5, 0] = 50.0  # surely O once normalised
        probs /= probs.sum(axis=1, keepdims=True)
        for table in (None, transitions):
            assert decode(probs, tags, table) == plain_decode(probs, tags, table)


def test_a_refitted_tagger_forgets_the_word_sums_of_its_old_weights() -> None:
    tagger = SpanTagger(labels=LABELS).fit(TEXTS[:3], SPANS[:3])
    tagger.predict_documents(TEXTS)
    tagger.fit(TEXTS, SPANS)
    assert tagger.predict_documents(TEXTS) == SpanTagger(labels=LABELS).fit(TEXTS, SPANS).predict_documents(TEXTS)


def class_weights_used(tagger: SpanTagger, monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    """The class weights (by tag) the tagger's last SGD fit was given."""
    import annotator.tagger.linear as linear

    seen: dict[str, float] = {}
    real = linear.SGDClassifier

    def recording(**options):
        seen.update({tagger.tags_[i]: w for i, w in options["class_weight"].items()})
        return real(**options)

    monkeypatch.setattr(linear, "SGDClassifier", recording)
    tagger.fit(TEXTS, SPANS)
    return seen


def test_label_weights_weigh_that_labels_tags_and_default_to_even(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tagger favours no label; PERPETRATOR x2 is the project's default (tests/annotator/
    # services/test_training.py checks that training passes it).
    default = class_weights_used(SpanTagger(labels=LABELS, rerank=False), monkeypatch)
    assert default["O"] == SpanTagger().o_weight
    assert {w for tag, w in default.items() if tag != "O"} == {1.0}
    doubled = class_weights_used(
        SpanTagger(labels=LABELS, rerank=False, label_weights={"PERPETRATOR": 2.0}), monkeypatch
    )
    assert doubled["B-PERPETRATOR"] == doubled["I-PERPETRATOR"] == 2.0
    assert doubled["B-LOCATION"] == doubled["I-CASUALTY_COUNT"] == 1.0
    chosen = class_weights_used(SpanTagger(labels=LABELS, rerank=False, label_weights={"LOCATION": 3.0}), monkeypatch)
    assert chosen["B-LOCATION"] == chosen["I-LOCATION"] == 3.0
    assert chosen["B-PERPETRATOR"] == 1.0
