"""The annotate page says why a document shows no model suggestions (issue 18): no model
yet, suggestions pending (no worker answers this server), then the model's suggestions,
accepted with their code point offsets on the text that mixes scripts and emoji."""

from __future__ import annotations

import pytest

from annotator.formats import Record
from annotator.services.imports import import_documents
from tests.e2e.conftest import MIXED, log_in

pytestmark = [pytest.mark.e2e]


def like_the_mixed_text(count: int) -> list[Record]:
    """Reports in the mixed text's languages with their counts and places labelled."""
    records = []
    for n in range(count):
        text = f"Les secours à Idlib ont compté {n + 3} Menschen tués. في حماة {n + 7} enfants blessés."
        spans = [
            {"start": text.index(words), "end": text.index(words) + len(words), "label": label}
            for words, label in (
                ("Idlib", "LOCATION"),
                (f"{n + 3} Menschen", "CASUALTY_COUNT"),
                ("حماة", "LOCATION"),
                (f"{n + 7} enfants", "CASUALTY_COUNT"),
            )
        ]
        records.append(Record(text=text, id=f"like-mixed-{n}", spans=spans))
    return records


def open_annotate(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/projects/mixed/annotate")
    page.locator("[data-test=doc-text]").wait_for()


def state_line(page) -> tuple[str | None, str]:  # type: ignore[no-untyped-def]
    line = page.locator("[data-test=suggestions-state]")
    line.wait_for()
    return line.get_attribute("data-state"), line.inner_text()


def test_the_annotator_sees_why_there_are_no_suggestions_then_accepts_the_models(  # type: ignore[no-untyped-def]
    server, page, mixed, alice
) -> None:
    from annotator.models import Annotation, ModelVersion, Suggestion
    from annotator.services.predictor import refresh_now
    from annotator.services.trainer import train_now
    from tests.annotator.services.tagger_data import add_gold

    document = mixed.documents.get()
    log_in(page, server, "alice")
    open_annotate(page, server)
    state, text = state_line(page)
    assert state == "no_model" and "no model has been trained" in text

    add_gold(mixed, 10)
    # And six short reports written like the mixed text: trained on the articles alone, the
    # model found its counts or not depending on which articles were held out, which the
    # documents' ids (so the order of the tests) decide.
    import_documents(project=mixed, records=like_the_mixed_text(6), as_gold=True)
    train_now(project=mixed)  # promoted; its suggestions not computed, and no worker serves this server
    page.reload()
    page.locator("[data-test=doc-text]").wait_for()
    state, text = state_line(page)
    assert state == "pending" and "pending" in text

    refresh_now(project=mixed)
    version = ModelVersion.objects.get(project=mixed, status=ModelVersion.Status.CURRENT)
    suggestions = list(Suggestion.objects.filter(document=document, model_version=version))
    assert suggestions, "the model finds something in the mixed text"
    page.reload()
    count = page.locator("[data-test=suggestion-count]")
    count.wait_for()
    assert f"{len(suggestions)} suggestion" in count.inner_text() and "model v1" in count.inner_text()
    assert page.locator("[data-test=suggestions-state]").count() == 0

    page.click("[data-test=accept-all]")
    page.click("[data-test=submit]")
    page.wait_for_function(
        "() => !document.querySelector('[data-test=doc-text]') || document.querySelector('[data-test=all-done]')"
    )
    annotation = Annotation.objects.get(document=document, annotator=alice)
    assert annotation.status == Annotation.Status.SUBMITTED
    got = {(s.start, s.end, s.label) for s in annotation.spans.all()}
    assert got == {(s.start, s.end, s.label) for s in suggestions}
    assert all(MIXED[s.start : s.end].strip() for s in suggestions)  # code points into the text
    assert page.errors == []
