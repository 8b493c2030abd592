"""Suggestions, predictions, active learning and the model's help, from the services."""

from __future__ import annotations

import pytest

from annotator.exceptions import Conflict
from annotator.formats import Record
from annotator.models import Annotation, Document, ModelVersion, Span, Suggestion
from annotator.services.active_learning import RANDOM_EVERY, rank_candidates
from annotator.services.model_help import model_help
from annotator.services.predictor import predict_records, predict_texts, refresh_now
from annotator.services.suggestions import current_suggestions_for, unfinished_documents
from annotator.services.trainer import train_now
from tests.annotator.services.tagger_data import add_gold, texts


@pytest.fixture
def trained(project):  # type: ignore[no-untyped-def]
    add_gold(project, 10)
    train_now(project=project)
    refresh_now(project=project)
    return project


def test_suggestions_go_to_unfinished_documents_with_version_and_score(trained) -> None:
    model = ModelVersion.objects.get(project=trained, status=ModelVersion.Status.CURRENT)
    seeds = Document.objects.filter(project=trained, gold__isnull=True)
    assert set(unfinished_documents(project=trained)) == set(seeds)
    found = 0
    for document in seeds:
        version, suggestions = current_suggestions_for(document=document)
        assert version == model
        found += len(suggestions)
        for suggestion in suggestions:
            assert 0 < suggestion.score <= 1
            assert document.text[suggestion.start : suggestion.end].strip()
    assert found > 0
    assert not Suggestion.objects.filter(document__gold__isnull=False).exists()


def test_without_a_model_there_are_no_suggestions_and_predict_says_so(project) -> None:
    document = Document.objects.filter(project=project).first()
    assert current_suggestions_for(document=document) == (None, [])
    with pytest.raises(Conflict, match="no trained model"):
        predict_texts(project=project, texts=["Warplanes struck Aleppo."])


def test_a_broken_model_leaves_the_project_working_without_suggestions(trained) -> None:
    ModelVersion.objects.filter(project=trained).update(artifact=b"broken", artifact_sha256="")
    from annotator.services import predictor

    predictor._CACHE.clear()
    with pytest.raises(Conflict, match="cannot be used: the model file cannot be read"):
        predict_texts(project=trained, texts=["Warplanes struck Aleppo."])
    document = Document.objects.filter(project=trained, gold__isnull=True).first()
    version, stored = current_suggestions_for(document=document)
    assert version is not None and stored  # what was stored before still shows


def test_predict_labels_arbitrary_texts_with_scores(trained) -> None:
    text = texts(1, skip=30)[0]
    version, (prediction,) = predict_texts(project=trained, texts=[text])
    assert version.version == 1
    assert prediction.spans
    assert all(text[s.start : s.end] and 0 < s.score <= 1 for s in prediction.spans)


def test_predict_records_writes_model_spans(trained) -> None:
    (record,) = predict_records(project=trained, records=[Record(text=texts(1, skip=31)[0], id="x")])
    assert record.annotator == "model" and record.id == "x"
    assert all({"start", "end", "label", "score"} <= set(span) for span in record.spans)


def test_without_a_model_candidates_keep_import_order(project) -> None:
    ids = list(Document.objects.filter(project=project).values_list("pk", flat=True))
    assert rank_candidates(project=project, candidates=dict.fromkeys(reversed(ids))) == sorted(ids)


def test_with_a_model_the_least_certain_come_first_with_a_random_share(trained) -> None:
    add_gold(trained, 12, skip=10)
    ids = list(Document.objects.filter(project=trained).values_list("pk", flat=True))
    doubt = {pk: float(rank) for rank, pk in enumerate(ids)}  # the later, the less sure
    ranked = rank_candidates(project=trained, candidates=doubt)
    assert sorted(ranked) == sorted(ids)
    by_doubt = sorted(ids, reverse=True)
    picked = [pk for i, pk in enumerate(ranked) if (i + 1) % RANDOM_EVERY]
    # Outside the random places, the order is most uncertain first.
    assert picked == [pk for pk in by_doubt if pk in picked]
    assert ranked[:4] == by_doubt[:4]
    assert rank_candidates(project=trained, candidates=doubt) == ranked  # repeatable
    assert rank_candidates(project=trained, candidates=doubt, limit=7) == ranked[:7]
    unscored = {**doubt, ids[0]: None, ids[-1]: None}  # not scored yet
    ranked = rank_candidates(project=trained, candidates=unscored)
    assert sorted(ranked) == sorted(ids)
    picked = [pk for i, pk in enumerate(ranked) if (i + 1) % RANDOM_EVERY]
    not_scored = [unscored[pk] is None for pk in picked]
    assert not_scored == sorted(not_scored)  # outside the random places, after every scored one


def test_the_models_help_counts_accepted_rejected_and_matches(trained, alice) -> None:
    model = ModelVersion.objects.get(project=trained, status=ModelVersion.Status.CURRENT)
    document = Document.objects.filter(project=trained, suggestions__isnull=False).distinct().first()
    offered = list(Suggestion.objects.filter(document=document, model_version=model).order_by("start"))
    assert len(offered) >= 2
    annotation = Annotation.objects.create(
        document=document,
        annotator=alice,
        status=Annotation.Status.SUBMITTED,
        submitted_at=model.promoted_at,
        rejected_suggestions=[offered[1].pk],
    )
    accepted = offered[0]
    Span.objects.create(
        annotation=annotation,
        start=accepted.start,
        end=accepted.end,
        label=accepted.label,
        origin=Span.Origin.SUGGESTION_ACCEPTED,
        suggestion=accepted,
    )
    Span.objects.create(annotation=annotation, start=0, end=1, label="LOCATION")  # typed by hand
    help = model_help(version=model)
    assert help["annotations"] == 1
    assert help["submitted_spans"] == 2 and help["from_suggestions"] == 1
    assert help["accepted_share"] == 0.5
    assert help["rejected"] == 1 and help["rejected_share"] == 1 / len(offered)
    assert help["precision"] == 1 / len(offered)
    assert help["recall"] == 0.5


def test_a_version_nobody_has_used_yet_has_undefined_help(trained) -> None:
    model = ModelVersion.objects.get(project=trained)
    help = model_help(version=model)
    assert help["annotations"] == 0 and help["precision"] is None and help["accepted_share"] is None
