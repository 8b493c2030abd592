"""relation_f1 in the agreement report over the API (#21), against a hand computation:
pairwise exact and overlap, per relation type, and each annotator against the gold."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from annotator.models import Annotation, Document, Relation, Span
from tests.api.test_agreement_api import computed_report
from tests.helpers import annotate

MIXED = "حلب: 12 civilians 👨‍👩‍👧 killed by regime forces 🇸🇾 in Alep-Est, Zoé said."
COUNT, ACTOR, PLACE, SHORT_PLACE = (
    ("12 civilians", "CASUALTY_COUNT"),
    ("regime forces", "PERPETRATOR"),
    ("Alep-Est", "LOCATION"),
    ("Alep", "LOCATION"),
)


def linked(document: Document, user, spans, links) -> Annotation:  # type: ignore[no-untyped-def]
    """`user`'s submitted annotation with `spans` and `links` ((source, target, type) phrases)."""
    annotation = annotate(document, user, spans)
    rows = {(s.start, s.end): s for s in Span.objects.filter(annotation=annotation)}

    def row(phrase: str) -> Span:
        start = MIXED.index(phrase)
        return rows[(start, start + len(phrase))]

    for source, target, kind in links:
        Relation.objects.create(annotation=annotation, source=row(source), target=row(target), type=kind)
    return annotation


@pytest.fixture
def two_documents(project, alice, bob, reviewer, client_for):  # type: ignore[no-untyped-def]
    """Document 1: both link the count BY the regime; AT Alep-Est for alice, AT "Alep" (a
    shorter place span) for bob. Document 2: alice links only BY, bob only AT. Document 1 has
    gold with BY and AT Alep-Est."""
    first, second = Document.objects.filter(project=project).order_by("id")[:2]
    Document.objects.filter(pk__in=[first.pk, second.pk]).update(text=MIXED)
    first.refresh_from_db()
    second.refresh_from_db()
    count, actor, place, short = COUNT[0], ACTOR[0], PLACE[0], SHORT_PLACE[0]
    linked(first, alice, [COUNT, ACTOR, PLACE], [(count, actor, "BY"), (count, place, "AT")])
    linked(first, bob, [COUNT, ACTOR, SHORT_PLACE], [(count, actor, "BY"), (count, short, "AT")])
    linked(second, alice, [COUNT, ACTOR, PLACE], [(count, actor, "BY")])
    linked(second, bob, [COUNT, ACTOR, PLACE], [(count, place, "AT")])
    spans = [
        {"start": MIXED.index(p), "end": MIXED.index(p) + len(p), "label": label} for p, label in (COUNT, ACTOR, PLACE)
    ]
    relations = [{"from": 0, "to": 1, "type": "BY"}, {"from": 0, "to": 2, "type": "AT"}]
    saved = client_for(reviewer).put(
        f"/api/documents/{first.pk}/gold/", {"spans": spans, "relations": relations, "version": 0}, format="json"
    )
    assert saved.status_code == 200, saved.content


def test_relation_f1_in_the_report_matches_the_hand_computation(
    two_documents, client_for, reviewer, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    report = computed_report(
        client_for(reviewer), "/api/projects/aleppo/agreement/?resamples=50", django_capture_on_commit_callbacks
    )
    exact = report["relation_f1"]
    # alice 3 relations, bob 3, one match (BY in document 1): 2 * 1 / 6; items: the union, 5.
    assert exact["value"] == pytest.approx(1 / 3) and exact["items"] == 5 and exact["documents"] == 2
    # BY: 1 match, alice 2, bob 1 -> 2/3 on 2 relations; AT: 0 of 1 + 2 -> 0 on 3; macro 1/3.
    assert exact["per_label"]["BY"] == {"value": pytest.approx(2 / 3), "items": 2}
    assert exact["per_label"]["AT"] == {"value": 0.0, "items": 3}
    assert exact["macro"] == pytest.approx(1 / 3)
    assert exact["per_pair"]["alice|bob"]["value"] == pytest.approx(1 / 3)
    # Overlap: bob's "Alep" overlaps alice's "Alep-Est", so AT in document 1 matches too: 2 * 2 / 6.
    overlap = report["relation_f1_overlap"]
    assert overlap["value"] == pytest.approx(2 / 3) and overlap["per_label"]["AT"]["value"] == pytest.approx(2 / 3)
    # Against the gold (document 1 only): alice has both, bob BY only exactly (2 * 1 / 4).
    gold = report["relation_f1_vs_gold"]
    assert gold["exact"]["per_pair"]["alice"]["value"] == 1.0
    assert gold["exact"]["per_pair"]["bob"]["value"] == 0.5
    assert gold["exact"]["value"] == pytest.approx(0.75) and gold["exact"]["documents"] == 1
    assert gold["overlap"]["per_pair"]["bob"]["value"] == 1.0


def test_the_command_prints_relation_f1_beside_the_span_measures(two_documents) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("agreement", "aleppo", "--resamples", "0", stdout=out)
    lines = {line.split("  ")[0]: line for line in out.getvalue().splitlines()}
    assert lines["Relation F1, exact"].split()[3:5] == ["0.333", "0.333"]
    assert lines["Relation F1 vs gold, exact"].split()[5] == "0.750"
