"""The review page's relation disagreements (#21), in the browser, on the mixed-script text:
two annotators link one count AT different places; the reviewer takes one into the gold,
and the Agreement page shows the relation F1 this makes."""

from __future__ import annotations

import pytest

from annotator.models import Annotation, GoldRelation
from annotator.services.adjudication import save_gold
from annotator.services.annotations import save_my_annotation
from annotator.services.assignment import next_for
from tests.e2e.conftest import MIXED, log_in

PHRASES = [
    ("20 Menschen", "CASUALTY_COUNT"),
    ("armée syrienne", "PERPETRATOR"),
    ("Alep", "LOCATION"),
    ("حلب", "LOCATION"),
]


def span(phrase: str, label: str) -> dict:  # type: ignore[type-arg]
    start = MIXED.index(phrase)
    return {"start": start, "end": start + len(phrase), "label": label}


def submit_with_place(project, user, place: int):  # type: ignore[no-untyped-def]
    """`user` marks the four spans and links the count BY the army and AT the span `place`."""
    document = next_for(project=project, user=user).annotation.document
    relations = [{"from": 0, "to": 1, "type": "BY"}, {"from": 0, "to": place, "type": "AT"}]
    save_my_annotation(
        document=document,
        user=user,
        spans=[span(*p) for p in PHRASES],
        status="submitted",
        expected_version=1,
        relations=relations,
    )
    return document


def test_the_reviewer_takes_one_of_two_places_into_the_gold(server, page, mixed, alice, bob) -> None:  # type: ignore[no-untyped-def]
    document = submit_with_place(mixed, alice, 2)  # AT Alep
    assert submit_with_place(mixed, bob, 3) == document  # AT حلب
    log_in(page, server, "rita")
    page.goto(f"{server}/projects/mixed/review/{document.pk}")
    group = page.locator("[data-test=relation-disagreement]")
    group.wait_for()
    assert group.count() == 1 and group.get_attribute("data-kind") == "other_target"
    assert page.locator("[data-test=gold-draft] h3").inner_text() == "Gold draft (4 spans)"
    arabic = group.locator("[data-test=relation-candidate]", has_text="حلب")
    assert "by bob" in arabic.inner_text()
    arabic.locator("[data-test=take-relation]").click()
    arabic.locator("[data-test=relation-in-gold]").wait_for()
    page.locator("[data-test=save-gold]").click()
    page.locator("[data-test=review-message]", has_text="Saved as gold").wait_for()

    stored = {
        (r.source.start, r.source.end, r.target.start, r.target.end, r.type, tuple(r.provenance))
        for r in GoldRelation.objects.select_related("source", "target")
    }
    count, army, aleppo = span(*PHRASES[0]), span(*PHRASES[1]), span(*PHRASES[3])
    # Code points: the ambulance and the flag before "حلب" count one and two, not UTF-16's two and four.
    assert (count["start"], aleppo["start"]) == (32, 99)
    assert stored == {
        (count["start"], count["end"], army["start"], army["end"], "BY", ("alice", "bob")),
        (count["start"], count["end"], aleppo["start"], aleppo["end"], "AT", ("bob",)),
    }
    assert page.errors == []


@pytest.mark.worker  # the agreement page's report is computed by a worker
def test_the_agreement_page_shows_relation_f1_per_type_and_against_gold(  # type: ignore[no-untyped-def]
    server, page, mixed, alice, bob, reviewer, celery_worker
):
    document = submit_with_place(mixed, alice, 2)  # AT Alep
    submit_with_place(mixed, bob, 3)  # AT حلب
    save_gold(
        document=document,
        user=reviewer,
        spans=[span(*p) for p in PHRASES],
        relations=[{"from": 0, "to": 1, "type": "BY"}, {"from": 0, "to": 3, "type": "AT"}],
        source_annotation_ids=list(Annotation.objects.filter(document=document).values_list("pk", flat=True)),
        expected_version=0,
    )
    log_in(page, server, "rita")
    page.goto(f"{server}/projects/mixed/agreement")
    table = page.locator("[data-test=relation-f1]")
    table.wait_for(timeout=60_000)
    # Between the two: BY matches, AT does not: 2 * 1 / (2 + 2) on 3 relations (the union);
    # the places do not overlap either. Against the gold (BY, AT حلب): alice 0.5 on 3, bob
    # 1.0 on 2, mean 0.75 on 5. BY alone: everyone agrees.
    cells = [c.strip() for c in table.locator("[data-test=relation-f1-all] td").all_inner_texts()]
    assert cells == ["All types (micro)", "0.500 (3)", "0.500 (3)", "0.750 (5)", "0.750 (5)"]
    by = [c.strip() for c in table.locator("[data-test=relation-f1-BY] td").all_inner_texts()]
    assert by[1] == "1.000 (1)" and by[3] == "1.000 (2)"
    assert page.errors == []
