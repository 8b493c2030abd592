"""Relations through the annotation API (#21): saved by span index with the spans, read back by
index, checked against the project's relation types; a save without them keeps the links
whose spans it kept."""

from __future__ import annotations

import pytest

from annotator.models import Annotation, Document, Relation, RelationType
from annotator.services.assignment import next_for

MIXED = "حلب: 12 civilians 👨‍👩‍👧 killed by regime forces 🇸🇾 in Alep-Est, Zoé said."


@pytest.fixture
def mine(project, alice):  # type: ignore[no-untyped-def]
    """Alice's draft of a document holding the mixed text (Arabic, accents, emoji, flag, family)."""
    document = next_for(project=project, user=alice).annotation.document
    Document.objects.filter(pk=document.pk).update(text=MIXED)
    return Document.objects.get(pk=document.pk)


def span(words: str, label: str) -> dict:  # type: ignore[type-arg]
    start = MIXED.index(words)
    return {"start": start, "end": start + len(words), "label": label}


SPANS = [
    span("Alep-Est", "LOCATION"),
    span("12 civilians", "CASUALTY_COUNT"),
    span("regime forces", "PERPETRATOR"),
]


def save(client, document, version: int, **body):  # type: ignore[no-untyped-def]
    return client.put(f"/api/documents/{document.pk}/annotations/mine/", {"version": version, **body}, format="json")


def test_a_project_with_the_casualty_labels_has_by_and_at(project) -> None:  # type: ignore[no-untyped-def]
    kinds = {(t.name, t.source, t.target) for t in RelationType.objects.filter(project=project)}
    assert kinds == {("BY", "CASUALTY_COUNT", "PERPETRATOR"), ("AT", "CASUALTY_COUNT", "LOCATION")}


def test_relations_are_saved_by_index_and_read_back_by_index(client_for, alice, mine) -> None:  # type: ignore[no-untyped-def]
    relations = [{"from": 1, "to": 2, "type": "BY"}, {"from": 1, "to": 0, "type": "AT"}]
    saved = save(client_for(alice), mine, 1, spans=SPANS, relations=relations)
    assert saved.status_code == 200, saved.content
    body = saved.json()
    # Spans come back sorted by offset: count, perpetrator, place.
    assert [s["label"] for s in body["spans"]] == ["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"]
    assert sorted(body["relations"], key=lambda r: r["type"]) == [
        {"from": 0, "to": 2, "type": "AT"},
        {"from": 0, "to": 1, "type": "BY"},
    ]
    again = client_for(alice).get(f"/api/documents/{mine.pk}/annotations/mine/").json()
    assert again["relations"] == body["relations"]
    stored = {(r.source.start, r.source.end, r.target.start, r.target.end, r.type) for r in Relation.objects.all()}
    count, actor, place = MIXED.index("12"), MIXED.index("regime"), MIXED.index("Alep")
    # Offsets in code points: the family before "killed" is five of them, the flag two.
    assert (count, actor, place) == (5, 34, 54)
    assert stored == {(5, 17, 34, 47, "BY"), (5, 17, 54, 62, "AT")}


@pytest.mark.parametrize(
    ("relation", "words"),
    [
        ({"from": 1, "to": 7, "type": "BY"}, "from and to must be indices of the spans (0 to 2)"),
        ({"from": 1, "to": 1, "type": "BY"}, "links span 1 to itself"),
        ({"from": 1, "to": 2, "type": "WITH"}, "type 'WITH' is not a relation type of this project (BY, AT)"),
        (
            {"from": 1, "to": 0, "type": "BY"},
            "BY goes from CASUALTY_COUNT to PERPETRATOR, not from CASUALTY_COUNT to LOCATION",
        ),
        ("BY", "relation 0 must be an object"),
    ],
)
def test_a_bad_relation_is_refused_naming_it_and_nothing_is_stored(  # type: ignore[no-untyped-def]
    client_for, alice, mine, relation, words: str
):
    refused = save(client_for(alice), mine, 1, spans=SPANS, relations=[relation])
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "relations" and words in refused.json()["detail"]
    annotation = Annotation.objects.get(document=mine, annotator=alice)
    assert annotation.version == 1 and not annotation.spans.exists() and not Relation.objects.exists()


def test_a_save_without_relations_keeps_the_links_of_the_spans_it_kept(client_for, alice, mine) -> None:  # type: ignore[no-untyped-def]
    client = client_for(alice)
    relations = [{"from": 1, "to": 2, "type": "BY"}, {"from": 1, "to": 0, "type": "AT"}]
    assert save(client, mine, 1, spans=SPANS, relations=relations).status_code == 200
    # An editor that knows nothing of relations moves the place's span: its AT link goes,
    # the BY link between the spans it kept stays.
    moved = [span("Alep", "LOCATION"), SPANS[1], SPANS[2]]
    body = save(client, mine, 2, spans=moved).json()
    assert body["relations"] == [{"from": 0, "to": 1, "type": "BY"}]
    cleared = save(client, mine, 3, spans=moved, relations=[]).json()
    assert cleared["relations"] == [] and not Relation.objects.exists()
