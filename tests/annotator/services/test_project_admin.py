"""An owner's changes to a project through the service: settings, the label set, members."""

from __future__ import annotations

import pytest

from annotator.exceptions import AnnotatorError, Conflict, NotFound
from annotator.models import Document, Label, Membership, Project, Role
from annotator.services.project_admin import labels_in_use, remove_member, set_member, update_project
from tests.helpers import annotate


def label_names(project: Project) -> list[str]:
    return list(Label.objects.filter(project=project).order_by("order").values_list("name", flat=True))


def test_settings_change_and_stay_changed(project) -> None:  # type: ignore[no-untyped-def]
    update_project(project=project, name="Aleppo 2016", annotators_per_document=3)
    stored = Project.objects.get(pk=project.pk)
    assert (stored.name, stored.annotators_per_document) == ("Aleppo 2016", 3)


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"slug": "other"}, "slug"), ({"annotators_per_document": 0}, "annotators_per_document")],
)
def test_a_setting_that_cannot_be_changed_names_its_field_and_changes_nothing(project, fields, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AnnotatorError) as raised:
        update_project(project=project, **fields)
    assert raised.value.details["field"] == field
    stored = Project.objects.get(pk=project.pk)
    assert (stored.slug, stored.annotators_per_document) == ("aleppo", 2)


def test_an_unused_label_can_be_removed_and_a_new_one_added(project) -> None:  # type: ignore[no-untyped-def]
    update_project(project=project, labels=[{"name": "CASUALTY_COUNT"}, {"name": "LOCATION"}, {"name": "WEAPON"}])
    assert label_names(project) == ["CASUALTY_COUNT", "LOCATION", "WEAPON"]


def test_a_label_in_use_cannot_be_removed_and_nothing_changes(project, alice) -> None:  # type: ignore[no-untyped-def]
    document = Document.objects.filter(project=project).order_by("id").first()
    annotate(document, alice, [("Aleppo", "LOCATION")])
    assert labels_in_use(project=project, names=["LOCATION", "PERPETRATOR"]) == ["LOCATION"]
    with pytest.raises(Conflict) as raised:
        update_project(project=project, name="renamed", labels=[{"name": "CASUALTY_COUNT"}, {"name": "PLACE"}])
    assert "label LOCATION is used" in str(raised.value)
    assert label_names(project) == ["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"]
    assert Project.objects.get(pk=project.pk).name != "renamed"


def test_a_member_is_added_and_their_role_changed(project, outsider) -> None:  # type: ignore[no-untyped-def]
    set_member(project=project, username=outsider.username, role=Role.ANNOTATOR)
    set_member(project=project, username=outsider.username, role=Role.REVIEWER)
    assert Membership.objects.get(project=project, user=outsider).role == Role.REVIEWER


def test_an_unknown_user_or_role_names_the_field(project, outsider) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AnnotatorError) as raised:
        set_member(project=project, username="nobody", role=Role.ANNOTATOR)
    assert raised.value.details["field"] == "username"
    with pytest.raises(AnnotatorError) as raised:
        set_member(project=project, username=outsider.username, role="boss")
    assert raised.value.details["field"] == "role"


def test_the_only_owner_can_neither_step_down_nor_leave(project, owner) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict):
        set_member(project=project, username=owner.username, role=Role.REVIEWER)
    with pytest.raises(Conflict):
        remove_member(project=project, username=owner.username)
    assert Membership.objects.get(project=project, user=owner).role == Role.OWNER


def test_with_a_second_owner_the_first_may_leave(project, owner, reviewer) -> None:  # type: ignore[no-untyped-def]
    set_member(project=project, username=reviewer.username, role=Role.OWNER)
    remove_member(project=project, username=owner.username)
    assert not Membership.objects.filter(project=project, user=owner).exists()


def test_a_removed_member_keeps_their_annotations_but_not_their_place(project, alice) -> None:  # type: ignore[no-untyped-def]
    annotation = annotate(Document.objects.filter(project=project).first(), alice, [])
    remove_member(project=project, username=alice.username)
    assert not Membership.objects.filter(project=project, user=alice).exists()
    assert type(annotation).objects.filter(pk=annotation.pk).exists()
    with pytest.raises(NotFound):
        remove_member(project=project, username=alice.username)
