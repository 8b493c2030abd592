"""How much a model version helped the annotators, measured from what they submitted.

For a version V, the annotations counted are the submitted ones of documents V made
suggestions for, submitted after V was promoted (before that nobody saw V's suggestions):
- `accepted_share`: of the spans in those annotations, the share that came from one of V's
  suggestions (accepted as is, or accepted then edited — `edited_share` says how many of
  them were edited);
- `acceptance_rate`: of V's suggestions shown on those documents, the share submitted
  (accepted or edited);
- `rejected_share`: of V's suggestions on those documents, the share the annotator
  explicitly rejected;
- `precision` / `recall` / `f1`: V's suggestions against the submitted spans, exact span
  match, with the span F1 everything else uses (each annotation compared with the
  suggestions on its document).
- relations (#21): `relation_acceptance_rate`, of V's relation suggestions shown on those
  documents, the share submitted — a submitted relation whose two spans came from the two
  suggestions a relation suggestion joins, with its type; `relation_accepted_share`, of the
  submitted relations, the share that came so; `relation_rejected_share`, of those shown,
  the share the annotator rejected (`rejected_relation_suggestions`).
Figures with nothing to stand on are null, never 0 or 1. Control documents (served without
suggestions, `services.control`) are left out here; `help_report` adds the comparison of
documents with and without suggestions (`services.control.suggestions_comparison`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from annotator.agreement.span_f1 import span_f1
from annotator.models import Annotation, ModelVersion, Relation, RelationSuggestion, Span, Suggestion
from annotator.services.control import suggestions_comparison
from annotator.spans import Span as PlainSpan


def model_help(*, version: ModelVersion) -> dict[str, Any]:
    empty: dict[str, Any] = {
        "annotations": 0,
        "submitted_spans": 0,
        "from_suggestions": 0,
        "accepted": 0,
        "edited": 0,
        "accepted_share": None,
        "acceptance_rate": None,
        "edited_share": None,
        "suggestions_shown": 0,
        "rejected": 0,
        "rejected_share": None,
        "precision": None,
        "recall": None,
        "f1": None,
        **_relation_help([], {}),
    }
    if version.promoted_at is None:
        return empty
    suggestions: dict[int, list[Suggestion]] = defaultdict(list)
    # A control document's suggestions were computed (the queue orders by them) but never shown.
    for suggestion in Suggestion.objects.filter(model_version=version, document__control=False):
        suggestions[suggestion.document_id].append(suggestion)
    annotations = list(
        Annotation.objects.filter(
            document_id__in=list(suggestions),
            status=Annotation.Status.SUBMITTED,
            submitted_at__gte=version.promoted_at,
        ).prefetch_related("spans")
    )
    if not annotations:
        return empty
    own_ids = {s.pk for items in suggestions.values() for s in items}
    submitted = from_suggestions = edited = shown = rejected = 0
    reference: list[list[PlainSpan]] = []
    predicted: list[list[PlainSpan]] = []
    for annotation in annotations:
        spans = list(annotation.spans.all())
        submitted += len(spans)
        for span in spans:
            if span.suggestion_id in own_ids and span.origin != Span.Origin.MANUAL:
                from_suggestions += 1
                edited += span.origin == Span.Origin.SUGGESTION_EDITED
        offered = suggestions[annotation.document_id]
        shown += len(offered)
        rejected += len(own_ids & set(annotation.rejected_suggestions or []) & {s.pk for s in offered})
        reference.append([PlainSpan(s.start, s.end, s.label) for s in spans])
        predicted.append([PlainSpan(s.start, s.end, s.label) for s in offered])
    scores = span_f1(reference, predicted).micro
    return {
        "annotations": len(annotations),
        "submitted_spans": submitted,
        "from_suggestions": from_suggestions,
        "accepted": from_suggestions - edited,
        "edited": edited,
        "accepted_share": from_suggestions / submitted if submitted else None,
        # Of the suggestions shown, the share that ended up in a submitted annotation.
        "acceptance_rate": from_suggestions / shown if shown else None,
        "edited_share": edited / from_suggestions if from_suggestions else None,
        "suggestions_shown": shown,
        "rejected": rejected,
        "rejected_share": rejected / shown if shown else None,
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        **_relation_help(annotations, suggestions),
    }


def _relation_help(annotations: list[Annotation], suggestions: dict[int, list[Suggestion]]) -> dict[str, Any]:
    """The relation figures of `model_help` for the counted annotations; `suggestions` are
    the version's span suggestions by document (shown ones only)."""
    version_ids = {s.model_version_id for items in suggestions.values() for s in items}
    offered: dict[int, list[RelationSuggestion]] = defaultdict(list)
    if annotations:
        rows = RelationSuggestion.objects.filter(
            model_version_id__in=version_ids, document_id__in={a.document_id for a in annotations}
        )
        for row in rows:
            offered[row.document_id].append(row)
    made: dict[int, list[tuple[int | None, int | None, str]]] = defaultdict(list)
    ids = [a.pk for a in annotations]
    for start in range(0, len(ids), 500):  # under SQLite's 999 parameters
        links = Relation.objects.filter(annotation_id__in=ids[start : start + 500]).values_list(
            "annotation_id", "source__suggestion_id", "target__suggestion_id", "type"
        )
        for annotation_id, *link in links:
            made[annotation_id].append(tuple(link))  # type: ignore[arg-type]
    submitted = accepted = shown = rejected = 0
    for annotation in annotations:
        submitted += len(made[annotation.pk])
        joined = {link for link in made[annotation.pk] if link[0] is not None and link[1] is not None}
        mine = offered[annotation.document_id]
        shown += len(mine)
        accepted += sum((r.source_id, r.target_id, r.type) in joined for r in mine)
        rejected += len(set(annotation.rejected_relation_suggestions or []) & {r.pk for r in mine})
    return {
        "submitted_relations": submitted,
        "relation_suggestions_shown": shown,
        "relations_accepted": accepted,
        "relation_acceptance_rate": accepted / shown if shown else None,
        "relation_accepted_share": accepted / submitted if submitted else None,
        "relations_rejected": rejected,
        "relation_rejected_share": rejected / shown if shown else None,
    }


def help_report(*, version: ModelVersion) -> dict[str, Any]:
    """`model_help` with the project's comparison of documents served with and without
    suggestions (the help endpoint's answer)."""
    return {**model_help(version=version), "suggestions_comparison": suggestions_comparison(project=version.project)}
