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


def numbered(client, query: str) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(LISTING + "?" + query)
    assert response.status_code == 200, response.content
    return response.json()


def test_numbered_pages_under_the_count_limit_give_the_exact_count(project, client_for, owner):
    body = numbered(client_for(owner), "page=1&page_size=2")
    assert body["count"] == 5 and body["count_capped"] is False


def test_a_count_past_the_limit_stops_there_and_says_so(project, client_for, owner, settings):
    settings.DOCUMENT_COUNT_LIMIT = 3
    body = numbered(client_for(owner), "page_size=2")
    assert body["count"] == 3 and body["count_capped"] is True
    assert len(body["results"]) == 2 and "page=2" in body["next"]


def test_numbered_pages_lead_past_a_capped_count_to_every_document(project, client_for, owner, settings):
    settings.DOCUMENT_COUNT_LIMIT = 1
    client = client_for(owner)
    pages = [numbered(client, f"page={n}&page_size=2") for n in (1, 2, 3)]
    seen = [d["id"] for page in pages for d in page["results"]]
    everything = list(Document.objects.filter(project=project).order_by("pk").values_list("pk", flat=True))
    assert seen == everything
    assert [page["count_capped"] for page in pages] == [True, True, False]
    # the last page knows the total without counting
    assert pages[2]["count"] == 5 and pages[2]["next"] is None
    assert "page=2" in pages[2]["previous"] and "page=" not in pages[1]["previous"]
    assert client.get(LISTING + "?page=4&page_size=2").status_code == 404


def test_status_filters_and_search_count_up_to_the_limit_too(project, client_for, owner, settings):
    for n in range(4):
        create_document(project=project, text=f"Shelling near Homs, report {n}.")
    settings.DOCUMENT_COUNT_LIMIT = 2
    client = client_for(owner)
    unassigned = numbered(client, "status=unassigned&page_size=1")
    assert unassigned["count"] == 2 and unassigned["count_capped"] is True and unassigned["next"]
    homs = numbered(client, "q=homs&page_size=1")
    assert homs["count"] == 2 and homs["count_capped"] is True
    one_page = numbered(client, "q=homs&page_size=10")
    assert one_page["count"] == 4 and one_page["count_capped"] is False and len(one_page["results"]) == 4
    assert numbered(client, "status=gold")["count"] == 0


def test_keyset_pages_are_not_counted(project, client_for, owner):
    body = numbered(client_for(owner), "cursor=0")
    assert body["count"] is None and body["count_capped"] is False
