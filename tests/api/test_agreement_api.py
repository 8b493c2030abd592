"""projects/{slug}/agreement/ and its per-document table and drill-down, as reviewers see them."""

from __future__ import annotations

import csv
import io

import pytest

from annotator.models import Document
from tests.helpers import annotate


@pytest.fixture
def annotated(project, alice, bob):  # type: ignore[no-untyped-def]
    documents = list(Document.objects.filter(project=project).order_by("id"))
    first = documents[0]
    annotate(first, alice, [("Aleppo", "LOCATION"), ("Syrian warplanes", "PERPETRATOR")])
    annotate(first, bob, [("Aleppo", "LOCATION"), ("Syrian", "PERPETRATOR")])
    annotate(documents[1], alice, [])
    return documents


def computed_report(client, url, capture):  # type: ignore[no-untyped-def]
    """The report at `url` as a client gets it: 202 while the job computes it (run here, in
    the test's process, when the request's transaction commits), then 200 with the report."""
    with capture(execute=True):
        pending = client.get(url)
    assert pending.status_code == 202, pending.content
    assert pending.json()["job"]["kind"] == "agreement" and pending.json()["stale"] is True
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("who", ["owner", "reviewer"])
def test_reviewers_and_owners_get_the_report(
    who, annotated, client_for, request, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(request.getfixturevalue(who))
    report = computed_report(client, "/api/projects/aleppo/agreement/?resamples=50", django_capture_on_commit_callbacks)
    assert report["annotators"] == ["alice", "bob"] and report["documents"] == 2
    exact = report["span_f1_exact"]
    assert exact["value"] == 0.5 and exact["items"] == 3 and exact["per_pair"]["alice|bob"]["documents"] == 1
    assert report["span_f1_overlap"]["value"] == 1.0
    for key in ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "alpha_u"):
        assert {"value", "items", "documents", "ci95", "per_label"} <= set(report[key])
    assert "vs_gold" in report and "attributes" in report and report["conventions"]["bootstrap"]["resamples"] == 50


def test_annotators_are_refused_and_outsiders_see_nothing(annotated, client_for, alice, outsider) -> None:  # type: ignore[no-untyped-def]
    first = annotated[0].pk
    for url in (
        "/api/projects/aleppo/agreement/",
        "/api/projects/aleppo/agreement/documents/",
        f"/api/projects/aleppo/agreement/documents/{first}/",
    ):
        assert client_for(alice).get(url).status_code == 403, url
        assert client_for(outsider).get(url).status_code == 404, url
        assert client_for(None).get(url).status_code in (401, 403), url


def test_a_bad_resample_count_is_a_400_naming_the_field(annotated, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    response = client_for(reviewer).get("/api/projects/aleppo/agreement/?resamples=-1")
    assert response.status_code == 400 and "resamples" in response.json()["error"]["message"]


def test_the_per_document_table_as_json_and_csv(annotated, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    rows = client_for(reviewer).get("/api/projects/aleppo/agreement/documents/").json()
    assert [row["document"] for row in rows] == [annotated[0].pk, annotated[1].pk]
    assert rows[0]["disagreements_by_kind"]["boundary"] == 1 and rows[1]["missing"] == ["bob"]
    response = client_for(reviewer).get("/api/projects/aleppo/agreement/documents/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert table[0]["external_id"] == annotated[0].external_id and table[0]["disagreements_boundary"] == "1"


def test_the_drilldown_names_the_disagreeing_spans(annotated, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    first = annotated[0]
    detail = client_for(reviewer).get(f"/api/projects/aleppo/agreement/documents/{first.pk}/").json()
    boundary = detail["comparison"]["disagreements"]["boundary"]
    assert sorted((s["annotator"], s["end"] - s["start"]) for s in boundary[0]["spans"]) == [
        ("alice", len("Syrian warplanes")),
        ("bob", len("Syrian")),
    ]
    assert [s["label"] for s in detail["comparison"]["agreed"]] == ["LOCATION"]
    assert set(detail["spans_by_annotator"]) == {"alice", "bob"}


def test_a_document_nobody_submitted_or_of_another_project_is_404(project, annotated, client_for, reviewer) -> None:  # type: ignore[no-untyped-def]
    untouched = annotated[2].pk
    response = client_for(reviewer).get(f"/api/projects/aleppo/agreement/documents/{untouched}/")
    assert response.status_code == 404 and "nobody has submitted" in response.json()["error"]["message"]


def test_the_api_serves_exactly_what_the_command_prints(  # type: ignore[no-untyped-def]
    annotated, client_for, reviewer, capsys, django_capture_on_commit_callbacks
):
    import json

    from django.core.management import call_command

    url = "/api/projects/aleppo/agreement/?resamples=40&seed=3"
    served = computed_report(client_for(reviewer), url, django_capture_on_commit_callbacks)
    call_command("agreement", "aleppo", "--json", "--resamples", "40", "--seed", "3")
    printed = json.loads(capsys.readouterr().out)
    assert served == printed
