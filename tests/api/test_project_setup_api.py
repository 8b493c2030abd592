"""Setting a project up from the browser: creating one with a label set edited as a form,
starting from the conflict-casualty template, duplicating a project's settings, and finding
a deleted project again to restore it. Who may create projects is a setting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from annotator.models import Document, Label, Membership, Project
from annotator.services.projects import KNOWN_LABELS
from tests.conftest import SEEDS

CASUALTY = {
    "name": "CASUALTY_COUNT",
    "colour": "#d62728",
    "hotkey": "c",
    "attributes": {
        "value": {"type": "integer", "min": 0, "max": 100000},
        "status": {"type": "choice", "choices": ["killed", "wounded"]},
    },
}


def create(client, **body):  # type: ignore[no-untyped-def]
    return client.post("/api/projects/", {"slug": "idlib", "labels": [CASUALTY], **body}, format="json")


# --- Creating: what the form sends, and bad input ----------------------------------------------


def test_a_project_created_with_bounded_attributes_and_guidelines_keeps_them_as_given(client_for, owner):
    guidelines = "    an indented code block first\n\n# Count\nEvery death.\n"
    response = create(client_for(owner), name="Idlib", guidelines=guidelines, retrain_every=7)
    assert response.status_code == 201, response.content
    assert response.json()["labels"][0]["attributes"] == CASUALTY["attributes"]
    assert response.json()["retrain_every"] == 7
    assert Project.objects.get(slug="idlib").guidelines == guidelines


def test_a_label_name_may_be_written_in_any_script(client_for, owner):
    labels = [{"name": "BLESSÉS_في", "hotkey": "b"}, {"name": "موقع"}]
    response = client_for(owner).post("/api/projects/", {"slug": "alep", "labels": labels}, format="json")
    assert response.status_code == 201, response.content
    assert [label.name for label in Label.objects.filter(project__slug="alep")] == ["BLESSÉS_في", "موقع"]


@pytest.mark.parametrize(
    ("labels", "path", "words"),
    [
        ([{"name": "A", "hotkey": "?"}], "labels[0].hotkey", "one letter or digit"),
        ([{"name": "A", "hotkey": " "}, {"name": "B", "hotkey": "\U0001f691"}], "labels[1].hotkey", "one letter"),
        ([{"name": "A", "hotkey": "x"}, {"name": "B", "hotkey": "X"}], "labels[1].hotkey", "given to two labels"),
        ([{"name": "A"}, {"name": "B"}, {"name": "A"}], "labels[2].name", "label A is given twice"),
        ([{"name": "SOS_\U0001f691"}], None, "name"),
        (
            [{"name": "A", "attributes": {"n": {"type": "integer", "min": 5, "max": 2}}}],
            "labels[0].attributes.n.max",
            "min 5 is above max 2",
        ),
        (
            [{"name": "A", "attributes": {"n": {"type": "integer", "max": "ten"}}}],
            "labels[0].attributes.n.max",
            "max must be a whole number",
        ),
        ([{"name": "A", "attributes": {"n": {"type": "text", "max": 3}}}], "labels[0].attributes", "integer"),
        ([{"name": "A", "attributes": {"n": {"type": "choice", "choices": []}}}], "labels[0].attributes.n.choices", ""),
    ],
)
def test_bad_labels_get_400_naming_the_place_and_store_nothing(client_for, owner, labels, path, words):
    response = client_for(owner).post("/api/projects/", {"slug": "ok", "labels": labels}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert words in error["message"] or words in str(error.get("fields"))
    if path:
        assert error["field"] == "labels" and error["path"] == path
    assert not Project.objects.exists() and not Label.objects.exists() and not Membership.objects.exists()


def test_the_slug_new_is_kept_for_the_create_page(client_for, owner):
    response = client_for(owner).post("/api/projects/", {"slug": "new", "labels": [{"name": "X"}]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "slug"
    assert not Project.objects.exists()


def test_a_settings_change_keeps_the_same_rules(project, client_for, owner):
    labels = [{"name": "CASUALTY_COUNT", "hotkey": "c"}, {"name": "PERPETRATOR"}, {"name": "LOCATION"}]
    labels.append({"name": "WEAPON", "hotkey": "C"})
    response = client_for(owner).patch("/api/projects/aleppo/", {"labels": labels}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["path"] == "labels[3].hotkey"
    assert not Label.objects.filter(name="WEAPON").exists()


# --- Who may create projects ---------------------------------------------------------------


def test_me_says_whether_the_caller_may_create_projects(client_for, owner, alice, settings):
    assert client_for(owner).get("/api/auth/me/").json()["may_create_projects"] is True
    assert client_for(alice).get("/api/auth/me/").json()["may_create_projects"] is False
    settings.PROJECT_CREATORS = "all"
    assert client_for(alice).get("/api/auth/me/").json()["may_create_projects"] is True


def test_a_user_the_setting_leaves_out_gets_403_saying_why(client_for, alice):
    response = create(client_for(alice))
    assert response.status_code == 403
    assert "PROJECT_CREATORS" in response.json()["detail"]
    assert not Project.objects.exists()


# --- The template ----------------------------------------------------------------------------


def test_the_conflict_casualty_template_is_the_default_projects_settings(client_for, alice):
    response = client_for(alice).get("/api/project-templates/")
    assert response.status_code == 200
    (template,) = response.json()
    assert template["key"] == "conflict-casualty"
    assert [label["name"] for label in template["labels"]] == ["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"]
    assert template["labels"][0]["attributes"] == KNOWN_LABELS["CASUALTY_COUNT"]["attributes"]
    assert template["guidelines"] == (SEEDS / "guidelines.md").read_text(encoding="utf-8")


def test_a_project_created_from_the_template_as_sent_is_accepted(client_for, owner):
    client = client_for(owner)
    template = client.get("/api/project-templates/").json()[0]
    body = {key: template[key] for key in ("labels", "guidelines", "annotators_per_document", "retrain_every")}
    response = client.post("/api/projects/", {"slug": "homs", "name": "Homs", **body}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["labels"] == template["labels"]


def test_the_templates_need_a_login(client_for):
    assert client_for().get("/api/project-templates/").status_code in (401, 403)


# --- Duplicating -------------------------------------------------------------------------------


def test_the_owner_duplicates_the_settings_without_documents_or_members(project, client_for, owner):
    project.tagger_label_weights = {"LOCATION": 3.0}
    project.save()
    response = client_for(owner).post("/api/projects/aleppo/duplicate/", {"slug": "aleppo-2"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    source = client_for(owner).get("/api/projects/aleppo/").json()
    for key in ("labels", "guidelines", "annotators_per_document", "retrain_every"):
        assert body[key] == source[key], key
    assert body["name"] == f"{project.name} (copy)" and body["role"] == "owner"
    copy = Project.objects.get(slug="aleppo-2")
    assert copy.tagger_label_weights == {"LOCATION": 3.0}
    assert not Document.objects.filter(project=copy).exists()
    assert list(Membership.objects.filter(project=copy).values_list("user__username", "role")) == [
        (owner.username, "owner")
    ]


def test_a_duplicate_needs_a_free_slug(project, client_for, owner):
    response = client_for(owner).post("/api/projects/aleppo/duplicate/", {"slug": "aleppo"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "slug"
    assert "not available" in response.json()["detail"]
    assert Project.objects.count() == 1


def test_only_owners_allowed_to_create_projects_duplicate(project, client_for, alice, reviewer, outsider, settings):
    url, body = "/api/projects/aleppo/duplicate/", {"slug": "copy"}
    assert client_for(outsider).post(url, body, format="json").status_code == 404
    assert client_for(alice).post(url, body, format="json").status_code == 403
    assert client_for(reviewer).post(url, body, format="json").status_code == 403
    assert client_for().post(url, body, format="json").status_code in (401, 403)
    # An owner who is not staff, where only staff create projects: 403 naming the setting.
    Membership.objects.filter(project=project, user=alice).update(role="owner")
    response = client_for(alice).post(url, body, format="json")
    assert response.status_code == 403 and "PROJECT_CREATORS" in response.json()["detail"]
    assert Project.objects.count() == 1
    settings.PROJECT_CREATORS = "all"
    assert client_for(alice).post(url, body, format="json").status_code == 201


# --- Deleted projects, to restore ------------------------------------------------------------


def test_the_owner_finds_a_deleted_project_and_restores_it(project, client_for, owner):
    client = client_for(owner)
    assert client.get("/api/deleted-projects/").json() == []
    client.delete("/api/projects/aleppo/")
    (deleted,) = client.get("/api/deleted-projects/").json()
    assert deleted["slug"] == "aleppo" and deleted["name"] == project.name
    assert "undo_until" in deleted and "deleted_at" in deleted
    assert client.post("/api/projects/aleppo/restore/").status_code == 200
    assert client.get("/api/deleted-projects/").json() == []


def test_other_members_and_outsiders_do_not_see_a_deleted_project(project, client_for, alice, reviewer, outsider):
    Project.objects.filter(pk=project.pk).update(deleted_at=timezone.now())
    for user in (alice, reviewer, outsider):
        assert client_for(user).get("/api/deleted-projects/").json() == [], user.username
    assert client_for().get("/api/deleted-projects/").status_code in (401, 403)


def test_a_project_past_the_undo_window_is_no_longer_offered(project, client_for, owner, settings):
    deleted_at = timezone.now() - timedelta(days=settings.UNDO_WINDOW_DAYS, minutes=1)
    Project.objects.filter(pk=project.pk).update(deleted_at=deleted_at)
    assert client_for(owner).get("/api/deleted-projects/").json() == []
