"""The control share: a share of each project's documents (`Project.control_share`, 10% by
default, at most half) is served to everyone without suggestions, so the reports can compare
annotation with and without them (pre-annotation sways annotators towards the model).

Which documents: a hash of the document's external id (unique in its project, and known
before the row is written, so imports decide in the same INSERT) gives it a place in [0, 1);
the document is a control document when that place is below the share. Every annotator of a
document therefore works under the same condition, and the decision is stored on the document
(`Document.control`) so reports group by what was served. Changing the share re-decides only
the documents nobody has an annotation of yet: a condition someone has worked under is kept.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from itertools import combinations
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Min

from annotator.agreement.defaults import DEFAULT_RESAMPLES, DEFAULT_SEED
from annotator.exceptions import AnnotatorError, Conflict
from annotator.models import Annotation, Document, Gold, GoldSpan, ModelVersion, Project, Promotion, Span, Suggestion
from annotator.spans import Span as PlainSpan

if TYPE_CHECKING:  # numpy lives there: imported where the comparison is computed
    from annotator.agreement.conditions import DocumentFigures

MAX_SHARE = 0.5


def control_place(external_id: str) -> float:
    """The document's place in [0, 1): the first 8 bytes of a hash of its external id."""
    digest = hashlib.sha256(f"control:{external_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def is_control(external_id: str, share: float) -> bool:
    """Whether a document with this external id is a control document under `share`."""
    return control_place(external_id) < share


def check_share(share: object) -> float:
    """The share as a float, or an error naming the field (0 to 0.5)."""
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0.0 <= float(share) <= MAX_SHARE:
        raise AnnotatorError(
            f"control_share must be a number from 0 to {MAX_SHARE}, not {share!r}", field="control_share"
        )
    return float(share)


def redecide_unstarted(*, project: Project) -> int:
    """Apply the project's share to its documents nobody has an annotation of (inside the
    caller's transaction, which holds the project's row). Returns how many changed."""
    started = Annotation.objects.filter(document__project=project).values("document_id")
    unstarted = Document.objects.filter(project=project).exclude(pk__in=started)
    now_control: list[int] = []
    now_plain: list[int] = []
    for pk, external_id, control in unstarted.values_list("pk", "external_id", "control").iterator(chunk_size=2000):
        wanted = is_control(external_id, project.control_share)
        if wanted != control:
            (now_control if wanted else now_plain).append(pk)
    with transaction.atomic():
        for ids, value in ((now_control, True), (now_plain, False)):
            for start in range(0, len(ids), 500):
                Document.objects.filter(pk__in=ids[start : start + 500]).update(control=value)
    return len(now_control) + len(now_plain)


def check_not_control_text(*, project: Project, text: str) -> None:
    """`Conflict` when `text` is the text of one of the project's live control documents:
    `predict/` must not label a control document on request either."""
    candidates = Document.objects.with_text(project, text).live().filter(control=True)
    if any(candidate.text == text for candidate in candidates.only("text")):
        raise Conflict(
            "this text is one of the project's control documents, which are annotated without suggestions",
            field="text",
        )


# --- With and without suggestions, compared -----------------------------------------------


def _first_model_at(project: Project) -> Any:
    """When the project first had a current model (a rollback moves `promoted_at`; the
    record keeps the first time)."""
    times = [
        ModelVersion.objects.filter(project=project).aggregate(at=Min("promoted_at"))["at"],
        Promotion.objects.filter(project=project).aggregate(at=Min("at"))["at"],
    ]
    found = [t for t in times if t is not None]
    return min(found) if found else None


def condition_figures(*, project: Project) -> list[DocumentFigures]:
    """One `DocumentFigures` per live document with a submitted annotation served once the
    project had a model (before that, nobody was shown suggestions on any document, so those
    annotations belong to neither condition)."""
    from annotator.agreement.conditions import DocumentFigures
    from annotator.agreement.span_f1 import span_f1

    since = _first_model_at(project)
    if since is None:
        return []
    annotations = list(
        Annotation.objects.filter(
            document__project=project,
            document__deleted_at__isnull=True,
            status=Annotation.Status.SUBMITTED,
            created_at__gte=since,
        )
        .select_related("document")
        .only("document_id", "document__control", "document__suggested_by_id", "time_spent", "rejected_suggestions")
        .prefetch_related("spans")
    )
    by_document: dict[int, list[Annotation]] = defaultdict(list)
    for annotation in annotations:
        by_document[annotation.document_id].append(annotation)
    gold: dict[int, list[PlainSpan]] = defaultdict(list)
    for span in GoldSpan.objects.filter(gold__document_id__in=list(by_document)).values(
        "gold__document_id", "start", "end", "label"
    ):
        gold[span["gold__document_id"]].append(PlainSpan(span["start"], span["end"], span["label"]))
    has_gold = set(Gold.objects.filter(document_id__in=list(by_document)).values_list("document_id", flat=True))
    version_of = dict(
        Suggestion.objects.filter(document_id__in=list(by_document)).values_list("pk", "model_version_id")
    )
    shown_by = Counter(
        Suggestion.objects.filter(document_id__in=list(by_document)).values_list("document_id", "model_version_id")
    )
    figures = []
    for document_id, group in by_document.items():
        document = group[0].document
        spans = [[PlainSpan(s.start, s.end, s.label) for s in a.spans.all()] for a in group]
        pair = span_f1(*_pairs(spans)).micro
        versus = span_f1([gold[document_id]] * len(spans), spans).micro if document_id in has_gold else None
        accepted = shown = 0
        if not document.control:
            for annotation in group:
                from_model = [s for s in annotation.spans.all() if s.suggestion_id and s.origin != Span.Origin.MANUAL]
                accepted += len(from_model)
                acted_on = [s.suggestion_id for s in from_model] + list(annotation.rejected_suggestions or [])
                named = {version_of[i] for i in acted_on if i in version_of}
                # The version whose suggestions the annotator acted on, else the one the
                # document has now: its suggestions are what was shown.
                version = min(named) if named else document.suggested_by_id
                if version is not None:
                    shown += shown_by.get((document_id, version), 0)
        figures.append(
            DocumentFigures(
                control=document.control,
                pairs=len(spans) * (len(spans) - 1) // 2,
                pair_matched=pair.matched,
                pair_spans=pair.reference + pair.predicted,
                gold_compared=len(spans) if versus is not None else 0,
                gold_matched=versus.matched if versus is not None else 0,
                gold_spans=versus.reference + versus.predicted if versus is not None else 0,
                annotations=len(group),
                seconds=sum(a.time_spent for a in group),
                accepted=accepted,
                shown=shown,
            )
        )
    return figures


def _pairs(spans: list[list[PlainSpan]]) -> tuple[list[list[PlainSpan]], list[list[PlainSpan]]]:
    """Every pair of a document's annotations as the two sides of a span F1."""
    pairs = list(combinations(spans, 2))
    return [a for a, _ in pairs], [b for _, b in pairs]


def suggestions_comparison(
    *, project: Project, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """The project's documents with and without suggestions compared
    (`annotator.agreement.conditions`), with the project's control share."""
    from annotator.agreement.conditions import compare_conditions

    report = compare_conditions(condition_figures(project=project), resamples=resamples, seed=seed)
    return {"control_share": project.control_share, **report}
