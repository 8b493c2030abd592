"""The project's relation types in its detail (#21): what the annotate page needs to start a link
(name, source and target label, hotkey), read-only, documented in the schema."""

from __future__ import annotations

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


def test_a_settings_change_leaves_them_as_they_are(project, client_for, owner) -> None:  # type: ignore[no-untyped-def]
    # Read-only: like any field the settings do not take, it is passed over.
    body = {"name": "Aleppo", "relation_types": [{"name": "WITH", "source": "PERPETRATOR", "target": "LOCATION"}]}
    answer = client_for(owner).patch("/api/projects/aleppo/", body, format="json")
    assert answer.status_code == 200
    assert answer.json()["relation_types"] == BY_AND_AT


def test_the_schema_describes_them(client_for, owner) -> None:  # type: ignore[no-untyped-def]
    schema = client_for(owner).get("/api/schema/?format=json").json()
    project = schema["components"]["schemas"]["Project"]
    assert project["properties"]["relation_types"]["readOnly"] is True
    kind = schema["components"]["schemas"]["RelationType"]
    assert set(kind["properties"]) == {"name", "source", "target", "hotkey"}
