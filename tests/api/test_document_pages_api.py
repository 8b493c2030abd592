"""Keyset pages of the document list (`cursor`) and search through the API."""

from __future__ import annotations

from urllib.parse import urlsplit

from annotator.models import Document
from annotator.services.uploads import create_document

LISTING = "/api/projects/aleppo/documents/"


def walk(client, first: str, between=None) -> list[int]:  # type: ignore[no-untyped-def]
    """Every id on the pages from `first` on, following `next`; `between(n)` runs after page n."""
    seen, url, n = [], first, 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["count"] is None and body["previous"] is None
        seen += [d["id"] for d in body["results"]]
        n += 1
        if between:
            between(n)
        url = body["next"] and (urlsplit(body["next"]).path + "?" + urlsplit(body["next"]).query)
    return seen


def test_keyset_pages_cover_every_document_once_while_documents_are_added(project, client_for, owner):
    there = set(Document.objects.filter(project=project).values_list("pk", flat=True))
    added = []

    def add_one(n: int) -> None:
        added.append(create_document(project=project, text=f"Added while paging, number {n}.").pk)

    seen = walk(client_for(owner), LISTING + "?cursor=0&page_size=2", between=add_one)
    assert len(seen) == len(set(seen))
    # everything there before the walk, and all added while it went on but the one added
    # after its last page
    assert set(seen) == there | set(added[:-1])


def test_keyset_pages_keep_the_filters_in_their_next_link(project, client_for, owner):
    for n in range(3):
        create_document(project=project, text=f"Shelling near Homs, report {n}.")
    first = client_for(owner).get(LISTING + "?cursor=0&page_size=2&q=homs").json()
    assert "q=homs" in first["next"] and len(first["results"]) == 2
    assert len(walk(client_for(owner), LISTING + "?cursor=0&page_size=2&q=homs")) == 3


def test_numbered_pages_still_count(project, client_for, owner):
    body = client_for(owner).get(LISTING + "?page=1&page_size=2").json()
    assert body["count"] == 5 and "page=2" in body["next"]


def test_a_page_and_a_cursor_together_get_400(project, client_for, owner):
    response = client_for(owner).get(LISTING + "?page=2&cursor=0")
    assert response.status_code == 400
    assert "page" in response.json()["error"]["fields"]


def test_outsiders_get_404_for_keyset_pages_and_search(project, client_for, outsider):
    assert client_for(outsider).get(LISTING + "?cursor=0").status_code == 404
    assert client_for(outsider).get(LISTING + "?q=aleppo&cursor=0").status_code == 404


def test_annotators_page_through_their_own_documents_only(project, client_for, alice):
    from tests.api.conftest import assign

    mine = assign(client_for(alice))["document"]["id"]
    assert walk(client_for(alice), LISTING + "?cursor=0&page_size=1") == [mine]


def test_punctuation_and_operators_in_a_search_are_not_an_error(project, client_for, owner):
    for q in ['"', "(", "AND", "*", "-", 'aleppo" OR (', "NOT"]:
        response = client_for(owner).get(LISTING, {"q": q, "cursor": 0})
        assert response.status_code == 200, (q, response.content)
