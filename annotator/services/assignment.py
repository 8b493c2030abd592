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
- the order is `active_learning.pick_order`'s: import order, or the least certain first
  with every RANDOM_EVERY-th pick drawn at random.

Cost: flat in the project's size. The open documents and their order are stored
(`annotator.services.queue`, partial indexes over `Document.queue_open`), so a new
assignment reads the first open document in the chosen order that the caller has not had
(one index walk that skips only the caller's own open documents), recounts that one
document and writes it. `remaining` comes from the stored open count (see `next_for`).

Concurrency: two annotators asking at the same moment must not push a document past its
quota. On PostgreSQL the candidate is read `FOR UPDATE SKIP LOCKED`, so a rival holding
the best document makes the next request take the one after it instead of waiting, and the
document's slots are recounted under the lock, in a new statement, before the Annotation
row is written; on SQLite the transaction is IMMEDIATE (settings), so writers are
serialized by the database itself and the recount sees every committed assignment.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotator import sql
from annotator.models import Annotation, Document, Project, Span
from annotator.services import queue
from annotator.services.active_learning import PickOrder, pick_order

if TYPE_CHECKING:  # django-stubs-ext is a development requirement only
    from django_stubs_ext import WithAnnotations

# How many picks to try before giving up on one request; every try that loses a race (or
# finds a stored state that a recount corrects) moves on to the next document.
_MAX_TRIES = 50


@dataclass
class NextResult:
    """What `next/` answers: the annotation (with its document) or None, and how many
    documents are still open to the caller, the returned one included."""

    annotation: Annotation | None
    remaining: int


# Everything counted from scratch: linear in the project, so not for `next/` (which reads
# the stored state); the reference the tests compare the queue with.
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
    current model's uncertainty about it (None: not scored), counted from scratch."""
    found = sql.rows(_CANDIDATES_SQL, [project.pk, user.pk, project.annotators_per_document])
    return dict(found)


# The caller's standing in the project, in one read over the caller's own annotations
# (annotation_queue_idx): how many they have had (the pick number), their live drafts, and
# how many of the open documents are theirs (not candidates for them).
_CALLER_SQL = sql.statement("""
SELECT COUNT(*),
  COALESCE(SUM(CASE WHEN a.status = %s AND {live:d} THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN d.queue_open THEN 1 ELSE 0 END), 0)
FROM annotator_annotation a JOIN annotator_document d ON d.id = a.document_id
WHERE a.annotator_id = %s AND d.project_id = %s
""")
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


# The first open document in each order that the caller has never had: each one walk of a
# partial index (Document.Meta), in the index's own order, so the database stops at the
# first row that qualifies. PostgreSQL locks it, skipping rows rivals hold.
_PICK_TEMPLATES = {
    "import": """SELECT d.id FROM annotator_document d WHERE d.project_id = %s AND d.queue_open
            AND NOT EXISTS (SELECT 1 FROM annotator_annotation m WHERE m.document_id = d.id AND m.annotator_id = %s)
            ORDER BY d.id LIMIT 1 {locked:skip}""",
    "scored": """SELECT d.id FROM annotator_document d WHERE d.project_id = %s AND d.queue_open
            AND NOT EXISTS (SELECT 1 FROM annotator_annotation m WHERE m.document_id = d.id AND m.annotator_id = %s)
            AND d.model_uncertainty IS NOT NULL ORDER BY d.model_uncertainty DESC, d.id LIMIT 1 {locked:skip}""",
    "unscored": """SELECT d.id FROM annotator_document d WHERE d.project_id = %s AND d.queue_open
            AND NOT EXISTS (SELECT 1 FROM annotator_annotation m WHERE m.document_id = d.id AND m.annotator_id = %s)
            AND d.model_uncertainty IS NULL ORDER BY d.model_uncertainty DESC, d.id LIMIT 1 {locked:skip}""",
    "random": """SELECT d.id FROM annotator_document d WHERE d.project_id = %s AND d.queue_open
            AND NOT EXISTS (SELECT 1 FROM annotator_annotation m WHERE m.document_id = d.id AND m.annotator_id = %s)
            AND d.queue_key >= %s ORDER BY d.queue_key LIMIT 1 {locked:skip}""",
}
_PICK_SQL = {name: sql.statement(template) for name, template in _PICK_TEMPLATES.items()}
# The same, waiting for rows rivals hold: asked only when every candidate was locked, so a
# request near the end of the queue does not come back empty while a slot may still be free.
_PICK_WAITING_SQL = {
    name: sql.statement(template.replace("{locked:skip}", "{locked:wait}"))
    for name, template in _PICK_TEMPLATES.items()
}


def _pick(project: Project, user: User, order: PickOrder, key: int) -> int | None:
    """The id of the first open document in `order` the caller never had, or None."""
    if order == "random":  # the first key at or after a random one, wrapping round
        tries = [("random", [project.pk, user.pk, key]), ("random", [project.pk, user.pk, 0])]
    elif order == "doubt":  # highest uncertainty first, the documents not scored yet after
        tries = [("scored", [project.pk, user.pk]), ("unscored", [project.pk, user.pk])]
    else:
        tries = [("import", [project.pk, user.pk])]
    passes = [_PICK_SQL, _PICK_WAITING_SQL] if connection.features.has_select_for_update else [_PICK_SQL]
    for statements in passes:
        for name, params in tries:
            found = sql.first_row(statements[name], params)
            if found is not None:
                return int(found[0])
    return None


# Recounted inside the transaction: gold, the quota's slots, and the caller's own row; and
# the quota as stored now (the project may have changed since the request read it).
_ASSIGNABLE_SQL = sql.statement("""
SELECT d.*,
  (SELECT p.annotators_per_document FROM annotator_project p WHERE p.id = d.project_id) AS quota,
  EXISTS (SELECT 1 FROM annotator_gold g WHERE g.document_id = d.id) AS has_gold,
  (SELECT COUNT(*) FROM annotator_annotation a
   WHERE a.document_id = d.id AND a.status IN {holds_slot}) AS taken,
  EXISTS (SELECT 1 FROM annotator_annotation m WHERE m.document_id = d.id AND m.annotator_id = %s) AS mine
FROM annotator_document d WHERE d.id = %s AND d.project_id = %s
""")


class _Recount(TypedDict):
    """The extra columns of _ASSIGNABLE_SQL, which `sql.instance` sets as attributes."""

    quota: int
    has_gold: bool
    taken: int
    mine: bool


_INSERT_ANNOTATION_SQL = """
INSERT INTO annotator_annotation
  (document_id, annotator_id, status, version, time_spent, rejected_suggestions, created_at, updated_at, submitted_at)
VALUES (%s, %s, %s, 1, 0.0, %s, %s, %s, NULL) RETURNING id
"""


class _Exhausted(Exception):
    """Nothing in the queue for the caller."""


def _try_assign(project: Project, user: User, order: PickOrder, key: int) -> Annotation | None:
    """Pick a document and assign it, all in one transaction; None if the recount under the
    lock says it is not assignable after all (a rival's assignment, or a stored state that
    was wrong and is corrected here), and `_Exhausted` when there is nothing to pick."""
    try:
        with transaction.atomic():
            document_id = _pick(project, user, order, key)
            if document_id is None:
                raise _Exhausted
            # Recount in a new statement: PostgreSQL evaluates a statement's subqueries on
            # the snapshot taken before any lock wait, so the picking statement could miss a
            # just-committed rival.
            # cast: the extra columns become attributes at run time, which no stub can see.
            document = cast(
                "WithAnnotations[Document, _Recount] | None",
                sql.instance(Document, _ASSIGNABLE_SQL, [user.pk, document_id, project.pk]),
            )
            if document is None:
                return None
            live, quota = document.deleted_at is None, document.quota
            if document.has_gold or document.mine or not live or document.taken >= quota:
                # The stored state let through what the recount refuses: put it right.
                is_open = live and not document.has_gold and document.taken < quota
                queue.store_document_state(document, taken=document.taken, is_open=is_open)
                return None
            now = timezone.now()
            at = sql.to_db_datetime(now)
            status = Annotation.Status.DRAFT.value
            inserted = sql.first_row(_INSERT_ANNOTATION_SQL, [document.pk, user.pk, status, sql.to_db_json([]), at, at])
            assert inserted is not None  # RETURNING gives the inserted row
            (annotation_id,) = inserted
            queue.store_document_state(document, taken=document.taken + 1, is_open=document.taken + 1 < quota)
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
    `remaining` is the caller's drafts plus the open documents they never had: the stored
    open count less the open documents the caller has had, read at the start of the call.
    Exact when nobody else is writing; under concurrency it may be off by the documents
    others took or released meanwhile, and it is never below 1 when a document is returned.
    """
    counted = sql.first_row(_CALLER_SQL, [Annotation.Status.DRAFT.value, user.pk, project.pk])
    assert counted is not None  # an aggregate always gives a row
    had, drafts, had_open = (int(x) for x in counted)
    candidates = max(0, queue.open_documents(project.pk) - had_open)
    if drafts:
        draft = _oldest_draft(project, user)
        if draft is not None:
            draft.document.project = project
            return NextResult(draft, drafts + candidates)
    order = pick_order(project=project, pick_number=had + 1)
    # The random share's key: repeatable for the same caller at the same point.
    key = random.Random(f"{project.pk}:{user.pk}:{had}").randrange(2**31)
    for tried in range(1, _MAX_TRIES + 1):
        try:
            annotation = _try_assign(project, user, order, key)
        except _Exhausted:
            return NextResult(None, 0)
        if annotation is not None:
            annotation.document.project = project
            return NextResult(annotation, max(1, candidates - tried + 1))
    return NextResult(None, max(0, candidates - _MAX_TRIES))
