"""The queue's stored state, kept right by every path that changes a document's slots.

What is stored, and why there rather than in a queue table:

- on each Document: `slots_taken` (its annotations whose status holds a slot, HOLDS_SLOT),
  `queue_open` (live, no gold, `slots_taken` below the project's annotators_per_document)
  and `queue_key` (a random key drawn at creation, for the queue's random share);
- per project, in QueueCount: how many of its documents are open.

Columns on the document, not a separate queue table, because the order `next/` serves in is
the document's own (its `model_uncertainty`, written with the suggestions; its id; its
key): partial indexes over the open documents (`WHERE queue_open`, see the Document model)
keep that order sorted, so `next/` reads the best open document in one indexed step and a
closed document simply leaves the indexes. A queue table would have to copy the
uncertainty on every suggestion run and be joined back on every read. The count has its
own row so that no Project.save() can write back a stale figure.

How it is kept right: every write that changes a document's slots, gold, deletion or its
project's quota calls `refresh_documents` (or `refresh_project`) inside the same
transaction, after its own write. That locks the documents' rows (PostgreSQL; SQLite's
IMMEDIATE transactions already run one writer at a time), recounts them from the
annotations and gold in a new statement (so it sees every committed rival) and moves the
project's count by the difference. The count row is written last, so it is held only
until the commit. `recount_queue_state` counts everything from scratch, for the tests
and for `manage.py check_queue` (which can also repair).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q

from annotator import sql
from annotator.models import HOLDS_SLOT, Document, Gold, Project, QueueCount

_CHUNK = 500


@dataclass(frozen=True)
class QueueState:
    """A project's queue state: per document (slots taken, open), and the open count."""

    documents: dict[int, tuple[int, bool]]
    open_documents: int


def recount_queue_state(project: Project) -> QueueState:
    """The state counted from scratch from the annotations, gold and deletions (linear in
    the project: for checks, never for `next/`)."""
    found = (
        Document.objects.filter(project=project)
        .annotate(
            taken=Count("annotations", filter=Q(annotations__status__in=HOLDS_SLOT)),
            has_gold=Exists(Gold.objects.filter(document=OuterRef("pk"))),
        )
        .values_list("pk", "taken", "has_gold", "deleted_at")
    )
    quota = Project.objects.values_list("annotators_per_document", flat=True).get(pk=project.pk)  # as stored now
    documents = {
        pk: (taken, deleted_at is None and not has_gold and taken < quota) for pk, taken, has_gold, deleted_at in found
    }
    return QueueState(documents, sum(is_open for _, is_open in documents.values()))


def stored_queue_state(project: Project) -> QueueState:
    """The state as stored: what `next/` reads."""
    documents = {
        pk: (taken, is_open)
        for pk, taken, is_open in Document.objects.filter(project=project).values_list(
            "pk", "slots_taken", "queue_open"
        )
    }
    return QueueState(documents, open_documents(project.pk))


def check_queue_state(*, project: Project, repair: bool = False) -> list[str]:
    """The differences between the stored state and a recount, one line each (empty: all
    right); with `repair`, the stored state is set to the recount."""
    with transaction.atomic():
        if repair:
            _lock_project_documents(project)
        stored, counted = stored_queue_state(project), recount_queue_state(project)
        problems = [
            f"document {pk}: stored {stored.documents.get(pk)} (slots taken, open), counted {state}"
            for pk, state in sorted(counted.documents.items())
            if stored.documents.get(pk) != state
        ]
        if stored.open_documents != counted.open_documents:
            problems.append(f"open documents: stored {stored.open_documents}, counted {counted.open_documents}")
        if repair and problems:
            refresh_project(project)
    return problems


# --- Keeping it right -------------------------------------------------------------------


def refresh_documents(document_ids: Iterable[int]) -> None:
    """Recount the given documents' state under their row locks and move their projects'
    open counts by the difference. Call inside the transaction that changed them, after
    the change."""
    for project_id, delta in sorted(recount_documents(document_ids).items()):
        add_open_documents(project_id, delta)


def recount_documents(document_ids: Iterable[int]) -> dict[int, int]:
    """Recount the given documents' state under their row locks; how much each project's
    open count must move, which the caller applies with `add_open_documents` once (an
    import sums its batches' moves, so it writes the count only at its end)."""
    ids = sorted(set(document_ids))
    moved: dict[int, int] = defaultdict(int)  # project id -> change of its open count
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        if connection.features.has_select_for_update:  # in id order, as every locker does
            list(Document.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))
        # A new statement after the lock: it sees every rival that committed meanwhile.
        rows = (
            Document.objects.filter(pk__in=chunk)
            .annotate(
                taken=Count("annotations", filter=Q(annotations__status__in=HOLDS_SLOT)),
                has_gold=Exists(Gold.objects.filter(document=OuterRef("pk"))),
            )
            .values_list(
                "pk",
                "project_id",
                "project__annotators_per_document",
                "deleted_at",
                "slots_taken",
                "queue_open",
                "taken",
                "has_gold",
            )
        )
        changed: dict[tuple[int, bool], list[int]] = defaultdict(list)
        for pk, project_id, quota, deleted_at, slots_taken, was_open, taken, has_gold in rows:
            is_open = deleted_at is None and not has_gold and taken < quota
            if (slots_taken, was_open) != (taken, is_open):
                changed[(taken, is_open)].append(pk)
                moved[project_id] += int(is_open) - int(was_open)
        for (taken, is_open), pks in changed.items():
            Document.objects.filter(pk__in=pks).update(slots_taken=taken, queue_open=is_open)
    return moved


# Set-based, for a whole project (its quota changed, or a repair): portable SQL.
_RECOUNT_PROJECT_SQL = [
    """
    UPDATE annotator_document SET slots_taken = (
        SELECT COUNT(*) FROM annotator_annotation a
        WHERE a.document_id = annotator_document.id AND a.status IN {holds_slot})
    WHERE project_id = %(project)s
    """,
    """
    UPDATE annotator_document SET queue_open = (
        deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM annotator_gold g WHERE g.document_id = annotator_document.id)
        AND slots_taken < %(quota)s)
    WHERE project_id = %(project)s
    """,
]
_RECOUNT_PROJECT_SQL = [sql.statement(statement) for statement in _RECOUNT_PROJECT_SQL]
_OPEN_COUNT_SQL = "SELECT COUNT(*) FROM annotator_document d WHERE d.project_id = %s AND d.queue_open"


def _lock_project_documents(project: Project) -> None:
    if connection.features.has_select_for_update:
        list(Document.objects.select_for_update().filter(project=project).order_by("pk").values_list("pk"))


def refresh_project(project: Project) -> None:
    """Recount every document of `project` (its quota changed): linear in the project, for
    the rare writes that touch all of it. Inside a transaction."""
    _lock_project_documents(project)
    params = {"project": project.pk, "quota": project.annotators_per_document}
    for statement in _RECOUNT_PROJECT_SQL:
        sql.execute(statement, params)  # type: ignore[arg-type]  # named parameters
    counted = sql.first_row(_OPEN_COUNT_SQL, [project.pk])
    assert counted is not None
    QueueCount.objects.update_or_create(project_id=project.pk, defaults={"open_documents": counted[0]})


_ADD_OPEN_SQL = "UPDATE annotator_queuecount SET open_documents = open_documents + %s WHERE project_id = %s"
_INSERT_COUNT_SQL = "INSERT INTO annotator_queuecount (project_id, open_documents) VALUES (%s, %s)"


def add_open_documents(project_id: int, delta: int) -> None:
    """Move the project's open count by `delta` (new documents, or documents that opened or
    closed). The first call for a project stores its count, counted now."""
    if delta and not sql.execute(_ADD_OPEN_SQL, [delta, project_id]):
        counted = sql.first_row(_OPEN_COUNT_SQL, [project_id])  # this transaction's changes included
        assert counted is not None
        try:
            with transaction.atomic():
                sql.execute(_INSERT_COUNT_SQL, [project_id, counted[0]])
        except IntegrityError:  # stored meanwhile by a rival, which did not see this change
            sql.execute(_ADD_OPEN_SQL, [delta, project_id])


_OPEN_DOCUMENTS_SQL = "SELECT open_documents FROM annotator_queuecount WHERE project_id = %s"


def open_documents(project_id: int) -> int:
    """How many of the project's documents are open in the queue (one row read)."""
    found = sql.first_row(_OPEN_DOCUMENTS_SQL, [project_id])
    if found is None:  # a project no write has touched since the count was introduced
        found = sql.first_row(_OPEN_COUNT_SQL, [project_id])
    assert found is not None
    return int(found[0])


_SET_STATE_SQL = "UPDATE annotator_document SET slots_taken = %s, queue_open = %s WHERE id = %s"


def store_document_state(document: Document, *, taken: int, is_open: bool) -> None:
    """Store one document's state, counted by the caller under the document's lock (the
    queue's hot path, which has just recounted it)."""
    if (document.slots_taken, document.queue_open) == (taken, is_open):
        return
    sql.execute(_SET_STATE_SQL, [taken, is_open, document.pk])
    add_open_documents(document.project_id, int(is_open) - int(document.queue_open))
    document.slots_taken, document.queue_open = taken, is_open
