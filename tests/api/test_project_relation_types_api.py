"""The project's relation types (#19, #21): read in its detail (what the annotate page needs to
start a link: name, source and target label, hotkey), set when the project is created, replaced
by the owner's settings change, copied by a duplicate; never removed while relations use them."""

from __future__ import annotations

import pytest

from annotator.models import Annotation, Membership, Project, Relation, RelationType, Span
from annotator.services.assignment import next_for

BY_AND_AT = [
    {"name": "BY", "source": "CASUALTY_COUNT", "target": "PERPETRATOR", "hotkey": "b"},
    {"name": "AT", "source": "CASUALTY_COUNT", "target": "LOCATION", "hotkey": "t"},
]


def test_an_annotator_reads_the_relation_types_of_the_project(project, client_for, alice) -> None:  # type: ignore[no-untyped-def]
    answer = client_for(alice).get("/api/projects/aleppo/")
    assert answer.status_code == 200
    assert answer.json()["relation_types"] == BY_AND_AT


def test_the_project_list_carries_them_too(project, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    listed = client_for(reviewer).get("/api/projects/").json()
    assert [p["relation_types"] for p in listed if p["slug"] == "aleppo"] == [BY_AND_AT]


def test_an_outsider_does_not_see_them(project, client_for, outsider) -> None:  # type: ignore[no-untyped-def]
    assert client_for(outsider).get("/api/projects/aleppo/").status_code == 404


def test_a_settings_change_without_them_leaves_them_as_they_are(project, client_for, owner) -> None:  # type: ignore[no-untyped-def]
    answer = client_for(owner).patch("/api/projects/aleppo/", {"name": "Aleppo"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["relation_types"] == BY_AND_AT


def test_the_schema_describes_them_for_reading_and_writing(client_for, owner) -> None:  # type: ignore[no-untyped-def]
    schemas = client_for(owner).get("/api/schema/?format=json").json()["components"]["schemas"]
    kind = schemas["RelationType"]
    assert set(kind["properties"]) == {"name", "source", "target", "hotkey"}
    for body in ("ProjectCreateRequest", "ProjectUpdateRequest"):
        given = schemas[body]["properties"]["relation_types"]["items"]["$ref"].rsplit("/", 1)[-1]
        assert set(schemas[given]["properties"]) == {"name", "source", "target", "hotkey"}


# --- Creating ----------------------------------------------------------------------------------

LABELS = [{"name": "BLESSÉS"}, {"name": "AUTEUR"}, {"name": "LIEU"}]


def create(client, **body):  # type: ignore[no-untyped-def]
    return client.post("/api/projects/", {"slug": "idlib", "labels": LABELS, **body}, format="json")


def stored(slug: str) -> list[tuple[str, str, str, str]]:
    return [(t.name, t.source, t.target, t.hotkey) for t in RelationType.objects.filter(project__slug=slug)]


def test_a_project_is_created_with_exactly_the_relation_types_given(client_for, owner) -> None:  # type: ignore[no-untyped-def]
    kinds = [
        {"name": "PAR_É", "source": "BLESSÉS", "target": "AUTEUR", "hotkey": "p"},
        {"name": "À", "source": "BLESSÉS", "target": "LIEU"},
    ]
    answer = create(client_for(owner), relation_types=kinds)
    assert answer.status_code == 201, answer.content
    assert answer.json()["relation_types"] == [{**kinds[0]}, {**kinds[1], "hotkey": ""}]
    assert stored("idlib") == [("PAR_É", "BLESSÉS", "AUTEUR", "p"), ("À", "BLESSÉS", "LIEU", "")]


def test_none_given_means_by_and_at_where_the_casualty_labels_are_there(client_for, owner) -> None:  # type: ignore[no-untyped-def]
    labels = [{"name": "CASUALTY_COUNT"}, {"name": "PERPETRATOR"}, {"name": "LOCATION"}]
    answer = client_for(owner).post("/api/projects/", {"slug": "homs", "labels": labels}, format="json")
    assert answer.status_code == 201 and answer.json()["relation_types"] == BY_AND_AT
    assert create(client_for(owner)).json()["relation_types"] == []
    # An empty list is "none", not "the default".
    body = {"slug": "hama", "labels": labels, "relation_types": []}
    assert client_for(owner).post("/api/projects/", body, format="json").json()["relation_types"] == []


@pytest.mark.parametrize(
    ("kinds", "path", "words"),
    [
        ([{"name": "1BY", "source": "AUTEUR", "target": "LIEU"}], "relation_types[0].name", "a letter then"),
        ([{"name": "BY \U0001f691", "source": "AUTEUR", "target": "LIEU"}], "relation_types[0].name", "name"),
        (
            [{"name": "BY", "source": "AUTEUR", "target": "LIEU"}, {"name": "BY", "source": "LIEU", "target": "LIEU"}],
            "relation_types[1].name",
            "given twice",
        ),
        (
            [{"name": "BY", "source": "AUTEUR", "target": "LIEU"}, {"name": "AT", "source": "LIEU", "target": "WHERE"}],
            "relation_types[1].target",
            "'WHERE' is not a label",
        ),
        ([{"name": "BY", "source": "CASUALTY_COUNT", "target": "LIEU"}], "relation_types[0].source", "not a label"),
        ([{"name": "BY", "source": "AUTEUR", "target": "LIEU", "hotkey": "?"}], "relation_types[0].hotkey", "one"),
        ([{"name": "BY", "source": "AUTEUR", "target": "LIEU", "hotkey": "ab"}], "relation_types[0].hotkey", "one"),
        (
            [
                {"name": "BY", "source": "AUTEUR", "target": "LIEU", "hotkey": "b"},
                {"name": "AT", "source": "AUTEUR", "target": "LIEU", "hotkey": "B"},
            ],
            "relation_types[1].hotkey",
            "two relation types",
        ),
    ],
)
def test_bad_relation_types_get_400_naming_the_place_and_store_nothing(client_for, owner, kinds, path, words) -> None:  # type: ignore[no-untyped-def]
    answer = create(client_for(owner), relation_types=kinds)
    assert answer.status_code == 400, answer.content
    error = answer.json()["error"]
    assert error["field"] == "relation_types" and error["path"] == path
    assert words in error["message"]
    assert not Project.objects.exists() and not RelationType.objects.exists() and not Membership.objects.exists()


# --- Changing ------------------------------------------------------------------------------------


def test_the_owner_replaces_the_set(project, client_for, owner) -> None:  # type: ignore[no-untyped-def]
    kinds = [
        {"name": "AT", "source": "CASUALTY_COUNT", "target": "LOCATION", "hotkey": "b"},
        {"name": "NEAR", "source": "PERPETRATOR", "target": "LOCATION", "hotkey": "n"},
    ]
    answer = client_for(owner).patch("/api/projects/aleppo/", {"relation_types": kinds}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["relation_types"] == kinds
    assert stored("aleppo") == [("AT", "CASUALTY_COUNT", "LOCATION", "b"), ("NEAR", "PERPETRATOR", "LOCATION", "n")]


def test_a_change_is_checked_against_the_labels_of_the_same_request(project, client_for, owner) -> None:  # type: ignore[no-untyped-def]
    labels = [{"name": "CASUALTY_COUNT"}, {"name": "PERPETRATOR"}, {"name": "LOCATION"}, {"name": "WEAPON"}]
    kinds = [*BY_AND_AT, {"name": "WITH", "source": "PERPETRATOR", "target": "WEAPON", "hotkey": "w"}]
    client = client_for(owner)
    answer = client.patch("/api/projects/aleppo/", {"labels": labels, "relation_types": kinds}, format="json")
    assert answer.status_code == 200, answer.content
    assert [k["name"] for k in answer.json()["relation_types"]] == ["BY", "AT", "WITH"]
    # Sent with a relation type that points at a label the same request removes: 400.
    answer = client.patch("/api/projects/aleppo/", {"labels": labels[:3], "relation_types": kinds}, format="json")
    assert answer.status_code == 400
    assert answer.json()["error"]["path"] == "relation_types[2].target"
    assert project.labels.filter(name="WEAPON").exists()
    # Labels changed alone: an unused type whose label is gone goes with it.
    answer = client.patch("/api/projects/aleppo/", {"labels": labels[:3]}, format="json")
    assert answer.status_code == 200 and answer.json()["relation_types"] == BY_AND_AT


def test_bad_input_in_a_change_stores_nothing(project, client_for, owner) -> None:  # type: ignore[no-untyped-def]
    kinds = [BY_AND_AT[0], {"name": "AT", "source": "CASUALTY_COUNT", "target": "NOWHERE"}]
    body = {"name": "Renamed", "relation_types": kinds}
    answer = client_for(owner).patch("/api/projects/aleppo/", body, format="json")
    assert answer.status_code == 400 and answer.json()["error"]["path"] == "relation_types[1].target"
    assert Project.objects.get(slug="aleppo").name != "Renamed"
    assert [row[0] for row in stored("aleppo")] == ["BY", "AT"]


def test_a_relation_type_that_relations_use_cannot_be_removed(project, client_for, owner, alice) -> None:  # type: ignore[no-untyped-def]
    annotation = next_for(project=project, user=alice).annotation
    count = Span.objects.create(annotation=annotation, start=0, end=2, label="CASUALTY_COUNT")
    actor = Span.objects.create(annotation=annotation, start=3, end=5, label="PERPETRATOR")
    Relation.objects.create(annotation=annotation, source=count, target=actor, type="BY")
    answer = client_for(owner).patch("/api/projects/aleppo/", {"relation_types": BY_AND_AT[1:]}, format="json")
    assert answer.status_code == 409, answer.content
    assert "BY" in answer.json()["error"]["message"] and answer.json()["error"]["field"] == "relation_types"
    assert [row[0] for row in stored("aleppo")] == ["BY", "AT"]
    # The unused one may go.
    answer = client_for(owner).patch("/api/projects/aleppo/", {"relation_types": BY_AND_AT[:1]}, format="json")
    assert answer.status_code == 200 and [row[0] for row in stored("aleppo")] == ["BY"]
    assert Annotation.objects.filter(pk=annotation.pk).exists()


def test_only_the_owner_changes_them(project, client_for, alice, reviewer, outsider) -> None:  # type: ignore[no-untyped-def]
    body = {"relation_types": []}
    assert client_for(outsider).patch("/api/projects/aleppo/", body, format="json").status_code == 404
    assert client_for(alice).patch("/api/projects/aleppo/", body, format="json").status_code == 403
    assert client_for(reviewer).patch("/api/projects/aleppo/", body, format="json").status_code == 403
    assert [row[0] for row in stored("aleppo")] == ["BY", "AT"]


def test_a_duplicate_copies_them(project, client_for, owner) -> None:  # type: ignore[no-untyped-def]
    kinds = [{"name": "NEAR", "source": "PERPETRATOR", "target": "LOCATION", "hotkey": "n"}]
    client_for(owner).patch("/api/projects/aleppo/", {"relation_types": kinds}, format="json")
    answer = client_for(owner).post("/api/projects/aleppo/duplicate/", {"slug": "aleppo-2"}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["relation_types"] == kinds
    assert stored("aleppo-2") == [("NEAR", "PERPETRATOR", "LOCATION", "n")]


def test_the_template_carries_by_and_at(client_for, alice) -> None:  # type: ignore[no-untyped-def]
    (template,) = client_for(alice).get("/api/project-templates/").json()
    assert template["relation_types"] == BY_AND_AT
