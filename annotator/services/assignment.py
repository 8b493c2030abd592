"""The annotation queue: which document an annotator gets next.

Rules (the contract's and the issue's):

- an annotator's own draft comes back first (oldest first), so reloading never loses work;
- otherwise a new document is assigned: each document goes to exactly
  `project.annotators_per_document` different annotators, never twice to one (the
  `annotation_one_per_annotator` constraint backs this);
- documents that already have gold are not served any more;
- a *skipped* annotation stays on the books for its annotator (they are never offered the
  document again) but no longer takes one of the document's quota slots: the document is
  handed to someone else instead, so a hard document still reaches its K annotators;
- the order among candidates is `active_learning.rank_candidates` (the tagger's hook).

Concurrency: two annotators asking at the same moment must not push a document past its
quota. On PostgreSQL the candidate document row is locked (`SELECT ... FOR UPDATE`) and
its slots recounted under the lock before the Annotation row is written; on SQLite the
transaction is IMMEDIATE (settings), so writers are serialized by the database itself and
the recount inside the transaction sees every committed assignment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotator import sql
from annotator.models import Annotation, Document, Project, Span
from annotator.services.active_learning import rank_candidates

if TYPE_CHECKING:  # django-stubs-ext is a development requirement only
    from django_stubs_ext import WithAnnotations

# How many ranked candidates to try before giving up on one request; every try that loses
# a race moves on to the next, so only a storm of simultaneous requests exhausts it.
_MAX_TRIES = 50


@dataclass
class NextResult:
    """What `next/` answers: the annotation (with its document) or None, and how many
    documents are still open to the caller, the returned one included."""

    annotation: Annotation | None
    remaining: int


# The queue's hottest query, in plain SQL: the ORM's version (the same conditions through
# Exists/Count) cost four times the CPU for a thousand candidates. Portable SQL (SQLite and
# PostgreSQL); the table names are the models' defaults.
_CANDIDATES_SQL = sql.statement("""
SELECT d.id, d.model_uncertainty FROM annotator_document d
WHERE d.project_id = %s AND {live:d}
  AND NOT EXISTS (SELECT 1 FROM annotator_annotation m WHERE m.document_id = d.id AND m.annotator_id = %s)
  AND NOT EXISTS (SELECT 1 FROM annotator_gold g WHERE g.document_id = d.id)
  AND (SELECT COUNT(*) FROM annotator_annotation a
       WHERE a.document_id = d.id AND a.status IN {holds_slot}) < %s
""")


def candidates_for(*, project: Project, user: User) -> dict[int, float | None]:
    """Documents `user` could be given now (no gold, never assigned to the user — a skip
    counts — and fewer slot-holding annotations than the project's quota), each with the
    current model's uncertainty about it (None: not scored)."""
    found = sql.rows(_CANDIDATES_SQL, [project.pk, user.pk, project.annotators_per_document])
    return dict(found)


_OLDEST_DRAFT_SQL = sql.statement("""
SELECT a.* FROM annotator_annotation a JOIN annotator_document d ON d.id = a.document_id
WHERE a.annotator_id = %s AND a.status = %s AND d.project_id = %s AND {live:d}
ORDER BY a.created_at, a.id LIMIT 1
""")
_DOCUMENT_SQL = "SELECT * FROM annotator_document WHERE id = %s"
_SPANS_SQL = 'SELECT * FROM annotator_span WHERE annotation_id = %s ORDER BY start, "end", label'


def _oldest_draft(project: Project, user: User) -> Annotation | None:
    draft = sql.instance(Annotation, _OLDEST_DRAFT_SQL, [user.pk, Annotation.Status.DRAFT.value, project.pk])
    if draft is not None:
        draft.document = sql.referenced(Document, _DOCUMENT_SQL, [draft.document_id])
        sql.prefetched(draft, "spans", Span, sql.instances(Span, _SPANS_SQL, [draft.pk]))
    return draft


def _draft_count(project: Project, user: User) -> int:
    return Annotation.objects.filter(
        annotator=user, status=Annotation.Status.DRAFT, document__project=project, document__deleted_at__isnull=True
    ).count()


_LOCK_DOCUMENT_SQL = sql.statement(
    "SELECT id FROM annotator_document d WHERE d.id = %s AND d.project_id = %s AND {live:d} FOR UPDATE"
)
# Recounted inside the transaction: gold, the quota's slots, and the caller's own row.
_ASSIGNABLE_SQL = sql.statement("""
SELECT d.*,
  EXISTS (SELECT 1 FROM annotator_gold g WHERE g.document_id = d.id) AS has_gold,
  (SELECT COUNT(*) FROM annotator_annotation a
   WHERE a.document_id = d.id AND a.status IN {holds_slot}) AS taken,
  EXISTS (SELECT 1 FROM annotator_annotation m WHERE m.document_id = d.id AND m.annotator_id = %s) AS mine
FROM annotator_document d WHERE d.id = %s AND d.project_id = %s AND {live:d}
""")


class _Recount(TypedDict):
    """The extra columns of _ASSIGNABLE_SQL, which `sql.instance` sets as attributes."""

    has_gold: bool
    taken: int
    mine: bool


_INSERT_ANNOTATION_SQL = """
INSERT INTO annotator_annotation
  (document_id, annotator_id, status, version, time_spent, rejected_suggestions, created_at, updated_at, submitted_at)
VALUES (%s, %s, %s, 1, 0.0, %s, %s, %s, NULL) RETURNING id
"""


def _try_assign(project: Project, user: User, document_id: int) -> Annotation | None:
    """Assign one document under a lock; None if someone else filled its quota first (or
    it got gold, or the user already has it) since the candidates were listed."""
    try:
        with transaction.atomic():
            # Lock first, then count in a new statement: PostgreSQL evaluates a statement's
            # subqueries on the snapshot taken before any lock wait, so a count in the
            # locking statement itself could miss a just-committed rival.
            if (
                connection.features.has_select_for_update
                and sql.first_row(_LOCK_DOCUMENT_SQL, [document_id, project.pk]) is None
            ):
                return None
            # cast: the extra columns become attributes at run time, which no stub can see.
            document = cast(
                "WithAnnotations[Document, _Recount] | None",
                sql.instance(Document, _ASSIGNABLE_SQL, [user.pk, document_id, project.pk]),
            )
            if document is None or document.has_gold or document.mine:
                return None
            if document.taken >= project.annotators_per_document:
                return None
            now = timezone.now()
            at = sql.to_db_datetime(now)
            status = Annotation.Status.DRAFT.value
            inserted = sql.first_row(_INSERT_ANNOTATION_SQL, [document.pk, user.pk, status, sql.to_db_json([]), at, at])
            assert inserted is not None  # RETURNING gives the inserted row
            (annotation_id,) = inserted
    except IntegrityError:  # the same user asking twice at once: the other request won
        return None
    annotation = Annotation(
        id=annotation_id,
        document=document,
        annotator_id=user.pk,
        status=status,
        version=1,
        time_spent=0.0,
        rejected_suggestions=[],
        created_at=now,
        updated_at=now,
        submitted_at=None,
    )
    annotation._state.adding = False
    sql.prefetched(annotation, "spans", Span, [])  # a new annotation has no spans
    return annotation


def next_for(*, project: Project, user: User) -> NextResult:
    """The caller's next document: their oldest draft, else a newly assigned one, else None.

    Safe to call concurrently from any number of web processes (see the module docstring).
    `remaining` is counted from the candidates listed at the start of the call, so under
    heavy concurrency it may be off by the documents others took in the meantime.
    """
    draft = _oldest_draft(project, user)
    if draft is not None:
        draft.document.project = project
        remaining = _draft_count(project, user) + len(candidates_for(project=project, user=user))
        return NextResult(draft, remaining)
    candidates = candidates_for(project=project, user=user)
    ranked = rank_candidates(project=project, candidates=candidates, limit=_MAX_TRIES)
    for tried, document_id in enumerate(ranked, start=1):
        annotation = _try_assign(project, user, document_id)
        if annotation is not None:
            annotation.document.project = project
            return NextResult(annotation, len(candidates) - tried + 1)
    return NextResult(None, max(0, len(candidates) - _MAX_TRIES))
