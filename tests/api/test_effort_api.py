"""The effort curve: manual actions per submitted document, from what annotators did with suggestions."""

from __future__ import annotations

import pytest

from annotator.services.predictor import refresh_now
from annotator.services.trainer import train_now
from tests.annotator.services.tagger_data import add_gold
from tests.api.conftest import assign, save

URL = "/api/projects/aleppo/models/effort/"


@pytest.fixture
def trained(project):  # type: ignore[no-untyped-def]
    add_gold(project, 8)
    train_now(project=project)
    refresh_now(project=project)
    return project


def _submit_with(client, *, accept: int, reject: int, add: list[tuple[int, int, str]]) -> dict:  # type: ignore[no-untyped-def]
    """Take the next document, accept its first `accept` suggestions, reject the next `reject`,
    add spans by hand, and submit."""
    body = assign(client)
    offered = body["suggestions"]
    assert len(offered) >= accept + reject, "the fixture's model suggests enough on a dev article"
    spans = [
        {
            "start": s["start"],
            "end": s["end"],
            "label": s["label"],
            "origin": "suggestion_accepted",
            "suggestion": s["id"],
        }
        for s in offered[:accept]
    ]
    spans += [{"start": start, "end": end, "label": label} for start, end, label in add]
    rejected = [s["id"] for s in offered[accept : accept + reject]]
    response = save(
        client,
        body["document"]["id"],
        spans=spans,
        status="submitted",
        version=body["annotation"]["version"],
        rejected_suggestions=rejected,
    )
    assert response.status_code == 200, response.content
    return body


def _a_word_nothing_suggested(body: dict) -> tuple[int, int]:  # type: ignore[type-arg]
    """A word no suggestion touches, so a span added there overlaps none accepted (which of
    the words the model suggests differs between SQLite and PostgreSQL runs)."""
    import re

    taken = [(s["start"], s["end"]) for s in body["suggestions"]]
    for word in re.finditer(r"[^\W\d_]+", body["document"]["text"]):
        if all(word.end() <= start or end <= word.start() for start, end in taken):
            return word.start(), word.end()
    raise AssertionError("every word has a suggestion")


def test_a_reviewer_sees_each_submission_counted_in_manual_actions(trained, client_for, alice, reviewer) -> None:
    body = assign(client_for(alice))
    start, end = _a_word_nothing_suggested(body)
    _submit_with(client_for(alice), accept=1, reject=1, add=[(start, end, "PERPETRATOR")])
    response = client_for(reviewer).get(URL)
    assert response.status_code == 200
    curve = response.json()
    assert curve["annotations"] == 1 and curve["bucket"] == 1
    (point,) = curve["points"]
    assert (point["first"], point["last"], point["documents"]) == (1, 1, 1)
    # One span added by hand and one suggestion rejected are manual; the accept is not.
    assert (point["added"], point["rejected"], point["accepted"], point["edited"]) == (1, 1, 1, 0)
    assert point["manual_actions"] == 2 and point["spans"] == 2
    assert point["suggestions_shown"] == len(body["suggestions"]) and point["with_suggestions"] == 1
    assert curve["totals"]["manual_actions"] == 2


def test_the_curve_follows_submission_order(trained, client_for, alice, bob, owner) -> None:
    _submit_with(client_for(alice), accept=2, reject=0, add=[])
    body = assign(client_for(bob))
    start, end = _a_word_nothing_suggested(body)
    _submit_with(client_for(bob), accept=0, reject=0, add=[(start, end, "LOCATION")])
    points = client_for(owner).get(URL).json()["points"]
    assert [(p["first"], p["manual_actions"], p["accepted"]) for p in points] == [(1, 0, 2), (2, 1, 0)]


def test_a_project_without_submissions_has_an_empty_curve(project, client_for, owner) -> None:
    curve = client_for(owner).get(URL).json()
    assert curve["annotations"] == 0 and curve["points"] == []


def test_annotators_may_not_read_the_curve_and_outsiders_do_not_see_it(project, client_for, alice, outsider) -> None:
    assert client_for(alice).get(URL).status_code == 403
    assert client_for(outsider).get(URL).status_code == 404
    assert client_for(None).get(URL).status_code == 401
