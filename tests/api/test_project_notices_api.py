"""A project too large for SQLite says so to its owners on its page (the `notices` of the
project), as `manage.py check` says it to whoever runs the install (annotator.W001). The
aleppo project holds the five seed articles; the tests move the threshold around them."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the notice is SQLite's")


def notices(client, slug: str = "aleppo") -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/projects/{slug}/")
    assert response.status_code == 200, response.content
    return response.json()["notices"]


def test_the_owner_of_a_project_at_the_threshold_is_told_to_move_to_postgresql(client_for, project, owner, settings):
    settings.LARGE_PROJECT_SQLITE_DOCUMENTS = 5

    (notice,) = notices(client_for(owner))

    assert notice["code"] == "large_project_on_sqlite"
    assert "holds 5 documents on SQLite" in notice["message"]
    assert "PostgreSQL" in notice["message"]


def test_the_project_list_tells_the_owner_too(client_for, project, owner, settings):
    settings.LARGE_PROJECT_SQLITE_DOCUMENTS = 5

    listed = client_for(owner).get("/api/projects/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed

    assert [n["code"] for p in rows if p["slug"] == "aleppo" for n in p["notices"]] == ["large_project_on_sqlite"]


@pytest.mark.parametrize("who", ["reviewer", "alice"])
def test_reviewers_and_annotators_are_not_told(client_for, project, who, request, settings):
    settings.LARGE_PROJECT_SQLITE_DOCUMENTS = 5

    assert notices(client_for(request.getfixturevalue(who))) == []


def test_an_outsider_still_sees_no_project(client_for, project, outsider, settings):
    settings.LARGE_PROJECT_SQLITE_DOCUMENTS = 5

    assert client_for(outsider).get("/api/projects/aleppo/").status_code == 404


def test_below_the_threshold_or_with_it_off_there_is_nothing_to_say(client_for, project, owner, settings):
    settings.LARGE_PROJECT_SQLITE_DOCUMENTS = 6
    assert notices(client_for(owner)) == []
    settings.LARGE_PROJECT_SQLITE_DOCUMENTS = 0
    assert notices(client_for(owner)) == []


def test_the_schema_describes_the_notices(client_for, owner):
    schemas = client_for(owner).get("/api/schema/?format=json").json()["components"]["schemas"]

    assert "notices" in schemas["Project"]["properties"]
    assert set(schemas["Notice"]["properties"]) == {"code", "message"}
