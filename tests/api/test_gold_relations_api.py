"""Gold relations over the API (#21): saved by index into the gold's spans, read back with
their provenance (the annotators who had the link, or "reviewer"), kept when a save leaves
them out; relation disagreements in the adjudication view; per role."""

from __future__ import annotations

import pytest

from annotator.models import Annotation, Document, GoldRelation, Relation, Span
from tests.helpers import annotate

MIXED = "حلب: 12 civilians 👨‍👩‍👧 killed by regime forces 🇸🇾 in Alep-Est, Zoé said."
PHRASES = [("12 civilians", "CASUALTY_COUNT"), ("regime forces", "PERPETRATOR"), ("Alep-Est", "LOCATION")]


def span(phrase: str, label: str) -> dict:  # type: ignore[type-arg]
    start = MIXED.index(phrase)
    return {"start": start, "end": start + len(phrase), "label": label}


SPANS = [span(*p) for p in PHRASES]  # count 0, perpetrator 1, place 2 (sorted by offset)


def link(annotation: Annotation, source: str, target: str, kind: str) -> None:
    rows = {s.start: s for s in Span.objects.filter(annotation=annotation)}
    Relation.objects.create(
        annotation=annotation, source=rows[MIXED.index(source)], target=rows[MIXED.index(target)], type=kind
    )


@pytest.fixture
def document(project, alice, bob) -> Document:  # type: ignore[no-untyped-def]
    """Alice and bob mark the same spans; alice links the count BY and AT, bob only AT."""
    document = Document.objects.filter(project=project).order_by("id").first()
    Document.objects.filter(pk=document.pk).update(text=MIXED)
    document.refresh_from_db()
    mine = annotate(document, alice, PHRASES)
    link(mine, "12 civilians", "regime forces", "BY")
    link(mine, "12 civilians", "Alep-Est", "AT")
    link(annotate(document, bob, PHRASES), "12 civilians", "Alep-Est", "AT")
    return document


def put_gold(client, document, version: int = 0, **body):  # type: ignore[no-untyped-def]
    sources = list(Annotation.objects.filter(document=document).values_list("pk", flat=True))
    data = {"spans": SPANS, "version": version, "source_annotation_ids": sources, **body}
    return client.put(f"/api/documents/{document.pk}/gold/", data, format="json")


def test_reviewers_read_each_annotators_links_at_no_query_per_annotator(document, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotator.models import Role
    from annotator.services.projects import add_member

    url = f"/api/documents/{document.pk}/annotations/"
    with CaptureQueriesContext(connection) as two:
        body = client_for(reviewer).get(url).json()
    links = {a["annotator"]: a["relations"] for a in body["annotations"]}
    assert sorted(links["alice"], key=lambda r: r["type"]) == [
        {"from": 0, "to": 2, "type": "AT"},
        {"from": 0, "to": 1, "type": "BY"},
    ]
    assert links["bob"] == [{"from": 0, "to": 2, "type": "AT"}]

    carol = User.objects.create_user(username="carol", password="carol-password-1")
    add_member(project=document.project, user=carol, role=Role.ANNOTATOR)
    link(annotate(document, carol, PHRASES), "12 civilians", "regime forces", "BY")
    with CaptureQueriesContext(connection) as three:
        body = client_for(reviewer).get(url).json()
    assert {a["annotator"]: a["relations"] for a in body["annotations"]}["carol"] == [
        {"from": 0, "to": 1, "type": "BY"}
    ]
    assert len(three) == len(two)


def test_gold_relations_are_stored_with_who_had_them(document, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    relations = [{"from": 0, "to": 1, "type": "BY"}, {"from": 0, "to": 2, "type": "AT"}]
    saved = put_gold(client_for(reviewer), document, relations=relations)
    assert saved.status_code == 200, saved.content
    shown = sorted(saved.json()["relations"], key=lambda r: r["type"])
    assert shown == [
        {"from": 0, "to": 2, "type": "AT", "provenance": ["alice", "bob"]},
        {"from": 0, "to": 1, "type": "BY", "provenance": ["alice"]},
    ]
    again = client_for(reviewer).get(f"/api/documents/{document.pk}/gold/").json()
    assert again["relations"] == saved.json()["relations"]
    # Offsets in code points: the family emoji is five of them, the flag two.
    stored = {(r.source.start, r.source.end, r.target.start, r.target.end, r.type) for r in GoldRelation.objects.all()}
    assert stored == {(5, 17, 34, 47, "BY"), (5, 17, 54, 62, "AT")}


def test_a_link_nobody_made_is_the_reviewers(document, client_for, owner) -> None:  # type: ignore[no-untyped-def]
    spans = [*SPANS, span("Zoé", "PERPETRATOR")]  # a perpetrator nobody marked, linked by hand
    saved = put_gold(client_for(owner), document, spans=spans, relations=[{"from": 0, "to": 3, "type": "BY"}])
    assert saved.status_code == 200, saved.content
    assert saved.json()["relations"] == [{"from": 0, "to": 3, "type": "BY", "provenance": ["reviewer"]}]
    assert GoldRelation.objects.get().provenance == ["reviewer"]


def test_a_save_without_relations_keeps_those_whose_spans_it_kept(document, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    client = client_for(reviewer)
    relations = [{"from": 0, "to": 1, "type": "BY"}, {"from": 0, "to": 2, "type": "AT"}]
    assert put_gold(client, document, relations=relations).status_code == 200
    # The place's span is dropped: its AT link goes with it, BY stays with its provenance.
    kept = put_gold(client, document, version=1, spans=SPANS[:2]).json()
    assert kept["relations"] == [{"from": 0, "to": 1, "type": "BY", "provenance": ["alice"]}]
    cleared = put_gold(client, document, version=2, spans=SPANS[:2], relations=[]).json()
    assert cleared["relations"] == [] and not GoldRelation.objects.exists()


def test_a_bad_gold_relation_gets_a_400_naming_it_and_nothing_is_stored(document, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    refused = put_gold(client_for(reviewer), document, relations=[{"from": 0, "to": 2, "type": "BY"}])
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "relations"
    assert "BY goes from CASUALTY_COUNT to PERPETRATOR, not from CASUALTY_COUNT to LOCATION" in refused.json()["detail"]
    assert client_for(reviewer).get(f"/api/documents/{document.pk}/gold/").json()["version"] == 0


def test_the_adjudication_view_groups_relation_disagreements(document, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    body = client_for(reviewer).get(f"/api/documents/{document.pk}/adjudication/").json()
    relations = body["relations"]
    assert relations["agreed"] == [
        {"source": span("12 civilians", "CASUALTY_COUNT"), "target": span("Alep-Est", "LOCATION"), "type": "AT"}
    ]
    (extra,) = relations["disagreements"]["extra"]
    assert extra["type"] == "BY" and extra["missing"] == ["bob"]
    assert extra["relations"] == [{"target": span("regime forces", "PERPETRATOR"), "annotators": ["alice"]}]
    assert relations["disagreement_count"] == 1


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("alice", 403), ("reviewer", 200), ("owner", 200)])
def test_gold_relations_per_role(document, client_for, request, who: str, status: int) -> None:  # type: ignore[no-untyped-def]
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/api/documents/{document.pk}/gold/").status_code == status
    assert client.get(f"/api/documents/{document.pk}/adjudication/").status_code == status
    saved = put_gold(client, document, relations=[{"from": 0, "to": 2, "type": "AT"}])
    assert saved.status_code == status
    assert GoldRelation.objects.exists() == (status == 200)
