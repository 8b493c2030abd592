"""An owner takes the project's annotations out of the Data page in the formats other tools
read (doccano, Label Studio, Hugging Face datasets), on a text mixing Arabic, accented Latin,
an emoji, a flag and a ZWJ family: every offset in the files is a code point of the text."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.e2e.conftest import FAMILY, MIXED, log_in

pytestmark = [pytest.mark.e2e]

SPANS = [
    ("Alep", "LOCATION"),
    ("20 Menschen", "CASUALTY_COUNT"),
    ("l'armée syrienne", "PERPETRATOR"),
    ("حلب", "LOCATION"),
]


def where(phrase: str) -> tuple[int, int]:
    start = MIXED.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def submitted(mixed, alice):  # type: ignore[no-untyped-def]
    """Alice's submitted annotation of the mixed document."""
    from django.utils import timezone

    from annotator.models import Annotation, Span

    annotation = Annotation.objects.create(
        document=mixed.documents.get(), annotator=alice, status="submitted", version=2, submitted_at=timezone.now()
    )
    for phrase, label in SPANS:
        Span.objects.create(annotation=annotation, start=where(phrase)[0], end=where(phrase)[1], label=label, attrs={})
    return annotation


def download(page, export_format: str) -> bytes:  # type: ignore[no-untyped-def]
    page.locator("[data-test=export-format]").select_option(export_format)
    page.locator("[data-test=export-source]").select_option("all")
    with page.expect_download() as done:
        page.get_by_text("or download directly").click()
    return Path(done.value.path()).read_bytes()


def test_the_owner_exports_doccano_label_studio_and_hf_files_with_code_point_offsets(
    server, page, mixed, submitted, owner
) -> None:  # type: ignore[no-untyped-def]
    expected = {(MIXED[start:end], label) for (start, end), label in ((where(p), label) for p, label in SPANS)}
    log_in(page, server, "olivia")
    page.goto(server + "/projects/mixed/data")
    page.locator("[data-test=export-format]").wait_for()

    # doccano 1.8 reads spans from `label` triples, in code points.
    (line,) = [json.loads(row) for row in download(page, "doccano").decode("utf-8").splitlines() if row.strip()]
    assert line["text"] == MIXED
    assert {(MIXED[start:end], label) for start, end, label in line["label"]} == expected

    # Label Studio 1.23 refuses `completed_by` without an email: none is written; the annotator
    # is kept in the task's meta, which Label Studio keeps.
    (task,) = json.loads(download(page, "labelstudio").decode("utf-8"))
    (annotation,) = task["annotations"]
    assert "completed_by" not in annotation
    assert "alice" in json.dumps(task["meta"])
    regions = {(r["value"]["text"], r["value"]["labels"][0]) for r in annotation["result"]}
    assert regions == expected
    assert all(MIXED[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"] for r in annotation["result"])

    # Hugging Face datasets: sentence rows of tokens and tag ids, with the label names.
    with zipfile.ZipFile(io.BytesIO(download(page, "hf"))) as archive:
        rows = [json.loads(row) for row in archive.read("data.jsonl").decode("utf-8").splitlines() if row.strip()]
        names = json.loads(archive.read("labels.json"))
    assert any(FAMILY in row["tokens"] for row in rows)  # one grapheme cluster, one token
    tagged = {
        token for row in rows for token, tag in zip(row["tokens"], row["ner_tags"], strict=True) if names[tag] != "O"
    }
    assert {"Alep", "حلب", "syrienne"} <= tagged
    assert page.errors == []
