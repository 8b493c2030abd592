"""The effort curve: manual actions per document as the project grows, from what was stored.

Each submitted annotation of a live document, in submission order, counts
- `added`: its spans marked by hand (origin manual);
- `edited`: its spans that started as a suggestion and were edited (a move or a relabel);
- `rejected`: the suggestions its annotator explicitly rejected;
- `accepted`: its spans accepted from a suggestion as they were (a confirmation, not a
  manual action: see `annotator.effort`);
- `suggestions_shown`: the suggestions on its document from the model version it worked
  with: the version of the suggestions it accepted, edited or rejected, else the newest
  version promoted before its submission that suggested on the document;
- `seconds`: its measured active time (`Annotation.time_spent`).
Manual actions are added + edited + rejected; `spans` (all its spans) is what the same
document would have cost by hand without a model, one add a span. The same counts as the
simulated annotator of `bench/bench_effort.py`, so the two curves can be read side by side.

Consecutive annotations are averaged in buckets so a curve has at most `max_points` points.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count

from annotator.models import Annotation, ModelVersion, Project, Span, Suggestion

_COUNTS = ("added", "edited", "rejected", "accepted", "spans", "suggestions_shown", "manual_actions")


def effort_curve_for(*, project: Project, max_points: int = 200) -> dict[str, Any]:
    """The curve of `project` (see the module's docstring): `points`, each the mean per
    document over annotations `first`..`last` (1: the first submitted), and `totals`."""
    annotations = list(
        Annotation.objects.filter(
            document__project=project, document__deleted_at__isnull=True, status=Annotation.Status.SUBMITTED
        )
        .order_by("submitted_at", "pk")
        .values("pk", "document_id", "submitted_at", "time_spent", "rejected_suggestions")
    )
    rows = [_counts(annotation) for annotation in _with_versions(project, annotations)]
    size = max(1, math.ceil(len(rows) / max_points))
    points = []
    for first in range(0, len(rows), size):
        bucket = rows[first : first + size]
        point: dict[str, Any] = {"first": first + 1, "last": first + len(bucket), "documents": len(bucket)}
        point.update({key: sum(r[key] for r in bucket) / len(bucket) for key in (*_COUNTS, "seconds")})
        point["with_suggestions"] = sum(r["suggestions_shown"] > 0 for r in bucket) / len(bucket)
        points.append(point)
    totals = {key: sum(r[key] for r in rows) for key in _COUNTS}
    return {"annotations": len(rows), "bucket": size, "points": points, "totals": totals}


def _with_versions(project: Project, annotations: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each annotation with its span counts by origin and the suggestions it was shown."""
    ids = [a["pk"] for a in annotations]
    by_origin: dict[int, Counter[str]] = defaultdict(Counter)
    used: dict[int, set[int]] = defaultdict(set)  # annotation -> suggestion ids it took
    for annotation_id, origin, suggestion_id in Span.objects.filter(annotation_id__in=ids).values_list(
        "annotation_id", "origin", "suggestion_id"
    ):
        by_origin[annotation_id][origin] += 1
        if suggestion_id is not None:
            used[annotation_id].add(suggestion_id)
    referenced = set().union(*used.values()) | {s for a in annotations for s in a["rejected_suggestions"] or []}
    version_of = dict(
        Suggestion.objects.filter(pk__in=[s for s in referenced if isinstance(s, int)]).values_list(
            "pk", "model_version_id"
        )
    )
    shown: dict[tuple[int, int], int] = {
        (row["document_id"], row["model_version_id"]): row["n"]
        for row in Suggestion.objects.filter(document__project=project)
        .values("document_id", "model_version_id")
        .annotate(n=Count("pk"))
    }
    promoted = list(
        ModelVersion.objects.filter(project=project, promoted_at__isnull=False)
        .order_by("promoted_at")
        .values_list("promoted_at", "pk")
    )
    times = [when for when, _ in promoted]
    result = []
    for annotation in annotations:
        taken = used[annotation["pk"]] | set(annotation["rejected_suggestions"] or [])
        versions = {version_of[s] for s in taken if s in version_of}
        version = max(versions) if versions else None
        if version is None and annotation["submitted_at"] is not None:
            # the newest version promoted before the submission that suggested on the document
            for _, pk in reversed(promoted[: bisect.bisect_right(times, annotation["submitted_at"])]):
                if (annotation["document_id"], pk) in shown:
                    version = pk
                    break
        result.append(
            {
                **annotation,
                "origins": by_origin[annotation["pk"]],
                "shown": shown.get((annotation["document_id"], version), 0) if version else 0,
            }
        )
    return result


def _counts(annotation: dict[str, Any]) -> dict[str, Any]:
    origins = annotation["origins"]
    added = origins[Span.Origin.MANUAL]
    edited = origins[Span.Origin.SUGGESTION_EDITED]
    accepted = origins[Span.Origin.SUGGESTION_ACCEPTED]
    rejected = len(set(annotation["rejected_suggestions"] or []))
    return {
        "added": added,
        "edited": edited,
        "rejected": rejected,
        "accepted": accepted,
        "spans": added + edited + accepted,
        "suggestions_shown": annotation["shown"],
        "manual_actions": added + edited + rejected,
        "seconds": annotation["time_spent"],
    }
