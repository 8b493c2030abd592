"""Comment threads on a document: who sees them (blind annotation holds), answering,
resolving, bad input, the lists' unresolved counts and the exports."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator.formats.jsonl import read_jsonl
from annotator.models import Comment
from annotator.services.uploads import create_document
from tests.helpers import annotate

FAMILY = "👨‍👩‍👧"
MIXED = f"Café Nour hit: {FAMILY} a family of 3 killed in Idlib."


@pytest.fixture
def shared(project, alice, bob):  # type: ignore[no-untyped-def]
    """A document of the project that both annotators hold, with the ZWJ family in its text."""
    document = create_document(project=project, text=MIXED, external_id="zwj-4")
    annotate(document, alice, [], status="draft")
    annotate(document, bob, [], status="draft")
    return document


def comments_url(document) -> str:  # type: ignore[no-untyped-def]
    return f"/api/documents/{document.pk}/comments/"


def start_thread(client, document, **body):  # type: ignore[no-untyped-def]
    response = client.post(comments_url(document), body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_an_annotator_pins_a_comment_the_reviewer_answers_and_resolves_it(shared, client_for, alice, reviewer) -> None:
    start = MIXED.index(FAMILY)
    end = MIXED.index(" killed")
    thread = start_thread(client_for(alice), shared, body="Is the family the count?", start=start, end=end)
    assert thread["quote"] == f"{FAMILY} a family of 3"
    assert (thread["start"], thread["end"]) == (15, 34)  # code points: the family is 5 of them
    stored = Comment.objects.get(pk=thread["id"])
    assert MIXED[stored.start : stored.end] == f"{FAMILY} a family of 3"

    seen = client_for(reviewer).get(comments_url(shared)).json()
    assert seen["unresolved"] == 1 and seen["threads"][0]["author"] == "alice"
    assert seen["threads"][0]["annotator"] == "alice"
    client_for(reviewer).post(comments_url(shared), {"body": "Yes, 3 killed.", "reply_to": thread["id"]}, format="json")

    mine = client_for(alice).get(comments_url(shared)).json()
    assert [r["body"] for r in mine["threads"][0]["replies"]] == ["Yes, 3 killed."]

    detail = f"{comments_url(shared)}{thread['id']}/"
    assert client_for(alice).patch(detail, {"resolved": True}, format="json").status_code == 403
    resolved = client_for(reviewer).patch(detail, {"resolved": True}, format="json")
    assert resolved.status_code == 200 and resolved.json()["resolved_by"] == "rita"
    assert client_for(alice).get(comments_url(shared)).json()["unresolved"] == 0
    reopened = client_for(reviewer).patch(detail, {"resolved": False}, format="json").json()
    assert reopened["resolved"] is False and reopened["resolved_by"] is None


def test_an_annotator_never_sees_another_annotators_comments(shared, client_for, alice, bob) -> None:
    thread = start_thread(client_for(alice), shared, body="Only mine")
    assert client_for(bob).get(comments_url(shared)).json()["threads"] == []
    answer = client_for(bob).post(comments_url(shared), {"body": "peek", "reply_to": thread["id"]}, format="json")
    assert answer.status_code == 404
    assert client_for(bob).patch(f"{comments_url(shared)}{thread['id']}/", {"resolved": True}).status_code == 404
    assert not Comment.objects.filter(parent_id=thread["id"]).exists()


def test_a_reviewer_addresses_a_thread_to_one_annotator(shared, project, client_for, alice, bob, reviewer) -> None:
    thread = start_thread(client_for(reviewer), shared, body="Alice, check the location", annotator="alice")
    assert [t["id"] for t in client_for(alice).get(comments_url(shared)).json()["threads"]] == [thread["id"]]
    assert client_for(bob).get(comments_url(shared)).json()["threads"] == []
    reply = client_for(alice).post(comments_url(shared), {"body": "Fixed", "reply_to": thread["id"]}, format="json")
    assert reply.status_code == 201 and reply.json()["replies"][0]["author"] == "alice"
    among_reviewers = start_thread(client_for(reviewer), shared, body="Between us")
    assert among_reviewers["annotator"] is None
    assert len(client_for(alice).get(comments_url(shared)).json()["threads"]) == 1
    addressed_by_annotator = client_for(alice).post(
        comments_url(shared), {"body": "x", "annotator": "bob"}, format="json"
    )
    assert addressed_by_annotator.status_code == 403


def test_outsiders_and_unassigned_annotators_get_404(project, shared, client_for, alice, outsider) -> None:
    thread = start_thread(client_for(alice), shared, body="mine")
    for client in (client_for(outsider),):
        assert client.get(comments_url(shared)).status_code == 404
        assert client.post(comments_url(shared), {"body": "hi"}, format="json").status_code == 404
        assert client.patch(f"{comments_url(shared)}{thread['id']}/", {"resolved": True}).status_code == 404
    other = project.documents.exclude(pk=shared.pk).first()
    assert client_for(alice).get(comments_url(other)).status_code == 404
    assert client_for(None).get(comments_url(shared)).status_code in (401, 403)


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"body": ""}, "body", "may not be blank"),
        ({"body": "   "}, "body", "needs some text"),
        ({}, "body", "required"),
        ({"body": "x", "start": 3}, "end", "needs both start and end"),
        ({"body": "x", "start": 0, "end": 999}, "start", "outside the text"),
        ({"body": "x", "start": 5, "end": 2}, "start", "start must be before end"),
        ({"body": "x", "start": 16, "end": 34}, "start", f"inside the character '{FAMILY}'"),
        ({"body": "x", "start": 1, "end": 4}, "start", "inside the word 'Café'"),
        ({"body": "x", "annotator": "oscar"}, "annotator", "not assigned this document"),
    ],
)
def test_bad_comments_get_400_naming_the_field(shared, client_for, reviewer, body, field, words) -> None:
    response = client_for(reviewer).post(comments_url(shared), body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in (error.get("field"), *error.get("fields", {}))
    assert words in response.json()["detail"]
    assert not Comment.objects.exists()


def test_resolving_needs_a_true_or_false(shared, client_for, alice, reviewer) -> None:
    thread = start_thread(client_for(alice), shared, body="mine")
    response = client_for(reviewer).patch(f"{comments_url(shared)}{thread['id']}/", {}, format="json")
    assert response.status_code == 400 and "resolved" in response.json()["error"]["fields"]
    unknown = client_for(reviewer).patch(f"{comments_url(shared)}{10**20}/", {"resolved": True}, format="json")
    assert unknown.status_code == 404


def test_the_document_list_counts_unresolved_threads_the_caller_sees_in_one_query(
    project, shared, client_for, alice, bob, reviewer
) -> None:
    start_thread(client_for(alice), shared, body="one")
    start_thread(client_for(alice), shared, body="two")
    start_thread(client_for(reviewer), shared, body="reviewers only")

    def counts(user) -> dict[str, int]:  # type: ignore[no-untyped-def]
        rows = client_for(user).get("/api/projects/aleppo/documents/?page_size=500").json()["results"]
        return {row["external_id"]: row["unresolved_comments"] for row in rows if row["unresolved_comments"]}

    assert counts(reviewer) == {"zwj-4": 3}
    assert counts(alice) == {"zwj-4": 2}
    assert counts(bob) == {}

    client = client_for(reviewer)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/projects/aleppo/documents/?page_size=500")
    for document in project.documents.exclude(pk=shared.pk)[:10]:
        start_thread(client, document, body="more")
    with CaptureQueriesContext(connection) as many:
        client.get("/api/projects/aleppo/documents/?page_size=500")
    assert len(many) == len(few)  # no query per document


def test_exports_carry_the_threads_each_reader_may_see(shared, client_for, alice, bob, reviewer) -> None:
    thread = start_thread(client_for(alice), shared, body="Pinned", start=15, end=34)
    client_for(reviewer).post(comments_url(shared), {"body": "Answer", "reply_to": thread["id"]}, format="json")
    start_thread(client_for(reviewer), shared, body="Among reviewers")
    client_for(reviewer).patch(f"{comments_url(shared)}{thread['id']}/", {"resolved": True}, format="json")

    def export(user, fmt: str, source: str) -> str:  # type: ignore[no-untyped-def]
        drafts = "&status=draft" if source != "documents" else ""
        response = client_for(user).get(f"/api/projects/aleppo/export/?format={fmt}&source={source}{drafts}")
        assert response.status_code == 200, response.content
        return b"".join(response.streaming_content).decode()

    lines = export(reviewer, "jsonl", "all")
    records = {(r.id, r.annotator): r for r in read_jsonl(lines.splitlines())}
    alices = records[("zwj-4", "alice")]
    assert alices.comments is not None and "comments" not in alices.meta
    [exported] = alices.comments
    assert (exported["start"], exported["end"], exported["resolved"]) == (15, 34, True)
    assert alices.text[exported["start"] : exported["end"]] == f"{FAMILY} a family of 3"
    assert [r["body"] for r in exported["replies"]] == ["Answer"]
    assert records[("zwj-4", "bob")].comments is None  # bob's record: none of his, none of alice's

    own = export(alice, "jsonl", "annotator:alice")
    assert "Among reviewers" not in own and "Pinned" in own

    everything = [json.loads(line) for line in export(reviewer, "doccano", "documents").splitlines()]
    zwj = next(line for line in everything if line["id"] == "zwj-4")
    assert [c["comment"] for c in zwj["Comments"]] == ["Pinned", "Answer", "Among reviewers"]
    assert [c["user"] for c in zwj["Comments"]] == ["alice", "rita", "rita"]
    assert all(line["Comments"] == [] for line in everything if line["id"] != "zwj-4")


def test_an_exported_project_imports_back_with_its_comment_threads(
    shared, project, client_for, owner, alice, reviewer
) -> None:
    from annotator.formats.jsonl import write_jsonl
    from annotator.services.exports import export_records
    from annotator.services.imports import import_documents
    from annotator.services.projects import add_member, create_project
    from tests.conftest import LABELS

    thread = start_thread(client_for(alice), shared, body="Pinned", start=15, end=34)
    client_for(reviewer).post(comments_url(shared), {"body": "Answer", "reply_to": thread["id"]}, format="json")
    client_for(reviewer).patch(f"{comments_url(shared)}{thread['id']}/", {"resolved": True}, format="json")
    start_thread(client_for(reviewer), shared, body="Among reviewers")
    exported = "".join(write_jsonl(export_records(project=project, source="documents")))

    copy = create_project(slug="copy", labels=LABELS, owner=owner)
    add_member(project=copy, user=alice, role="annotator")  # rita is not a member: her words stay out
    import_documents(project=copy, records=read_jsonl(exported.splitlines()))
    import_documents(project=copy, records=read_jsonl(exported.splitlines()))  # again: nothing twice
    [stored] = Comment.objects.filter(document__project=copy)
    assert (stored.author, stored.annotator, stored.body, stored.start, stored.end) == (alice, alice, "Pinned", 15, 34)
    assert stored.resolved_at is not None and not stored.replies.exists()

    add_member(project=copy, user=reviewer, role="reviewer")
    import_documents(project=copy, records=read_jsonl(exported.splitlines()))
    again = [json.loads(line) for line in write_jsonl(export_records(project=copy, source="documents"))]
    zwj = next(line for line in again if line["id"] == "zwj-4")
    # Rita's thread comes in now that she is a member; alice's, already there, is not doubled.
    assert [(c["author"], c["body"]) for c in zwj["comments"]] == [("alice", "Pinned"), ("rita", "Among reviewers")]


def test_an_import_rejects_a_comment_pinned_inside_the_family_naming_the_line(project) -> None:
    from annotator.exceptions import FormatError
    from annotator.formats.registry import read_bytes

    line = {"id": "x", "text": MIXED, "comments": [{"author": "alice", "body": "b", "start": 16, "end": 34}]}
    with pytest.raises(FormatError, match=f"line 1: comment 0: start 16 is inside the character '{FAMILY}'"):
        read_bytes("x.jsonl", json.dumps(line).encode(), "jsonl")
