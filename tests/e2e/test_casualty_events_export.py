"""The owner takes the casualty events (#21) out of the Data page's export menu: a row per
casualty count of the gold, with the actor and place each is linked to and its sentence, on
a text mixing Arabic, accented Latin, an emoji, a flag and a ZWJ family (offsets in code
points)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.e2e.conftest import FAMILY, MIXED, log_in

pytestmark = [pytest.mark.e2e]


def span(words: str, label: str, **attrs: object) -> dict:  # type: ignore[type-arg]
    start = MIXED.index(words)
    return {"start": start, "end": start + len(words), "label": label, "attrs": attrs}


@pytest.fixture
def linked_gold(mixed):  # type: ignore[no-untyped-def]
    """The mixed document's gold: two counts, each linked to a place of its own, one also to its actor."""
    from annotator.formats.records import Record
    from annotator.models import Document
    from annotator.services.imports import import_documents

    spans = [
        span("Alep", "LOCATION"),
        span("20 Menschen", "CASUALTY_COUNT", value=20, qualifier="exact", status="killed", victims="unspecified"),
        span("l'armée syrienne", "PERPETRATOR"),
        span("45 enfants", "CASUALTY_COUNT", value=45, status="wounded", victims="children"),
        span("حلب", "LOCATION"),
    ]
    relations = [
        {"from": 1, "to": 2, "type": "BY"},
        {"from": 1, "to": 0, "type": "AT"},
        {"from": 3, "to": 4, "type": "AT"},
    ]
    # The document is already there (matched by its id): its date is set on it, not by the import.
    Document.objects.filter(project=mixed, external_id="mixed-1").update(meta={"date": "2016-08-12"})
    record = Record(text=MIXED, id="mixed-1", spans=spans, relations=relations)
    import_documents(project=mixed, records=[record], as_gold=True)
    return mixed


def test_the_owner_exports_casualty_events_from_the_data_page(server, page, linked_gold, owner) -> None:  # type: ignore[no-untyped-def]
    log_in(page, server, "olivia")
    page.goto(server + "/projects/mixed/data")
    menu = page.locator("[data-test=export-format]")
    menu.wait_for()
    menu.select_option("casualty-events")
    assert "One row per casualty count" in page.locator("[data-test=export-holds]").inner_text()
    page.locator("[data-test=export-source]").select_option("gold")
    with page.expect_download() as done:
        page.get_by_text("or download directly").click()
    assert done.value.suggested_filename == "mixed-gold.csv"
    rows = list(csv.DictReader(io.StringIO(Path(done.value.path()).read_bytes().decode("utf-8"))))

    first_sentence = MIXED[: MIXED.index("blessés.") + len("blessés.")]
    assert FAMILY not in first_sentence and "\U0001f1f8\U0001f1fe" in first_sentence
    common = {"id": "mixed-1", "date": "2016-08-12", "annotator": "gold", "sentence": first_sentence}
    # Offsets counted by hand: the ambulance before "20" is one code point, the flag two.
    assert rows == [
        {
            **common,
            "count": "20 Menschen",
            "value": "20",
            "qualifier": "exact",
            "status": "killed",
            "victims": "unspecified",
            "perpetrators": "l'armée syrienne",
            "locations": "Alep",
            "start": "32",
            "end": "43",
        },
        {
            **common,
            "count": "45 enfants",
            "value": "45",
            "qualifier": "",
            "status": "wounded",
            "victims": "children",
            "perpetrators": "",
            "locations": "حلب",
            "start": "76",
            "end": "86",
        },
    ]
    assert all(MIXED[int(r["start"]) : int(r["end"])] == r["count"] for r in rows)
    assert page.errors == []
