"""Exporting documents with the spans of one source, streamed in chunks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch

from annotator.exceptions import AnnotatorError
from annotator.formats import Record
from annotator.formats.registry import writer_for
from annotator.models import Annotation, Document, Gold, GoldSpan, ModelVersion, Project, Span, Suggestion

SOURCES = ("gold", "all", "model", "annotator:<username>", "documents")
_CHUNK = 500


def _span_dict(span: Any, *, with_score: bool = False) -> dict[str, Any]:
    result = {"start": span.start, "end": span.end, "label": span.label, "attrs": span.attrs or {}}
    if with_score:
        result["score"] = round(span.score, 4)
    return result


def _documents(project: Project) -> Any:
    return Document.objects.filter(project=project, deleted_at__isnull=True)


def export_records(*, project: Project, source: str) -> Iterator[Record]:
    """Records of `source`: gold | all | model | annotator:USERNAME | documents (texts only).

    `all` gives one record per submitted annotation (document and annotator).
    """
    if source == "documents":
        for doc in _documents(project).iterator(chunk_size=_CHUNK):
            yield Record(text=doc.text, id=doc.external_id, meta=doc.meta)
    elif source == "gold":
        golds = (
            Gold.objects.filter(document__project=project, document__deleted_at__isnull=True)
            .select_related("document")
            .prefetch_related(Prefetch("spans", queryset=GoldSpan.objects.order_by("start", "end", "label")))
            .order_by("document_id")
        )
        for gold in golds.iterator(chunk_size=_CHUNK):
            doc = gold.document
            spans = [_span_dict(s) for s in gold.spans.all()]
            yield Record(text=doc.text, id=doc.external_id, meta=doc.meta, spans=spans, annotator="gold")
    elif source == "all" or source.startswith("annotator:"):
        annotations = Annotation.objects.filter(
            document__project=project, document__deleted_at__isnull=True, status=Annotation.Status.SUBMITTED
        )
        if source != "all":
            username = source.split(":", 1)[1]
            annotations = annotations.filter(annotator__username=username)
        annotations = (
            annotations.select_related("document", "annotator")
            .prefetch_related(Prefetch("spans", queryset=Span.objects.order_by("start", "end", "label")))
            .order_by("document_id", "annotator__username")
        )
        for annotation in annotations.iterator(chunk_size=_CHUNK):
            doc = annotation.document
            spans = [_span_dict(s) for s in annotation.spans.all()]
            yield Record(
                text=doc.text, id=doc.external_id, meta=doc.meta, spans=spans, annotator=annotation.annotator.username
            )
    elif source == "model":
        current = ModelVersion.objects.filter(project=project, status=ModelVersion.Status.CURRENT).first()
        if current is None:
            return
        docs = (
            _documents(project)
            .filter(suggestions__model_version=current)
            .distinct()
            .prefetch_related(
                Prefetch(
                    "suggestions",
                    queryset=Suggestion.objects.filter(model_version=current).order_by("start", "end", "label"),
                )
            )
        )
        for doc in docs.iterator(chunk_size=_CHUNK):
            spans = [_span_dict(s, with_score=True) for s in doc.suggestions.all()]
            yield Record(text=doc.text, id=doc.external_id, meta=doc.meta, spans=spans, annotator="model")
    else:
        raise AnnotatorError(f"unknown source {source!r} (known: {', '.join(SOURCES)})", field="source")


def export(*, project: Project, source: str, fmt: str) -> Iterator[str]:
    """The export as text chunks, for a file or a streaming HTTP response."""
    writer = writer_for(fmt)
    if not (source in ("gold", "all", "model", "documents") or source.startswith("annotator:")):
        raise AnnotatorError(f"unknown source {source!r} (known: {', '.join(SOURCES)})", field="source")
    return writer(export_records(project=project, source=source))
