"""The document browser through the API: the list's filters and orders per role, and the
owners' bulk actions (delete, restore, return to the queue), each all or nothing."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from annotator.models import Annotation, Document, Gold
from annotator.services import queue
from annotator.services.deletion import delete_document
from tests.helpers import annotate

LISTING = "/api/projects/aleppo/documents/"
BULK = "/api/projects/aleppo/documents/bulk/"


@pytest.fixture
def docs(project, alice, bob):  # type: ignore[no-untyped-def]
    """Five documents: [0] alice and bob submitted different spans (a disagreement), [1]
    both submitted the same spans, [2] alice's draft, [3] bob skipped it and it has gold,
    [4] untouched. Uncertainties 0.9, 0.1, 0.5, none, 0.7."""
    documents = list(Document.objects.filter(project=project).order_by("pk"))
    annotate(documents[0], alice, [("Aleppo", "LOCATION")])
    annotate(documents[0], bob, [])
    annotate(documents[1], alice, [])
    annotate(documents[1], bob, [])
    annotate(documents[2], alice, [], status="draft")
    annotate(documents[3], bob, [], status="skipped")
    Gold.objects.create(document=documents[3])
    queue.refresh_documents([documents[3].pk])
    for document, doubt in zip(documents, (0.9, 0.1, 0.5, None, 0.7), strict=True):
        Document.objects.filter(pk=document.pk).update(model_uncertainty=doubt)
    return documents


def listed(client, **params) -> list[int]:  # type: ignore[no-untyped-def]
    response = client.get(LISTING, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def ids(docs, *positions: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [docs[n].pk for n in positions]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"annotator": "alice", "annotator_status": "submitted"}, [0, 1]),
        ({"annotator": "alice", "annotator_status": "draft"}, [2]),
        ({"annotator": "bob", "annotator_status": "skipped"}, [3]),
        ({"annotator": "alice", "annotator_status": "not_started"}, [3, 4]),
        ({"annotator_status": "not_started"}, [4]),
        ({"annotator_status": "draft"}, [2]),
        ({"annotator": "bob"}, [0, 1, 3]),
        ({"assignee": "alice"}, [0, 1, 2]),
        ({"has_gold": "true"}, [3]),
        ({"has_gold": "false"}, [0, 1, 2, 4]),
        ({"has_disagreement": "true"}, [0]),
        ({"has_disagreement": "false"}, [1, 2, 3, 4]),
        ({"label": "LOCATION"}, [0]),
        ({"uncertainty_min": "0.5"}, [0, 2, 4]),
        ({"uncertainty_min": "0.2", "uncertainty_max": "0.7"}, [2, 4]),
        ({"has_gold": "false", "annotator_status": "submitted", "has_disagreement": "false"}, [1]),
        ({"q": "aleppo", "has_disagreement": "true"}, [0]),
    ],
)
def test_owners_filter_the_documents(docs, client_for, owner, params, expected) -> None:  # type: ignore[no-untyped-def]
    assert listed(client_for(owner), **params) == ids(docs, *expected)
    assert listed(client_for(owner), cursor=0, **params) == ids(docs, *expected)


def test_reviewers_filter_like_owners(docs, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    assert listed(client_for(reviewer), has_disagreement="true") == ids(docs, 0)


def test_created_dates_bound_the_list(docs, client_for, owner) -> None:  # type: ignore[no-untyped-def]
    old = timezone.now() - timedelta(days=10)
    Document.objects.filter(pk__in=ids(docs, 0, 1)).update(created_at=old)
    since = (old + timedelta(days=1)).date().isoformat()
    assert listed(client_for(owner), created_after=since) == ids(docs, 2, 3, 4)
    assert listed(client_for(owner), created_before=since) == ids(docs, 0, 1)


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("id", [0, 1, 2, 3, 4]),
        ("-id", [4, 3, 2, 1, 0]),
        ("uncertainty", [3, 1, 2, 4, 0]),
        ("-uncertainty", [0, 4, 2, 1, 3]),
        ("created", [0, 1, 2, 3, 4]),
        ("-created", [4, 3, 2, 1, 0]),
    ],
)
def test_keyset_pages_follow_every_order(docs, client_for, owner, ordering, expected) -> None:  # type: ignore[no-untyped-def]
    client, seen = client_for(owner), []
    url = f"{LISTING}?cursor=0&page_size=2&ordering={ordering}"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"] and (urlsplit(body["next"]).path + "?" + urlsplit(body["next"]).query)
    assert seen == ids(docs, *expected)
    assert listed(client, ordering=ordering) == ids(docs, *expected)  # numbered pages too


def test_rows_carry_the_uncertainty(docs, client_for, owner) -> None:  # type: ignore[no-untyped-def]
    rows = client_for(owner).get(LISTING, {"ordering": "-uncertainty"}).json()["results"]
    assert [row["model_uncertainty"] for row in rows] == [0.9, 0.7, 0.5, 0.1, None]


def test_an_annotator_filters_only_their_own_documents(docs, client_for, alice, bob) -> None:  # type: ignore[no-untyped-def]
    assert listed(client_for(alice)) == ids(docs, 0, 1, 2)
    assert listed(client_for(alice), annotator_status="draft") == ids(docs, 2)
    assert listed(client_for(alice), annotator_status="submitted") == ids(docs, 0, 1)
    assert listed(client_for(bob), annotator_status="skipped") == ids(docs, 3)
    assert listed(client_for(alice), annotator_status="not_started") == []
    assert listed(client_for(alice), has_gold="false", ordering="-uncertainty") == ids(docs, 0, 2, 1)


def test_an_annotator_may_not_look_at_another_annotators_documents(docs, client_for, alice) -> None:  # type: ignore[no-untyped-def]
    response = client_for(alice).get(LISTING, {"annotator": "bob", "annotator_status": "skipped"})
    assert response.status_code == 403


def test_outsiders_do_not_find_the_project(docs, client_for, outsider) -> None:  # type: ignore[no-untyped-def]
    assert client_for(outsider).get(LISTING, {"has_gold": "true"}).status_code == 404
    assert client_for(outsider).post(BULK, {"action": "delete", "ids": ids(docs, 0)}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"has_gold": "maybe"}, "has_gold"),
        ({"has_disagreement": "2"}, "has_disagreement"),
        ({"annotator_status": "finished"}, "annotator_status"),
        ({"uncertainty_min": "high"}, "uncertainty_min"),
        ({"uncertainty_min": "0.8", "uncertainty_max": "0.2"}, "uncertainty_min"),
        ({"created_after": "last tuesday"}, "created_after"),
        ({"ordering": "length"}, "ordering"),
        ({"ordering": "uncertainty", "cursor": "nonsense"}, "cursor"),
        ({"ordering": "uncertainty", "cursor": "abc~12"}, "cursor"),
        ({"cursor": "0.5~3"}, "cursor"),
        ({"deleted": "yes please"}, "deleted"),
    ],
)
def test_bad_filter_values_get_400_naming_the_parameter(docs, client_for, owner, params, field) -> None:  # type: ignore[no-untyped-def]
    response = client_for(owner).get(LISTING, params)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_owners_list_deleted_documents_and_nobody_else(docs, client_for, owner, reviewer) -> None:  # type: ignore[no-untyped-def]
    delete_document(document=docs[4])
    assert listed(client_for(owner), deleted="true") == ids(docs, 4)
    assert client_for(owner).get(LISTING, {"deleted": "true"}).json()["results"][0]["deleted_at"] is not None
    assert docs[4].pk not in listed(client_for(owner))
    assert client_for(reviewer).get(LISTING, {"deleted": "true"}).status_code == 403


# --- bulk actions -------------------------------------------------------------------------


def bulk(client, **body):  # type: ignore[no-untyped-def]
    return client.post(BULK, body, format="json")


def test_owners_delete_and_restore_selected_documents(docs, client_for, owner) -> None:  # type: ignore[no-untyped-def]
    response = bulk(client_for(owner), action="delete", ids=ids(docs, 1, 4))
    assert response.status_code == 200, response.content
    assert response.json()["documents"] == 2 and response.json()["undo_until"]
    assert listed(client_for(owner)) == ids(docs, 0, 2, 3)
    response = bulk(client_for(owner), action="restore", ids=ids(docs, 1, 4))
    assert response.json() == {"action": "restore", "documents": 2, "annotations_discarded": 0, "undo_until": None}
    assert listed(client_for(owner)) == ids(docs, 0, 1, 2, 3, 4)
    assert queue.check_queue_state(project=docs[0].project) == []


def test_owners_act_on_all_documents_matching_a_filter(docs, client_for, owner) -> None:  # type: ignore[no-untyped-def]
    response = bulk(client_for(owner), action="delete", filters={"has_gold": False, "annotator_status": "submitted"})
    assert response.json()["documents"] == 2
    assert listed(client_for(owner)) == ids(docs, 2, 3, 4)
    response = bulk(client_for(owner), action="restore", filters={"has_disagreement": True})
    assert response.json()["documents"] == 1
    assert listed(client_for(owner)) == ids(docs, 0, 2, 3, 4)


def test_returning_to_the_queue_discards_every_annotation_so_next_serves_it_again(  # type: ignore[no-untyped-def]
    docs, client_for, owner, alice
) -> None:
    response = bulk(client_for(owner), action="requeue", ids=ids(docs, 0, 2))
    assert response.json() == {"action": "requeue", "documents": 2, "annotations_discarded": 3, "undo_until": None}
    assert not Annotation.objects.filter(document__in=ids(docs, 0, 2)).exists()
    statuses = {row["id"]: row["status"] for row in client_for(owner).get(LISTING).json()["results"]}
    assert statuses[docs[0].pk] == statuses[docs[2].pk] == "unassigned"
    assert queue.check_queue_state(project=docs[0].project) == []
    served = client_for(alice).get("/api/projects/aleppo/next/").json()
    assert served["document"]["id"] == docs[0].pk  # alice had submitted it; now it is hers to do again


def test_returning_a_gold_document_to_the_queue_is_refused_and_changes_nothing(docs, client_for, owner) -> None:  # type: ignore[no-untyped-def]
    response = bulk(client_for(owner), action="requeue", ids=ids(docs, 0, 3))
    assert response.status_code == 409
    assert str(docs[3].pk) in response.json()["detail"]
    assert Annotation.objects.filter(document=docs[0]).count() == 2


def test_one_bad_id_refuses_the_whole_bulk_action(docs, client_for, owner, project) -> None:  # type: ignore[no-untyped-def]
    response = bulk(client_for(owner), action="delete", ids=[*ids(docs, 0, 1), 999_999])
    assert response.status_code == 400
    assert "999999" in response.json()["detail"]
    assert Document.objects.filter(project=project, deleted_at__isnull=False).count() == 0
    response = bulk(client_for(owner), action="restore", ids=ids(docs, 0))  # not deleted
    assert response.status_code == 400


def test_a_restore_past_the_undo_window_restores_nothing(docs, client_for, owner, settings) -> None:  # type: ignore[no-untyped-def]
    bulk(client_for(owner), action="delete", ids=ids(docs, 0, 1))
    long_ago = timezone.now() - timedelta(days=settings.UNDO_WINDOW_DAYS + 1)
    Document.objects.filter(pk=docs[1].pk).update(deleted_at=long_ago)
    response = bulk(client_for(owner), action="restore", ids=ids(docs, 0, 1))
    assert response.status_code == 409
    assert Document.objects.filter(pk__in=ids(docs, 0, 1), deleted_at__isnull=False).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "explode", "ids": [1]}, "action"),
        ({"action": "delete"}, "ids"),
        ({"action": "delete", "ids": [1], "filters": {}}, "ids"),
        ({"action": "delete", "ids": ["x"]}, "ids"),
        ({"action": "delete", "filters": {"has_gold": "maybe"}}, "filters"),
    ],
)
def test_bad_bulk_requests_get_400_naming_the_field(docs, client_for, owner, body, field) -> None:  # type: ignore[no-untyped-def]
    response = client_for(owner).post(BULK, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("who", ["reviewer", "alice"])
def test_lower_roles_may_not_act_in_bulk(docs, client_for, who, request) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(who)
    for action in ("delete", "restore", "requeue"):
        assert bulk(client_for(user), action=action, ids=ids(docs, 0)).status_code == 403
    assert not Document.objects.filter(deleted_at__isnull=False).exists()


@pytest.mark.parametrize("common_from", [2000, 1])  # the search read as rare (matches sorted) and as common (probed)
def test_a_search_in_another_order_finds_the_same_documents_in_that_order(  # type: ignore[no-untyped-def]
    docs, client_for, owner, monkeypatch, common_from
) -> None:
    from annotator.services import document_browser

    monkeypatch.setattr(document_browser, "COMMON_MATCHES", common_from)
    having = [d for d in Document.objects.filter(pk__in=ids(docs, 0, 1, 2, 3, 4)) if "aleppo" in d.text.lower()]
    expected = [d.pk for d in sorted(having, key=lambda d: (-(d.model_uncertainty or -1), d.pk))]
    assert len(expected) >= 2
    assert listed(client_for(owner), q="aleppo", ordering="-uncertainty") == expected
    assert listed(client_for(owner), q="aleppo", ordering="-uncertainty", cursor=0) == expected


def test_the_commented_filters_see_only_the_threads_the_caller_may_see(  # type: ignore[no-untyped-def]
    docs, client_for, owner, reviewer, alice, bob
):
    from annotator.services.comments import add_comment, set_resolved

    add_comment(document=docs[0], user=alice, sees_all=False, body="Is «Aleppo» the place? 👨‍👩‍👧")
    resolved = add_comment(document=docs[1], user=reviewer, sees_all=True, body="Checked.", annotator="bob")
    set_resolved(thread=resolved, user=reviewer, resolved=True)
    assert listed(client_for(owner), commented="true") == ids(docs, 0, 1)
    assert listed(client_for(owner), open_comments="true") == ids(docs, 0)
    assert listed(client_for(owner), commented="false") == ids(docs, 2, 3, 4)
    # Blind annotation: alice's filter counts her own thread only, not the one to bob.
    assert listed(client_for(alice), commented="true") == ids(docs, 0)
    assert listed(client_for(bob), commented="true") == ids(docs, 1)
    assert listed(client_for(bob), open_comments="true") == []
