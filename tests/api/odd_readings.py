"""Annotator 1's idiosyncratic readings of the seed articles, for the no-leak tests (issue
18): phrases no guideline calls perpetrators and the gold never marks, which a model trained
on the article gives back (checked for each seed on 10 development gold articles)."""

from __future__ import annotations

from annotator.evaluation import LabelledDocument, split
from annotator.models import Document, Gold, Project

ODD = {
    "000": [("barrels of TNT", "PERPETRATOR"), ("medics", "PERPETRATOR")],
    "001": [("white helmets", "PERPETRATOR"), ("oxygen", "PERPETRATOR")],
    "002": [("Foreign ministers", "PERPETRATOR"), ("commercial industries", "PERPETRATOR")],
    "003": [("springboard", "PERPETRATOR"), ("three days", "PERPETRATOR")],
    "004": [("incinerating cars", "PERPETRATOR"), ("peace conference", "PERPETRATOR")],
}


def trained_article(project: Project) -> tuple[Document, list[tuple[str, str]]]:
    """A seed article the next training learns from once it is annotated (the held-out share
    is drawn from document ids, so which seeds are held out varies), and its odd reading."""
    gold = list(Gold.objects.filter(document__project=project).values_list("document_id", flat=True))
    for document in Document.objects.filter(project=project, gold__isnull=True).order_by("external_id"):
        train, _ = split([LabelledDocument(pk, "", []) for pk in [*gold, document.pk]])
        if document.pk in {d.document_id for d in train}:
            return document, ODD[document.external_id[:3]]
    raise AssertionError("every seed article would be held out")


def odd_spans(document: Document, reading: list[tuple[str, str]]) -> list[dict]:
    """The reading as API spans, at each phrase's first occurrence."""
    return [
        {"start": document.text.index(p), "end": document.text.index(p) + len(p), "label": label}
        for p, label in reading
    ]


def odd_among(suggestions: list[dict], document: Document, reading: list[tuple[str, str]]) -> set[tuple]:
    """The reading's spans found among `suggestions` (API dicts)."""
    wanted = {(s["start"], s["end"], s["label"]) for s in odd_spans(document, reading)}
    return wanted & {(s["start"], s["end"], s["label"]) for s in suggestions}
