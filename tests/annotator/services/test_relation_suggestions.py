"""Relation suggestions (#21), from the services: the relation classifier trained with the
tagger on the relation gold, its suggestions between the span suggestions, the annotators'
accepts and rejects counted in the model's help."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.exceptions import AnnotatorError
from annotator.formats.registry import read_path
from annotator.models import Annotation, Document, ModelVersion, RelationSuggestion, RelationType, Suggestion
from annotator.services.annotations import save_my_annotation
from annotator.services.assignment import next_for
from annotator.services.imports import import_documents
from annotator.services.model_help import model_help
from annotator.services.predictor import refresh_now
from annotator.services.trainer import train_now
from annotator.tagger import ModelLoadError, load_relations
from tests.annotator.services.tagger_data import add_gold

RELATION_GOLD = Path(__file__).resolve().parents[3] / "fixtures" / "gold" / "relations" / "dev.jsonl"


def add_relation_gold(project, count: int = 20) -> None:  # type: ignore[no-untyped-def]
    records = list(read_path(RELATION_GOLD))[:count]
    import_documents(project=project, records=records, as_gold=True)


@pytest.fixture
def trained(project):  # type: ignore[no-untyped-def]
    add_relation_gold(project)
    train_now(project=project)
    refresh_now(project=project)
    return project


def current(project) -> ModelVersion:  # type: ignore[no-untyped-def]
    return ModelVersion.objects.get(project=project, status=ModelVersion.Status.CURRENT)


def test_a_training_on_relation_gold_stores_a_relation_model_beside_the_tagger(trained) -> None:
    version = current(trained)
    relations = version.metrics["relations"]
    assert relations["trained"] is True
    assert relations["types"] == ["AT", "BY"]
    assert relations["training_relations"] > 0 and relations["cpu_seconds"] > 0
    classifier = load_relations(version.relation_artifact, expected_sha256=version.relation_artifact_sha256)
    assert {kind.name for kind in classifier.types} == {"AT", "BY"}


def test_a_damaged_relation_model_is_refused_on_load(trained) -> None:
    version = current(trained)
    with pytest.raises(ModelLoadError, match="checksum"):
        load_relations(bytes(version.relation_artifact)[:-3], expected_sha256=version.relation_artifact_sha256)
    with pytest.raises(ModelLoadError, match="not a relation model"):
        load_relations(bytes(version.artifact))  # the tagger's file


def test_a_project_without_relations_trains_no_relation_model_and_says_why(project) -> None:
    add_gold(project, 10)  # span gold without relations
    train_now(project=project)
    version = current(project)
    assert version.relation_artifact is None
    assert version.metrics["relations"] == {"trained": False, "reason": "no relations in the training documents yet"}


def test_a_project_without_relation_types_trains_no_relation_model(project) -> None:
    add_relation_gold(project, 10)
    RelationType.objects.filter(project=project).delete()
    train_now(project=project)
    assert current(project).metrics["relations"] == {"trained": False, "reason": "the project has no relation types"}


def test_relations_are_suggested_between_a_documents_span_suggestions(trained) -> None:
    version = current(trained)
    suggested = RelationSuggestion.objects.filter(model_version=version).select_related("source", "target")
    assert suggested
    for link in suggested:
        assert link.source.document_id == link.target.document_id == link.document_id
        assert link.source.model_version_id == link.target.model_version_id == version.pk
        assert (link.source.label, link.type, link.target.label) in {
            ("CASUALTY_COUNT", "BY", "PERPETRATOR"),
            ("CASUALTY_COUNT", "AT", "LOCATION"),
        }
        assert 0 < link.score <= 1
    assert not RelationSuggestion.objects.filter(document__gold__isnull=False).exists()


def test_a_relation_type_removed_after_the_training_is_not_suggested(trained) -> None:
    RelationType.objects.filter(project=trained, name="AT").delete()
    version = current(trained)
    Document.objects.filter(project=trained).update(suggested_by=None)
    Suggestion.objects.filter(model_version=version).delete()
    refresh_now(project=trained)
    assert RelationSuggestion.objects.filter(model_version=version).exists()
    assert set(RelationSuggestion.objects.filter(model_version=version).values_list("type", flat=True)) == {"BY"}


def accept_and_reject(project, user):  # type: ignore[no-untyped-def]
    """`user` takes a document with relation suggestions: accepts the first (both spans and
    the link), rejects the others, and submits. Returns (the accepted, the rejected)."""
    version = current(project)
    while True:
        annotation = next_for(project=project, user=user).annotation
        assert annotation is not None, "no document with relation suggestions was served"
        offered = list(RelationSuggestion.objects.filter(document=annotation.document, model_version=version))
        if offered:
            break
        save_my_annotation(document=annotation.document, user=user, spans=[], status="skipped", expected_version=1)
    first, others = offered[0], offered[1:]
    spans = [
        {"start": s.start, "end": s.end, "label": s.label, "origin": "suggestion_accepted", "suggestion": s.pk}
        for s in (first.source, first.target)
    ]
    save_my_annotation(
        document=annotation.document,
        user=user,
        spans=spans,
        status="submitted",
        expected_version=1,
        relations=[{"from": 0, "to": 1, "type": first.type}],
        rejected_relation_suggestions=[r.pk for r in others],
    )
    return first, others


def test_the_models_help_counts_accepted_and_rejected_relation_suggestions(trained, alice) -> None:
    _, rejected = accept_and_reject(trained, alice)
    help = model_help(version=current(trained))
    shown = 1 + len(rejected)
    assert help["submitted_relations"] == 1 and help["relations_accepted"] == 1
    assert help["relation_suggestions_shown"] == shown
    assert help["relation_acceptance_rate"] == 1 / shown
    assert help["relation_accepted_share"] == 1.0
    assert help["relations_rejected"] == len(rejected)
    assert help["relation_rejected_share"] == len(rejected) / shown


def test_relation_help_is_null_when_nothing_was_submitted(trained) -> None:
    help = model_help(version=current(trained))
    assert help["relation_acceptance_rate"] is None and help["relation_accepted_share"] is None
    assert help["relation_rejected_share"] is None and help["relations_accepted"] == 0


def test_rejecting_a_relation_suggestion_of_another_document_is_refused(trained, alice) -> None:
    annotation = next_for(project=trained, user=alice).annotation
    elsewhere = RelationSuggestion.objects.exclude(document=annotation.document).first()
    with pytest.raises(AnnotatorError, match="was not made for document") as raised:
        save_my_annotation(
            document=annotation.document,
            user=alice,
            spans=[],
            status="draft",
            expected_version=1,
            rejected_relation_suggestions=[elsewhere.pk],
        )
    assert raised.value.details["field"] == "rejected_relation_suggestions"
    assert Annotation.objects.get(pk=annotation.pk).version == 1
