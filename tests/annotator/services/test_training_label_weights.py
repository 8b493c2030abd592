"""The tagger's label weights are the project's setting, passed in by training."""

from __future__ import annotations

from annotator.models import Job, ModelVersion, Project
from annotator.services.training import start_training
from annotator.tagger import load_tagger
from tests.annotator.services.tagger_data import add_submissions


def test_a_new_project_weighs_perpetrator_spans_twice(owner) -> None:
    project = Project.objects.create(slug="fresh", name="Fresh")
    assert project.tagger_label_weights == {"PERPETRATOR": 2.0}


def test_the_stored_model_was_trained_with_the_projects_label_weights(
    project, django_capture_on_commit_callbacks
) -> None:
    project.tagger_label_weights = {"LOCATION": 3.0}
    project.save(update_fields=["tagger_label_weights"])
    add_submissions(project, "alice", 6)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_training(project=project)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    stored = ModelVersion.objects.get(project=project)
    assert load_tagger(stored.artifact).label_weights == {"LOCATION": 3.0}
