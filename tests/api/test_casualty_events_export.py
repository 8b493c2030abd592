"""Exporting casualty events (#21) through the API and the export command: the relation gold
gives one row per casualty count with the actors and places linked to it, and the
per-document casualty CSV lists only those linked names."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from annotator.formats.registry import read_path
from annotator.models import Document
from annotator.services.imports import import_documents
from tests.api.conftest import assign, save
from tests.conftest import FIXTURES

RELATIONS = FIXTURES / "gold" / "relations"


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.fixture
def relation_gold(project):  # type: ignore[no-untyped-def]
    """The seed project with the relation gold of its seeds and of the development set."""
    for name in ("seeds.jsonl", "dev.jsonl"):
        import_documents(project=project, records=read_path(RELATIONS / name), as_gold=True)
    return project


def event(found: list[dict[str, str]], document: str, count: str) -> dict[str, str]:
    (row,) = [r for r in found if r["id"] == document and r["count"] == count]
    return row


def test_the_relation_gold_exports_one_event_per_casualty_count_with_its_links(
    relation_gold, client_for, reviewer
) -> None:  # type: ignore[no-untyped-def]
    response = client_for(reviewer).get("/api/projects/aleppo/export/?format=casualty-events&source=gold")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="aleppo-gold.csv"' in response["Content-Disposition"]
    found = rows(b"".join(response.streaming_content))
    assert len(found) == 241  # the CASUALTY_COUNT spans of the seeds (33) and the dev set (208)
    assert {r["annotator"] for r in found} == {"gold"}

    # "Syria's military backed by Russian warplanes" (seed 001): BY both.
    backed = event(found, "001_c5ed054d0be788ce", "more than 150 people")
    assert (backed["perpetrators"], backed["locations"]) == ("Syria’s military | Russian warplanes", "eastern Aleppo")
    assert (backed["value"], backed["qualifier"], backed["status"], backed["victims"]) == (
        "150",
        "more_than",
        "killed",
        "unspecified",
    )
    # A list of places: an AT link to each, in text order.
    listed = event(found, "001_c5ed054d0be788ce", "13 people")
    assert (listed["perpetrators"], listed["locations"]) == ("", "al-Kalaseh | Bustan al-Qasr | al-Sakhour")
    # "Russian and government bombardment has killed 370" (seed 003): BY the bombardment only.
    bombardment = event(found, "003_44a8145bee00b14f", "more than 370 people")
    assert (bombardment["perpetrators"], bombardment["locations"]) == ("Russian and government bombardment", "Aleppo")
    # "200 civilians killed in Aleppo after regime forces responded ... to rebel rocket fire": regime forces only.
    regime = event(found, "1923102959", "more than 200 civilians")
    assert (regime["perpetrators"], regime["locations"], regime["date"]) == ("regime forces", "Aleppo", "2016-06-03")
    assert regime["sentence"] == (
        "In the past two weeks more than 200 civilians have been killed in Aleppo after regime forces "
        "responded with air raids to rebel rocket and artillery fire."
    )
    assert (regime["start"], regime["end"]) == ("1165", "1188")
    # A war-wide toll gets no link.
    toll = event(found, "1923102959", "at least 280000 people")
    assert (toll["perpetrators"], toll["locations"]) == ("", "")


def test_the_per_document_casualty_csv_of_the_relation_gold_lists_only_linked_actors_and_places(
    relation_gold, client_for, reviewer
) -> None:  # type: ignore[no-untyped-def]
    response = client_for(reviewer).get("/api/projects/aleppo/export/?format=casualty-csv&source=gold")
    (row,) = [r for r in rows(b"".join(response.streaming_content)) if r["id"] == "003_44a8145bee00b14f"]
    # The article also names "Russian raids", the "Syrian army’s assault" and "Sakhour hospital",
    # none of them linked to a count.
    assert (row["perpetrators"], row["locations"]) == ("Russian and government bombardment", "Aleppo;east Aleppo")
    assert row["killed"] == "400000" and row["mentions"] == "7"


def test_the_export_command_writes_an_event_per_count_of_the_dev_gold(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_documents(project=project, records=read_path(RELATIONS / "dev.jsonl"), as_gold=True)
    out = tmp_path / "events.csv"
    call_command("export", "aleppo", str(out), "--format", "casualty-events", "--source", "gold")
    found = rows(out.read_bytes())
    assert len(found) == 208
    several = event(found, "1924058065", "at least 127 people")
    assert (several["perpetrators"], several["locations"]) == ("Syrian army | Russian jets", "Eastern Ghouta")


MIXED = "حلب: 12 civilians 👨‍👩‍👧 killed by =regime forces 🇸🇾 in Alep-Est, Zoé said."


def test_an_annotator_exports_the_events_of_her_own_work_and_no_one_elses(project, client_for, alice, outsider) -> None:  # type: ignore[no-untyped-def]
    client = client_for(alice)
    document = assign(client)["document"]
    Document.objects.filter(pk=document["id"]).update(text=MIXED)

    def at(words: str, label: str) -> dict:  # type: ignore[type-arg]
        start = MIXED.index(words)
        return {"start": start, "end": start + len(words), "label": label}

    spans = [at("12 civilians", "CASUALTY_COUNT"), at("=regime forces", "PERPETRATOR"), at("Alep-Est", "LOCATION")]
    relations = [{"from": 0, "to": 1, "type": "BY"}, {"from": 0, "to": 2, "type": "AT"}]
    saved = save(client, document["id"], spans=spans, relations=relations, status="submitted", version=1)
    assert saved.status_code == 200, saved.content  # type: ignore[attr-defined]

    response = client.get("/api/projects/aleppo/export/?format=casualty-events&source=annotator:alice")
    assert response.status_code == 200
    (mine,) = rows(b"".join(response.streaming_content))
    assert (mine["annotator"], mine["count"], mine["start"], mine["end"]) == ("alice", "12 civilians", "5", "17")
    assert (mine["perpetrators"], mine["locations"]) == ("'=regime forces", "Alep-Est")
    assert mine["sentence"] == MIXED

    assert client.get("/api/projects/aleppo/export/?format=casualty-events&source=gold").status_code == 403
    assert client_for(outsider).get("/api/projects/aleppo/export/?format=casualty-events").status_code == 404
