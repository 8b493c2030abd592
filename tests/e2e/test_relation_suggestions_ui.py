"""The model's suggested relations on the annotate page (#21), in a real browser on the text with
Arabic, accents, an emoji outside the BMP, a flag and a ZWJ family. The suggestions come the
way the worker stores them (`store_suggestions`): span suggestions, and the relations a relation
classifier, trained here on the relation gold, finds between them. The annotator accepts one
suggested relation by keyboard and one by mouse, rejects one, undoes and redoes; the server
stores the spans naming their suggestions at code-point offsets, the links, the rejection, and
the model's help counts them."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import FAMILY, MIXED, SCREENSHOTS
from tests.e2e.test_journeys import open_document, select, version_now, wait_until_saved, where

pytestmark = [pytest.mark.e2e]

SUGGESTED_SPANS = [
    ("Alep", "LOCATION"),
    ("20 Menschen", "CASUALTY_COUNT"),
    ("armée syrienne", "PERPETRATOR"),
    ("45 enfants", "CASUALTY_COUNT"),
    ("حلب", "LOCATION"),
    (FAMILY, "PERPETRATOR"),
    ("Azaz", "LOCATION"),
]


def relation_classifier():  # type: ignore[no-untyped-def]
    """A relation classifier fitted on the relation gold, as the training fits it."""
    from annotator.formats.registry import read_path
    from annotator.spans import Span
    from annotator.tagger.relations import Relation, RelationClassifier
    from tests.annotator.services.test_relation_suggestions import RELATION_GOLD

    documents = [
        (
            record.text,
            [Span(s["start"], s["end"], s["label"]) for s in record.spans],
            [Relation(r["from"], r["to"], r["type"]) for r in record.relations or []],
        )
        for record in read_path(RELATION_GOLD)
    ]
    return RelationClassifier().fit(documents)


@pytest.fixture
def suggested(mixed):  # type: ignore[no-untyped-def]
    """Model v1, current: span suggestions on the mixed text and the relations found between them."""
    from django.utils import timezone

    from annotator.models import ModelVersion, RelationSuggestion
    from annotator.services.predictor import store_suggestions
    from annotator.tagger.model import Prediction, ScoredSpan

    version = ModelVersion.objects.create(
        project=mixed,
        version=1,
        status=ModelVersion.Status.CURRENT,
        training_documents=40,
        promoted_at=timezone.now(),
    )
    spans = sorted((ScoredSpan(*where(phrase), label, 0.8) for phrase, label in SUGGESTED_SPANS), key=lambda s: s.start)
    store_suggestions(
        version=version,
        documents=[mixed.documents.get()],
        predictions=[Prediction(spans=spans, uncertainty=0.3)],
        relations=relation_classifier(),
    )
    found = {
        (MIXED[r.source.start : r.source.end], r.type, MIXED[r.target.start : r.target.end]): r
        for r in RelationSuggestion.objects.select_related("source", "target")
    }
    wanted = {("20 Menschen", "BY", "armée syrienne"), ("20 Menschen", "AT", "Alep"), ("45 enfants", "AT", "Alep")}
    assert wanted <= set(found), f"the classifier suggested {sorted(found)}"
    return version, found


def rows(page, test: str = "relation-suggestion") -> list[str]:  # type: ignore[no-untyped-def]
    return [" ".join(r.split()) for r in page.locator(f"[data-test={test}]").all_inner_texts()]


def suggested_rows(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The suggested relations listed, without their scores and buttons: "source —TYPE?→ target"."""
    return [r.split(" 0.")[0] for r in rows(page)]


def focused(page) -> str:  # type: ignore[no-untyped-def]
    """The suggested relation in the keyboard's focus."""
    return " ".join(page.locator("[data-test=relation-suggestion].on").inner_text().split()).split(" 0.")[0]


def test_suggested_relations_are_accepted_by_keyboard_and_mouse_rejected_and_counted(  # type: ignore[no-untyped-def]
    server, page, mixed, alice, suggested
):
    from annotator.models import Annotation, Relation, Suggestion

    version, found = suggested
    open_document(page, server, "alice")
    everything = suggested_rows(page)
    assert "20 Menschen —BY?→ armée syrienne" in everything
    assert "20 Menschen —AT?→ Alep" in everything
    before = version_now(page)

    # By keyboard, as span suggestions: "." goes through them from the cursor, Tab to the next,
    # Enter accepts (the two span suggestions too), Delete rejects.
    page.keyboard.press(".")
    while focused(page) != "20 Menschen —BY?→ armée syrienne":
        page.keyboard.press("Tab")
    # Its two ends are marked in the text while it is in focus.
    marked = page.locator('.seg[title*="suggested relation BY"]').all_inner_texts()
    assert "".join(marked) == "20 Menschenarmée syrienne"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "relation-suggestions.png"))
    page.keyboard.press("Enter")
    assert rows(page, "relation-row") == ["20 Menschen —BY→ armée syrienne ✕"]
    assert "20 Menschen —BY?→ armée syrienne" not in suggested_rows(page)
    while focused(page) != "45 enfants —AT?→ Alep":
        page.keyboard.press("Tab")
    page.keyboard.press("Delete")
    assert "45 enfants —AT?→ Alep" not in suggested_rows(page)
    page.keyboard.press("Escape")
    assert page.locator("[data-test=relation-suggestion].on").count() == 0

    # Undo brings the rejected one back; redo rejects it again.
    page.keyboard.press("Control+z")
    assert "45 enfants —AT?→ Alep" in suggested_rows(page)
    page.keyboard.press("Control+Shift+z")
    assert "45 enfants —AT?→ Alep" not in suggested_rows(page)

    # By mouse: Accept on "20 Menschen —AT?→ Alep" (its count is already taken: only Alep is).
    page.locator("[data-test=relation-suggestion]", has_text="Alep").filter(has_text="20 Menschen").locator(
        "[data-test=relation-suggestion-accept]"
    ).click()
    assert rows(page, "relation-row") == ["20 Menschen —AT→ Alep ✕", "20 Menschen —BY→ armée syrienne ✕"]
    # Undone, the link and the Alep span go and the suggestion is back; redone, they return.
    page.keyboard.press("Control+z")
    assert rows(page, "relation-row") == ["20 Menschen —BY→ armée syrienne ✕"]
    assert "20 Menschen —AT?→ Alep" in suggested_rows(page)
    assert page.locator("[data-test=span-row]", has_text="Alep").count() == 0
    page.keyboard.press("Control+Shift+z")
    assert rows(page, "relation-row") == ["20 Menschen —AT→ Alep ✕", "20 Menschen —BY→ armée syrienne ✕"]

    # A rejected span suggestion takes the suggested relations from it along.
    select(page, "45 enfants")
    page.keyboard.press("Delete")
    assert not [r for r in suggested_rows(page) if r.startswith("45 enfants")]
    assert "20 Menschen —AT?→ Alep" not in suggested_rows(page)
    # The autosave sent the rejections with the draft.
    wait_until_saved(page, before)
    draft = Annotation.objects.get(document__project=mixed, annotator=alice)
    assert draft.rejected_relation_suggestions == [found[("45 enfants", "AT", "Alep")].pk]

    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda url: "/annotate/" not in url or url.endswith("/annotate"))
    annotation = Annotation.objects.get(document__project=mixed, annotator=alice)
    assert annotation.status == "submitted"
    by_phrase = {
        phrase: Suggestion.objects.get(model_version=version, start=where(phrase)[0]) for phrase, _ in SUGGESTED_SPANS
    }
    spans = {(s.start, s.end, s.label, s.origin, s.suggestion_id) for s in annotation.spans.all()}
    assert spans == {
        (*where("20 Menschen"), "CASUALTY_COUNT", "suggestion_accepted", by_phrase["20 Menschen"].pk),
        (*where("armée syrienne"), "PERPETRATOR", "suggestion_accepted", by_phrase["armée syrienne"].pk),
        (*where("Alep"), "LOCATION", "suggestion_accepted", by_phrase["Alep"].pk),
    }
    links = {
        (
            (r.source.start, r.source.end),
            r.source.suggestion_id,
            (r.target.start, r.target.end),
            r.target.suggestion_id,
            r.type,
        )
        for r in Relation.objects.filter(annotation=annotation).select_related("source", "target")
    }
    assert links == {
        (
            where("20 Menschen"),
            by_phrase["20 Menschen"].pk,
            where("armée syrienne"),
            by_phrase["armée syrienne"].pk,
            "BY",
        ),
        (where("20 Menschen"), by_phrase["20 Menschen"].pk, where("Alep"), by_phrase["Alep"].pk, "AT"),
    }
    assert annotation.rejected_relation_suggestions == [found[("45 enfants", "AT", "Alep")].pk]
    assert annotation.rejected_suggestions == [by_phrase["45 enfants"].pk]

    # The model's help counts the two accepted and the one rejected, of those shown.
    help_report = page.request.get(f"{server}/api/projects/mixed/models/1/help/").json()
    assert help_report["relation_suggestions_shown"] == len(found)
    assert help_report["relations_accepted"] == 2
    assert help_report["relations_rejected"] == 1
    assert help_report["submitted_relations"] == 2
    assert help_report["relation_accepted_share"] == 1.0
    assert help_report["relation_acceptance_rate"] == pytest.approx(2 / len(found))
    assert page.errors == []


def test_accept_all_takes_every_suggested_relation_with_its_spans_in_one_undoable_edit(  # type: ignore[no-untyped-def]
    server, page, mixed, alice, suggested
):
    from annotator.models import Annotation, Relation, Suggestion

    version, found = suggested
    open_document(page, server, "alice")
    count = page.locator("[data-test=suggestion-count]")
    assert count.inner_text() == f"7 suggestions and {len(found)} suggested relations from model v1"
    everything = sorted(suggested_rows(page))
    assert len(everything) == len(found)
    before = version_now(page)

    # Shift+Enter accepts the seven span suggestions and links every suggested relation.
    page.keyboard.press("Shift+Enter")
    assert suggested_rows(page) == []
    assert count.count() == 0
    assert page.locator("[data-test=span-row]").count() == len(SUGGESTED_SPANS)
    linked = sorted(r.removesuffix(" ✕") for r in rows(page, "relation-row"))
    assert linked == sorted(r.replace("?→", "→") for r in everything)

    # One undo takes all of it back; one redo brings all of it again.
    page.keyboard.press("Control+z")
    assert rows(page, "relation-row") == []
    assert page.locator("[data-test=span-row]").count() == 0
    assert sorted(suggested_rows(page)) == everything
    assert count.inner_text() == f"7 suggestions and {len(found)} suggested relations from model v1"
    page.keyboard.press("Control+Shift+z")
    assert sorted(r.removesuffix(" ✕") for r in rows(page, "relation-row")) == linked
    assert suggested_rows(page) == []
    wait_until_saved(page, before)

    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda url: "/annotate/" not in url or url.endswith("/annotate"))
    annotation = Annotation.objects.get(document__project=mixed, annotator=alice)
    assert annotation.status == "submitted"
    # Every span at the code points of its suggestion, naming it.
    suggestions = Suggestion.objects.filter(model_version=version, document=annotation.document)
    spans = {(s.start, s.end, s.label, s.origin, s.suggestion_id) for s in annotation.spans.all()}
    assert spans == {(s.start, s.end, s.label, "suggestion_accepted", s.pk) for s in suggestions}
    assert {(s.start, s.end, s.label) for s in suggestions} == {(*where(p), label) for p, label in SUGGESTED_SPANS}
    # Every suggested relation a link of its type between the spans that took its ends.
    links = {
        (
            r.source.start,
            r.source.end,
            r.source.suggestion_id,
            r.target.start,
            r.target.end,
            r.target.suggestion_id,
            r.type,
        )
        for r in Relation.objects.filter(annotation=annotation).select_related("source", "target")
    }
    assert links == {
        (r.source.start, r.source.end, r.source_id, r.target.start, r.target.end, r.target_id, r.type)
        for r in found.values()
    }
    assert annotation.rejected_relation_suggestions == []
    assert annotation.rejected_suggestions == []

    help_report = page.request.get(f"{server}/api/projects/mixed/models/1/help/").json()
    assert help_report["relations_accepted"] == len(found)
    assert help_report["relations_rejected"] == 0
    assert page.errors == []
