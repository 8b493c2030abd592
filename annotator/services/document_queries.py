"""Read queries of the API's document list and progress figures (writes live elsewhere).

A document's status, one of four, exclusive:
- `gold`: it has a gold annotation (adjudicated or imported);
- `done`: no gold yet, but at least `annotators_per_document` submitted annotations;
- `in_progress`: someone holds it (a draft or a submission), not yet done;
- `unassigned`: nobody holds it (never assigned, or every assignee skipped it).
The project's `done` figure counts `done` and `gold` documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from annotator.models import HOLDS_SLOT, Annotation, Document, Gold, GoldSpan, Project, Span
from annotator.search import Term, fts5_query, search_terms, tsquery

if TYPE_CHECKING:  # django-stubs-ext is a development requirement only
    from django_stubs_ext import WithAnnotations

DOCUMENT_STATUSES = ("unassigned", "in_progress", "done", "gold")

# Migration 0008's FTS5 table over annotator_document (SQLite).
FTS = "annotator_document_fts"
# The indexed expression of migration 0008's `document_search_idx`, which a query must repeat
# to be answered from the index.
POSTGRES_SEARCH_EXPRESSION = (
    "to_tsvector('annotator_search'::regconfig, "
    '"annotator_document"."external_id" || \' \' || left("annotator_document"."text", 200000))'
)


def _count(queryset: QuerySet[Any]) -> Coalesce:
    counted = queryset.order_by().values("document").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class StatusFields(TypedDict):
    """What `documents_with_status` annotates each document with."""

    has_gold: bool
    submitted: int
    held: int
    status: str


def documents_with_status(
    *, project: Project, deleted: bool = False
) -> QuerySet[WithAnnotations[Document, StatusFields]]:
    """The project's live documents (or, `deleted`, the deleted ones), each annotated with
    `status`, `submitted` and `held`."""
    annotations = Annotation.objects.filter(document=OuterRef("pk"))
    return (
        (Document.objects.filter(deleted_at__isnull=False) if deleted else Document.objects.live())
        .filter(project=project)
        .annotate(
            has_gold=Exists(Gold.objects.filter(document=OuterRef("pk"))),
            submitted=_count(annotations.filter(status=Annotation.Status.SUBMITTED)),
            held=_count(annotations.filter(status__in=HOLDS_SLOT)),
        )
        .annotate(
            status=Case(
                When(has_gold=True, then=Value("gold")),
                When(submitted__gte=project.annotators_per_document, then=Value("done")),
                When(held__gt=0, then=Value("in_progress")),
                default=Value("unassigned"),
                output_field=CharField(),
            )
        )
    )


def document_list(
    *,
    project: Project,
    user: User,
    sees_all: bool,
    status: str | None = None,
    assignee: str | None = None,
    label: str | None = None,
    q: str | None = None,
    after: int | None = None,
    deleted: bool = False,
) -> QuerySet[Document]:
    """Documents the caller may list, filtered, in id order, without their status (see
    `with_status` for a page's). Annotators (`sees_all` False) see only documents assigned
    to them, and a label filter looks only at their own spans. `after`: only ids above it
    (keyset pages), also bounding the subqueries so a page reads from there on.

    The list is read at a million documents, so each filter is an index read the database
    can start from: a set of few rows (the caller's, an assignee's, gold, held or submitted
    annotations) is an `id IN (...)` the planner drives from, a search is a full-text index
    match (`document_search_idx` / `annotator_document_fts`, migration 0008), and
    `unassigned`, the one status that is the absence of rows, is a NOT EXISTS per document
    read in id order until the page is full. `deleted`: the deleted documents instead of
    the live ones (the document browser's restore list)."""
    documents = (Document.objects.filter(deleted_at__isnull=False) if deleted else Document.objects.live()).filter(
        project=project
    )
    annotations = Annotation.objects.all()
    if after is not None:
        documents = documents.filter(pk__gt=after)
        annotations = annotations.filter(document_id__gt=after)
    if not sees_all:
        documents = documents.filter(pk__in=annotations.filter(annotator=user).values("document_id"))
    if status:
        documents = documents.filter(_status_is(status, project=project, annotations=annotations))
    if assignee:
        documents = documents.filter(pk__in=annotations.filter(annotator__username=assignee).values("document_id"))
    if label:
        spans = Span.objects.filter(label=label)
        if after is not None:
            spans = spans.filter(annotation__document_id__gt=after)
        if sees_all:
            submitted = spans.filter(annotation__status=Annotation.Status.SUBMITTED)
            gold_spans = GoldSpan.objects.filter(label=label)
            if after is not None:
                gold_spans = gold_spans.filter(gold__document_id__gt=after)
            # One IN over a UNION: PostgreSQL reads `IN a OR IN b` as a probe per document.
            either = (
                submitted.order_by()
                .values("annotation__document_id")
                .union(gold_spans.order_by().values("gold__document_id"))
            )
            documents = documents.filter(pk__in=either)
        else:
            documents = documents.filter(
                pk__in=spans.filter(annotation__annotator=user).values("annotation__document_id")
            )
    if q:
        terms = search_terms(q)
        if not terms:  # nothing to search for but punctuation: only an id typed exactly
            documents = documents.filter(external_id=q)
        elif connection.vendor == "sqlite":
            # A join read in the FTS table's rowid order (= the documents' id order), so a page
            # stops after its last match, where `id IN (MATCH ...)` would collect every match
            # first (all of them, for a common word). No ORM form says this, hence extra().
            where = [f"{FTS}.rowid = annotator_document.id", f"{FTS} MATCH %s"]
            params: list[Any] = [fts5_query(terms)]
            if after is not None:
                where.append(f"{FTS}.rowid > %s")
                params.append(after)
            return documents.extra(tables=[FTS], where=where, params=params, order_by=[f"{FTS}.rowid"])
        elif connection.vendor == "postgresql":
            documents = documents.filter(_matches(terms, q))
            if not _common_on_postgres(tsquery(terms)):
                # Read from the index, then sorted: the planner would often walk the documents
                # in id order instead, re-parsing every text, for a word in 1 % of them (2 s
                # at a million). Ordering by an expression keeps it off that path.
                return documents.order_by(ExpressionWrapper(F("pk") + 0, output_field=IntegerField()))
        else:
            documents = documents.filter(_matches(terms, q))
    return documents.order_by("pk")


# A search whose words are in more than this share of the documents finds a page in id
# order within a few thousand documents; a rarer one is read from the index.
COMMON_SHARE = 0.03


def _common_on_postgres(query: str) -> bool:
    """Whether the planner expects the tsquery `query` to match more than COMMON_SHARE of
    all documents (its estimate from the index's statistics; an EXPLAIN, no rows read)."""
    with connection.cursor() as cursor:
        # Constants only; the user's query is a parameter.
        explain = f"EXPLAIN (FORMAT JSON) SELECT 1 FROM annotator_document WHERE {POSTGRES_SEARCH_EXPRESSION} @@ "  # noqa: S608
        cursor.execute(explain + "to_tsquery('annotator_search', %s)", [query])
        plan = cursor.fetchone()[0][0]["Plan"]
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'annotator_document'")
        total = cursor.fetchone()[0]
    return bool(total > 0 and plan["Plan Rows"] > COMMON_SHARE * total)


def _status_is(status: str, *, project: Project, annotations: QuerySet[Annotation]) -> Q:
    """The condition "the document's status is `status`" (see the module docstring)."""
    gold = Q(pk__in=Gold.objects.values("document_id"))
    held = annotations.filter(status__in=HOLDS_SLOT).values("document_id")
    enough = (
        annotations.filter(status=Annotation.Status.SUBMITTED)
        .values("document_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=project.annotators_per_document)
        .values("document_id")
    )
    if status == "gold":
        return gold
    if status == "done":
        return Q(pk__in=enough) & ~gold
    if status == "in_progress":
        return Q(pk__in=held) & ~Q(pk__in=enough) & ~gold
    # unassigned: nobody holds it, so nobody submitted it either (k >= 1)
    return ~Exists(Annotation.objects.filter(document=OuterRef("pk"), status__in=HOLDS_SLOT)) & ~Exists(
        Gold.objects.filter(document=OuterRef("pk"))
    )


def _matches(terms: list[Term], q: str) -> Q:
    """The condition "the document has the words `terms` of the search `q`"
    (annotator.search says how a query is read), on PostgreSQL from migration 0008's index."""
    if connection.vendor == "postgresql":
        return Q(
            RawSQL(
                f"{POSTGRES_SEARCH_EXPRESSION} @@ to_tsquery('annotator_search', %s)",
                [tsquery(terms)],
                output_field=BooleanField(),
            )
        )
    return Q(text__icontains=q) | Q(external_id__icontains=q)


def document_count(
    *,
    project: Project,
    user: User,
    sees_all: bool,
    limit: int,
    status: str | None = None,
    assignee: str | None = None,
    label: str | None = None,
    q: str | None = None,
) -> tuple[int, bool]:
    """How many documents `document_list` would list with these filters, counted no
    further than `limit` (see `count_up_to`)."""
    if connection.vendor == "postgresql" and q and sees_all and not (status or assignee or label):
        terms = search_terms(q)
        if terms:
            return _search_count_on_postgres(project, tsquery(terms), limit)
    ids = document_list(
        project=project, user=user, sees_all=sees_all, status=status, assignee=assignee, label=label, q=q
    )
    return count_up_to(ids.values_list("pk", flat=True), limit=limit)


# A search's matches counted from the GIN index: the project and the deletion mark
# are written so no other index can serve them (`+ 0`, `IS TRUE`) and only bitmap scans are
# allowed, with memory enough for an exact bitmap of a million documents (a lossy one
# re-parses every text of its pages). Constants only; the query and ids are parameters.
_SEARCH_COUNT_SQL = (
    f"SELECT count(*) FROM (SELECT 1 FROM annotator_document WHERE {POSTGRES_SEARCH_EXPRESSION} "  # noqa: S608
    "@@ to_tsquery('annotator_search', %s) AND project_id + 0 = %s AND (deleted_at IS NULL) IS TRUE "
    "LIMIT %s) found"
)


def _search_count_on_postgres(project: Project, query: str, limit: int) -> tuple[int, bool]:
    """`count_up_to` for a search alone on PostgreSQL, from the index whatever the word.
    The list's own query walks the documents in id order for a common word, re-parsing
    each text (2.7 s to count 10,000 at 100,000 documents, 0.1-0.4 s from the index), and
    sorts a rare one's matches, which a count does not need."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL work_mem = '32MB'")
        cursor.execute(_SEARCH_COUNT_SQL, [query, project.pk, limit + 1])
        found = cursor.fetchone()[0]
    return (limit, True) if found > limit else (found, False)


def count_up_to(ids: QuerySet[Any], *, limit: int) -> tuple[int, bool]:
    """How many rows `ids` (a `document_list` query) has, reading no further than `limit`
    of them: `(n, False)` when that is all, `(limit, True)` when there are more.

    A count of every match is what made numbered pages slow: a word in most of a million
    documents, or `unassigned` in a fresh project, is a million rows to count, and a bare
    COUNT(*) over the FTS join lost the join's order, so SQLite probed the FTS table once per
    document (1.2-6 s at 100,000 documents, even for a word found nowhere). Counting a slice
    keeps the query's ORDER BY, so the count is read the way a page is."""
    found = ids[: limit + 1].count()
    return (limit, True) if found > limit else (found, False)


def with_status(*, project: Project, ids: Sequence[int], deleted: bool = False) -> list[Document]:
    """The documents `ids` (a page of `document_list`) with their `status`, in the order of `ids`."""
    found = {d.pk: d for d in documents_with_status(project=project, deleted=deleted).filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def project_progress(*, project: Project, user: User | None = None) -> dict[str, Any]:
    """Documents total and done (see the module docstring), by status, and per annotator
    the submitted, draft and skipped counts and active seconds spent. With `user` given,
    only that annotator's row is included (annotators don't see each other's figures)."""
    # Counted from the gold and annotation rows, and the rest from one index count of the
    # live documents: a status computed for every document took 12 s at a million.
    live = Document.objects.live().filter(project=project)
    annotated = {
        name: live.filter(_status_is(name, project=project, annotations=Annotation.objects.all())).count()
        for name in ("in_progress", "done", "gold")
    }
    counts = {"unassigned": live.count() - sum(annotated.values()), **annotated}
    # A join from the annotations (few) to their documents, not `IN` the project's documents (all).
    annotations = Annotation.objects.filter(document__project=project, document__deleted_at__isnull=True)
    if user is not None:
        annotations = annotations.filter(annotator=user)
    rows = (
        annotations.order_by()
        .values("annotator__username")
        .annotate(
            submitted=Count("pk", filter=Q(status=Annotation.Status.SUBMITTED)),
            drafts=Count("pk", filter=Q(status=Annotation.Status.DRAFT)),
            skipped=Count("pk", filter=Q(status=Annotation.Status.SKIPPED)),
            time_spent=Sum("time_spent"),
        )
        .order_by("annotator__username")
    )
    return {
        "documents": sum(counts.values()),
        "done": counts["done"] + counts["gold"],
        "by_status": counts,
        "annotators": [
            {
                "username": row["annotator__username"],
                "submitted": row["submitted"],
                "drafts": row["drafts"],
                "skipped": row["skipped"],
                "time_spent": round(row["time_spent"] or 0.0, 1),
            }
            for row in rows
        ],
    }
