"""Adjudication: turning several annotators' submitted annotations of a document into its gold.

`adjudication_for` lays the annotations side by side (the spans every annotator agrees on,
the disagreements sorted into boundary / label / only-one-annotator / not-everyone /
attributes, and a majority-vote pre-fill, all from `annotator.agreement.compare`; the
relations' agreed links and disagreements from `annotator.agreement.relation_compare`) with
the current gold. `save_gold` stores the adjudicator's decision with its provenance (who, when,
from which annotations; for each relation, which annotators had it or "reviewer") and asks
the tagger whether it is time to retrain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from annotator.agreement.compare import compare_annotations
from annotator.agreement.relation_compare import RelationComparison, compare_relations
from annotator.agreement.relation_links import LinkedRelation
from annotator.exceptions import AnnotatorError, StaleVersion
from annotator.models import Annotation, Document, Gold, GoldRelation, GoldSpan
from annotator.relations import check_relations
from annotator.services import queue, training
from annotator.services import relations as relation_store
from annotator.services.data_version import bump_data_version
from annotator.spans import Span, check_spans


def document_annotations(*, document: Document) -> list[Annotation]:
    """Every annotator's annotation of the document (any status), spans and relations prefetched."""
    return list(
        Annotation.objects.filter(document=document)
        .select_related("annotator")
        .prefetch_related("spans", "relations")
        .order_by("annotator__username")
    )


def current_gold(*, document: Document) -> Gold | None:
    return (
        Gold.objects.filter(document=document)
        .select_related("adjudicator")
        .prefetch_related("spans", "source_annotations__annotator")
        .first()
    )


def adjudication_for(*, document: Document) -> dict[str, Any]:
    """What the adjudicator starts from: the submitted annotations (id, annotator, version,
    spans), the comparison of their spans, and the gold if there is one."""
    submitted = [a for a in document_annotations(document=document) if a.status == Annotation.Status.SUBMITTED]
    comparison = compare_annotations({a.annotator.username: [s.as_span() for s in a.spans.all()] for a in submitted})
    return {
        "document": document.pk,
        "annotations": [
            {
                "id": a.pk,
                "annotator": a.annotator.username,
                "version": a.version,
                "submitted_at": a.submitted_at,
                "spans": [
                    s.as_span().as_dict() for s in sorted(a.spans.all(), key=lambda s: (s.start, s.end, s.label))
                ],
            }
            for a in submitted
        ],
        **comparison.as_dict(),
        "relations": relation_comparison(submitted).as_dict(),
        "gold": gold_data(current_gold(document=document)),
    }


def relation_comparison(annotations: Sequence[Annotation]) -> RelationComparison:
    """The relations of `annotations` side by side (`agreement.relation_compare`), read in one query."""
    by_annotator: dict[str, list[LinkedRelation]] = {a.annotator.username: [] for a in annotations}
    for (source, target, kind), names in relation_store.links_of_annotations(a.pk for a in annotations).items():
        for who in names:
            by_annotator[who].append(LinkedRelation(Span(*source), Span(*target), kind))
    return compare_relations(by_annotator)


def stale_sources(gold: Gold) -> list[dict[str, Any]]:
    """The source annotations edited since the gold was adjudicated from them: annotator,
    the version the gold cites and the annotation's version now. Empty: the gold is current."""
    cited = gold.source_versions or {}
    return [
        {"id": a.pk, "annotator": a.annotator.username, "cited_version": cited[str(a.pk)], "current_version": a.version}
        for a in sorted(gold.source_annotations.all(), key=lambda a: a.pk)
        if str(a.pk) in cited and cited[str(a.pk)] != a.version
    ]


def gold_data(gold: Gold | None) -> dict[str, Any] | None:
    """The gold as the API shows it, or None. `stale` says whether some source annotation
    was edited after the adjudication (`stale_sources` lists them)."""
    if gold is None:
        return None
    cited = gold.source_versions or {}
    stale = stale_sources(gold)
    spans = sorted(s.as_span() for s in gold.spans.all())
    return {
        "document": gold.document_id,
        "version": gold.version,
        "origin": gold.origin,
        "adjudicator": gold.adjudicator.username if gold.adjudicator else None,
        "source_annotations": [
            {
                "id": a.pk,
                "annotator": a.annotator.username,
                "version": a.version,
                "cited_version": cited.get(str(a.pk)),
            }
            for a in sorted(gold.source_annotations.all(), key=lambda a: a.pk)
        ],
        "stale": bool(stale),
        "stale_sources": stale,
        "spans": [span.as_dict() for span in spans],
        "relations": relation_store.gold_relations(gold, spans),
        "created_at": gold.created_at,
        "updated_at": gold.updated_at,
    }


def save_gold(
    *,
    document: Document,
    user: User,
    spans: Sequence[Mapping[str, Any]],
    source_annotation_ids: Sequence[int],
    expected_version: int | None,
    source_versions: Mapping[int, int] | None = None,
    relations: Sequence[Mapping[str, Any]] | None = None,
) -> Gold:
    """Replace the document's gold with `spans`, adjudicated by `user` from the given
    annotations of this document.

    `expected_version` is the gold version the adjudicator started from (0 or None when there
    was no gold yet); another save in between raises `StaleVersion` (409), so two reviewers
    cannot silently overwrite each other. `source_versions` (annotation id -> version) are
    the versions the adjudicator read; the gold cites them, so an annotation edited between
    reading and saving leaves the gold stale at once. Sources not in it are cited at their
    version now. Bad spans raise `InvalidSpans` (400) naming each;
    nothing is written then. After the commit, the tagger is asked whether to retrain.

    `relations` (``{"from", "to", "type"}``, indices into `spans`) replace the gold's; None
    keeps each stored one whose two ends are still among `spans`, as an annotation's save
    does. Each stored relation records its provenance: the source annotators whose own
    relations hold the same link (same end offsets, labels and type); failing that, the
    provenance it already had in the gold; failing that, ["reviewer"] (added by hand).
    """
    checked = check_spans(document.text, list(spans), document.project.label_schemas())
    if relations is not None:
        check_relations(spans, relations, relation_store.rules_of(document.project))
    expected = expected_version or 0
    ids = sorted(set(source_annotation_ids))
    with transaction.atomic():
        gold = Gold.objects.select_for_update().filter(document=document).first()
        current = gold.version if gold else 0
        if expected != current:
            raise _stale(expected, current)
        sources = list(Annotation.objects.filter(document=document, pk__in=ids))
        unknown = sorted(set(ids) - {a.pk for a in sources})
        if unknown:
            raise AnnotatorError(
                f"source_annotation_ids: {', '.join(map(str, unknown))} are not annotations of document {document.pk}",
                field="source_annotation_ids",
            )
        old_links = relation_store.stored_gold_links(gold.pk) if gold is not None else {}
        if gold is None:
            try:
                with transaction.atomic():
                    gold = Gold.objects.create(document=document, adjudicator=user, origin="adjudicated", version=1)
            except IntegrityError:  # another reviewer created the first gold meanwhile
                raise _stale(expected, 1) from None
            queue.refresh_documents([document.pk])  # a document with gold leaves the queue
        else:
            gold.version += 1
            gold.adjudicator = user
            gold.origin = "adjudicated"
            gold.save(update_fields=["version", "adjudicator", "origin", "updated_at"])
            gold.spans.all().delete()
        stored = GoldSpan.objects.bulk_create(
            [GoldSpan(gold=gold, start=s.start, end=s.end, label=s.label, attrs=dict(s.attrs)) for s in checked]
        )
        links = list(old_links) if relations is None else relation_store.link_keys(spans, relations)
        had = relation_store.links_of_annotations(a.pk for a in sources)
        relation_store.store_gold_links(
            gold,
            stored,
            {link: had[link] if link in had else old_links.get(link, [GoldRelation.REVIEWER]) for link in links},
        )
        gold.source_annotations.set(sources)
        # The versions read under this transaction are the ones the gold is made from.
        read = source_versions or {}
        gold.source_versions = {str(a.pk): read.get(a.pk, a.version) for a in sources}
        gold.save(update_fields=["source_versions"])
        project = document.project
        bump_data_version(project.pk)  # the gold scores of the agreement report
        training.count_labelled(project.pk)
        transaction.on_commit(lambda: training.maybe_start_training(project=project))
    return gold


def _stale(expected: int, current: int) -> StaleVersion:
    error = StaleVersion(expected=expected, current=current)
    error.message = (
        f"gold version {expected} is stale: someone saved the gold meanwhile (it is at version {current}); "
        "reload it and apply your change again"
    )
    error.args = (error.message,)
    return error
