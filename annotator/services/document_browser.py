"""The document browser's filters and orders, on top of `document_queries.document_list`.

Filters (each optional, all combined with AND):
- `annotator_status`: draft | submitted | skipped | not_started, of `annotator` when given
  (annotators: always themselves), else of anyone: `draft` = someone has a draft,
  `not_started` = nobody (or not that annotator) has the document at all;
- `has_gold`: the document has (true) or lacks (false) a gold annotation;
- `has_disagreement`: at least two submitted annotations whose spans (start, end, label;
  attributes aside, as `annotator.agreement.compare` counts) are not the same set; false
  is its complement (fewer than two submissions, or all alike);
- `uncertainty_min` / `uncertainty_max`: the current model's uncertainty, both ends
  inclusive (documents the model has not scored have none, so any bound leaves them out);
- `created_after` / `created_before`: when the document was added (after inclusive,
  before exclusive).
- `commented`: the document has (true) or lacks (false) a comment thread the caller may
  see (annotators: their own threads); `open_comments`: the same for unresolved threads.

Orders: `id` (the default, with `document_list`'s own keyset `after`), `-id`, `created`,
`-created`, `uncertainty`, `-uncertainty`. Unscored documents sort as uncertainty -1: last
when the most uncertain come first. Keyset pages for the other orders carry the last row's
key and id (`keyset_token`), read as `key >= k AND (key > k OR id > i)` so the order's
index (migration 0016) starts the page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Max, Min, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from annotator.exceptions import AnnotatorError
from annotator.models import Annotation, Comment, Document, Gold, Project
from annotator.search import fts5_query, search_terms
from annotator.services import document_queries

ORDERINGS = ("id", "-id", "created", "-created", "uncertainty", "-uncertainty")
ANNOTATOR_STATUSES = ("draft", "submitted", "skipped", "not_started")
# Below every real uncertainty (an entropy, >= 0): where unscored documents sort.
UNSCORED = -1.0


def uncertainty_key() -> Coalesce:
    """The sort key of the uncertainty orders: migration 0016's index expression, with the
    constant written in the SQL (a bound parameter would not match the index)."""
    return Coalesce(F("model_uncertainty"), RawSQL(repr(UNSCORED), []), output_field=FloatField())


# The two documents' spans as sets differ: some span of one submitted annotation is not in
# another submitted annotation of the same document (both directions are tried, every
# ordered pair). Constants only; the project is a parameter.
_DISAGREEING_SQL = """
SELECT a.document_id FROM annotator_annotation a
JOIN annotator_document d ON d.id = a.document_id AND d.project_id = %s
JOIN annotator_annotation b ON b.document_id = a.document_id AND b.id <> a.id AND b.status = 'submitted'
WHERE a.status = 'submitted' AND (
  EXISTS (SELECT 1 FROM annotator_span s WHERE s.annotation_id = a.id AND NOT EXISTS (
    SELECT 1 FROM annotator_span t WHERE t.annotation_id = b.id
      AND t.start = s.start AND t."end" = s."end" AND t.label = s.label)))
"""


# The list's query filters that are the browser's (the others are document_list's).
BROWSE_FILTERS = (
    "annotator",
    "annotator_status",
    "has_gold",
    "has_disagreement",
    "commented",
    "open_comments",
    "uncertainty_min",
    "uncertainty_max",
    "created_after",
    "created_before",
)


def browse_list(
    *,
    project: Project,
    user: User,
    sees_all: bool,
    filters: dict[str, Any],
    ordering: str = "id",
    keyset: str | None = None,
    deleted: bool = False,
) -> QuerySet[Document]:
    """The documents list: `document_list` with the browser's filters and orders. `filters`
    are the list's filter parameters, validated; `keyset` the cursor (a document id in id
    order, a `keyset_token` in the others); `deleted`: the deleted documents instead."""
    given = dict(filters)
    browse = {k: given.pop(k) for k in BROWSE_FILTERS if k in given}
    # In id order the list searches in the full-text index's order; in another, `searched`
    # searches in that order's.
    search = given.pop("q", None) if ordering != "id" else None
    after = _keyset_id(keyset) if ordering == "id" and keyset is not None else None
    documents = document_queries.document_list(
        project=project, user=user, sees_all=sees_all, after=after, deleted=deleted, **given
    )
    if browse:
        documents = browse_filters(documents, project=project, user=user, sees_all=sees_all, deleted=deleted, **browse)
    if search is not None:
        documents = searched(documents, search)
    if ordering != "id":
        documents = ordered(documents, ordering=ordering, keyset=keyset)
    return documents


def browse_filters(
    documents: QuerySet[Document],
    *,
    project: Project,
    user: User,
    sees_all: bool,
    annotator: str | None = None,
    annotator_status: str | None = None,
    has_gold: bool | None = None,
    has_disagreement: bool | None = None,
    commented: bool | None = None,
    open_comments: bool | None = None,
    uncertainty_min: float | None = None,
    uncertainty_max: float | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    deleted: bool = False,
) -> QuerySet[Document]:
    """`documents` narrowed by the browser's filters (see the module docstring);
    `deleted`: they are the deleted documents (the restore list)."""
    if annotator_status is not None and annotator_status not in ANNOTATOR_STATUSES:
        raise AnnotatorError(
            f"annotator_status {annotator_status!r}: one of {', '.join(ANNOTATOR_STATUSES)}", field="annotator_status"
        )
    whose = Annotation.objects.all()
    if not sees_all:
        whose = whose.filter(annotator=user)
    elif annotator:
        whose = whose.filter(annotator__username=annotator)
    if annotator_status == "not_started":
        documents = documents.exclude(pk__in=whose.values("document_id"))
    elif annotator_status:
        documents = documents.filter(pk__in=whose.filter(status=annotator_status).values("document_id"))
    elif annotator and sees_all:
        documents = documents.filter(pk__in=whose.values("document_id"))
    if has_gold is not None:
        gold = Q(pk__in=Gold.objects.values("document_id"))
        documents = documents.filter(gold if has_gold else ~gold)
    if has_disagreement is not None:
        disagreeing = Q(pk__in=RawSQL(_DISAGREEING_SQL, [project.pk]))
        documents = documents.filter(disagreeing if has_disagreement else ~disagreeing)
    for wanted, only_open in ((commented, False), (open_comments, True)):
        if wanted is not None:
            threads = Comment.objects.filter(document__project=project, parent__isnull=True)
            if not sees_all:
                threads = threads.filter(annotator=user)
            if only_open:
                threads = threads.filter(resolved_at__isnull=True)
            has = Q(pk__in=threads.values("document_id"))
            documents = documents.filter(has if wanted else ~has)
    if uncertainty_min is not None:
        documents = documents.filter(model_uncertainty__gte=uncertainty_min)
    if uncertainty_max is not None:
        documents = documents.filter(model_uncertainty__lte=uncertainty_max)
    if created_after is not None or created_before is not None:
        documents = _created_between(documents, project, created_after, created_before, deleted=deleted)
    return documents


def _created_between(
    documents: QuerySet[Document], project: Project, after: datetime | None, before: datetime | None, *, deleted: bool
) -> QuerySet[Document]:
    """The documents added in [after, before), with the ids of the matching documents
    bounded too: the smallest and largest id among them (read from the created index) are
    bounds every match keeps, and they let a page in id order start where the dates begin
    instead of reading every earlier document."""
    dated = Document.objects.filter(project=project, deleted_at__isnull=not deleted)
    if after is not None:
        documents, dated = documents.filter(created_at__gte=after), dated.filter(created_at__gte=after)
    if before is not None:
        documents, dated = documents.filter(created_at__lt=before), dated.filter(created_at__lt=before)
    bounds = dated.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return documents.none()
    return documents.filter(pk__gte=bounds["low"], pk__lte=bounds["high"])


# A search matching at least this many documents is "common": a page in another order than
# id is found by walking that order's index and probing the full-text index per document
# (the matches are dense); a rarer one reads its matches and sorts them.
COMMON_MATCHES = 2000
FTS = document_queries.FTS
# Constants only; the search is a parameter.
_FTS_COUNT_SQL = f"SELECT COUNT(*) FROM (SELECT 1 FROM {FTS} WHERE {FTS} MATCH %s LIMIT %s)"  # noqa: S608
_FTS_PROBE_SQL = f"EXISTS (SELECT 1 FROM {FTS} WHERE {FTS} MATCH %s AND {FTS}.rowid = annotator_document.id)"  # noqa: S608
_FTS_MATCHES_SQL = f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s"  # noqa: S608


def searched(documents: QuerySet[Document], q: str) -> QuerySet[Document]:
    """`documents` that match the search `q` (annotator.search), for an order other than
    id (`document_list` searches in id order: the full-text index's own order)."""
    terms = search_terms(q)
    if not terms:  # nothing to search for but punctuation: only an id typed exactly
        return documents.filter(external_id=q)
    if connection.vendor != "sqlite":
        return documents.filter(document_queries._matches(terms, q))  # PostgreSQL's planner weighs the GIN index itself
    query = fts5_query(terms)
    with connection.cursor() as cursor:
        cursor.execute(_FTS_COUNT_SQL, [query, COMMON_MATCHES])
        common = cursor.fetchone()[0] >= COMMON_MATCHES
    if common:
        return documents.filter(Q(RawSQL(_FTS_PROBE_SQL, [query], output_field=BooleanField())))
    return documents.filter(pk__in=RawSQL(_FTS_MATCHES_SQL, [query]))


def _key_of(ordering: str) -> tuple[Any, str]:
    """The order's sort expression and the name it is annotated under."""
    if ordering.lstrip("-") == "created":
        return F("created_at"), "created_at"
    return uncertainty_key(), "browse_key"


def ordered(documents: QuerySet[Document], *, ordering: str, keyset: str | None) -> QuerySet[Document]:
    """`documents` in `ordering` (one of ORDERINGS other than `id`), from after the row
    `keyset` names (a `keyset_token`; None or "0": from the start)."""
    if ordering not in ORDERINGS:
        raise AnnotatorError(f"ordering {ordering!r}: one of {', '.join(ORDERINGS)}", field="ordering")
    descending = ordering.startswith("-")
    if ordering == "-id":
        if keyset not in (None, "0"):
            documents = documents.filter(pk__lt=_keyset_id(keyset))
        return documents.order_by("-pk")
    expression, name = _key_of(ordering)
    if name != "created_at":
        documents = documents.alias(**{name: expression})
    if keyset not in (None, "0"):
        value, pk = parse_keyset(ordering, keyset)
        if descending:
            documents = documents.filter(Q(**{f"{name}__lte": value}) & (Q(**{f"{name}__lt": value}) | Q(pk__lt=pk)))
        else:
            documents = documents.filter(Q(**{f"{name}__gte": value}) & (Q(**{f"{name}__gt": value}) | Q(pk__gt=pk)))
    return documents.order_by(f"-{name}", "-pk") if descending else documents.order_by(name, "pk")


def _keyset_id(token: str) -> int:
    try:
        pk = int(token)
    except ValueError:
        raise AnnotatorError(f"cursor {token!r}: a cursor from a `next` link, or 0", field="cursor") from None
    if pk < 0:
        raise AnnotatorError(f"cursor {token!r}: a cursor from a `next` link, or 0", field="cursor")
    return pk


def parse_keyset(ordering: str, token: str) -> tuple[Any, int]:
    """The (key, id) a `keyset_token` names; AnnotatorError (field `cursor`) if it is not one."""
    value, _, pk = token.rpartition("~")
    try:
        key: Any = datetime.fromisoformat(value) if ordering.lstrip("-") == "created" else float(value)
        return key, _keyset_id(pk)
    except (ValueError, AnnotatorError):
        raise AnnotatorError(
            f"cursor {token!r}: a cursor from a `next` link of ordering={ordering}, or 0", field="cursor"
        ) from None


def keyset_token(ordering: str, document: Document) -> str:
    """The cursor of the page after `document`, the last row of a page in `ordering`."""
    if ordering in ("id", "-id"):
        return str(document.pk)
    if ordering.lstrip("-") == "created":
        return f"{document.created_at.isoformat()}~{document.pk}"
    uncertainty = document.model_uncertainty
    return f"{UNSCORED if uncertainty is None else uncertainty!r}~{document.pk}"
