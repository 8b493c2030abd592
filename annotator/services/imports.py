"""Importing documents, and annotators' or gold annotations of them: all or nothing, streamed.

How a large file stays all or nothing in bounded memory: **one transaction over batches**.
The records are read as they come (a generator from `annotator.formats.registry.iter_path`
or `iter_file`), `_BATCH` at a time; each batch is checked, matched against the project by
index lookups (external id, content hash) and written, all inside one `transaction.atomic()`.
A bad line anywhere raises and the transaction rolls back: nothing of the file is stored.

Why not a staging table: staging writes every row twice (into the staging table, then
into the documents) and needs its own clean-up when a worker dies half-way, for nothing
the transaction does not already give. SQLite has one writer at a time whichever way it
is done, and on PostgreSQL the rows of an open transaction are invisible to others and
cost no lock anyone else waits for (a concurrent import of the same external ids waits
on the unique index, as it should). What a batch needs to see of the rows written by the
batches before it (a document repeated further down the file, an annotator twice on one
document), it finds with the same index lookups, since the transaction sees its own writes.

Memory: one batch of records and their documents, never the project's texts or ids nor
the whole file. The skipped list in the report keeps its first `_SKIPPED_KEPT` lines (and
counts the rest). Plain documents are inserted with one parametrized `executemany`
(annotator.sql), not `bulk_create`: building model instances and the ORM's insert was
three quarters of an import's time (docs/benchmarks.md, #17).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from annotator import sql
from annotator.exceptions import AnnotatorError, FormatError
from annotator.formats import Record
from annotator.models import (
    Annotation,
    Document,
    Gold,
    GoldRelation,
    GoldSpan,
    Membership,
    Project,
    Relation,
    Role,
    Span,
)
from annotator.models.documents import HASH_PREFIX, content_hash, hash_prefix_sql, random_queue_key
from annotator.relations import relation_problems
from annotator.services import control, queue, training
from annotator.services import relations as relation_store
from annotator.services.comments import import_threads
from annotator.services.data_version import bump_data_version
from annotator.services.suggestions import queue_suggestions_for_new_documents
from annotator.services.users import RESERVED_NAMES, get_or_create_annotator
from annotator.spans import check_spans

GOLD = "gold"
_CHUNK = 500  # ids in one IN (...): under SQLite's 999 parameters
_BATCH = 5000  # records read, checked and written at a time
_SKIPPED_KEPT = 1000
ProgressCallback = Callable[[int, int], None]


@dataclass
class ImportReport:
    """What an import stored and what it passed over. `skipped` names the first
    `_SKIPPED_KEPT` lines passed over; `skipped_count` counts them all."""

    created: int = 0
    annotations: int = 0
    gold: int = 0
    skipped: list[str] = field(default_factory=list)
    skipped_count: int = 0
    records: int = 0

    def skip(self, message: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < _SKIPPED_KEPT:
            self.skipped.append(message)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "annotations": self.annotations,
            "gold": self.gold,
            "skipped": self.skipped,
            "skipped_count": self.skipped_count,
        }

    def summary(self) -> str:
        parts = [f"{self.created} documents created"]
        if self.annotations:
            parts.append(f"{self.annotations} annotations stored")
        if self.gold:
            parts.append(f"{self.gold} gold annotations stored")
        if self.skipped_count:
            parts.append(f"{self.skipped_count} already in the project, skipped")
        return ", ".join(parts)


@dataclass
class _Doc:
    """A document a line was matched to (or creates): its id is None until inserted."""

    pk: int | None
    external_id: str
    content_hash: str


@dataclass
class _Line:
    record: Record
    target: str | None  # a username, GOLD, or None for a document alone
    spans: list[dict[str, Any]] = field(default_factory=list)
    digest: str = ""
    document: _Doc | None = None


def _target_of(record: Record, *, as_annotator: str | None, as_gold: bool) -> str | None:
    if as_gold:
        return GOLD
    if as_annotator:
        return as_annotator
    if record.annotator == "model":
        raise FormatError("'annotator': model predictions cannot be imported as annotations", line=record.line)
    return record.annotator


def _chunks(items: list[Any], size: int = _CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass
class _Run:
    """What one import carries from batch to batch: no more than its settings, the users
    it writes as and the moment that marks the rows it wrote."""

    project: Project
    labels: Any
    as_annotator: str | None
    as_gold: bool
    create_annotators: bool
    started: Any  # an aware datetime: submitted_at of the annotations this import writes
    report: ImportReport
    users: dict[str, User] = field(default_factory=dict)
    relation_rules: dict[str, Any] = field(default_factory=dict)
    opened: int = 0  # how far the batches' recounts moved the project's open count
    annotated: bool = False  # annotations or gold stored: what the agreement report reads


def import_documents(
    *,
    project: Project,
    records: Iterable[Record],
    as_annotator: str | None = None,
    as_gold: bool = False,
    create_annotators: bool = False,
    on_progress: ProgressCallback | None = None,
    expected: int | None = None,
    batch_size: int = _BATCH,
) -> ImportReport:
    """Store the records' documents and, where a line belongs to an annotator (or the gold),
    its spans as that annotator's submitted annotation.

    A line's document is matched by external id, else by identical text, else created.
    A plain line whose document is already there (before the import, or earlier in the
    file) is reported and skipped. `records` may be a generator: it is read `batch_size`
    records at a time, each batch checked and written inside one transaction, so a bad
    line stores nothing and the error names it (see the module's docstring).

    `on_progress(done, total)` hears after each batch how many records were read, of
    `expected` (an estimate, e.g. the file's line count; never below `done`), and once
    more when everything is stored, with `total == done`.

    Annotations are written only under the names of the project's members, unless
    `create_annotators` (the command line's `--as-annotator`, run by whoever runs the
    server): then a missing user is created with no usable password and made an annotator
    of the project. Through the API an import never creates an account and never writes as
    someone who has not joined the project.
    """
    if as_gold and as_annotator:
        raise AnnotatorError("give --as-annotator or --as-gold, not both")
    if as_annotator in RESERVED_NAMES:
        raise AnnotatorError(f"{as_annotator!r} is reserved and cannot be an annotator's name", field="annotator")
    report = ImportReport()
    with transaction.atomic():
        run = _Run(
            project=project,
            labels=project.label_schemas(),
            relation_rules=relation_store.rules_of(project),
            as_annotator=as_annotator,
            as_gold=as_gold,
            create_annotators=create_annotators,
            started=timezone.now(),
            report=report,
        )
        with _search_index_by_batch(), _bulk_cache():
            for batch in _batches(records, batch_size):
                if report.records + len(batch) > settings.MAX_IMPORT_ROWS:
                    raise AnnotatorError(
                        f"more than {settings.MAX_IMPORT_ROWS} documents in one import (MAX_IMPORT_ROWS); "
                        "split the file"
                    )
                _import_batch(run, batch)
                report.records += len(batch)
                if on_progress:
                    on_progress(report.records, max(expected or 0, report.records))
        # New documents are open, and the batches' recounts moved the count: written once,
        # last, so the project's open count row is locked only until the commit. (A first
        # write of a project's count counts what this transaction sees, so two writes here
        # could count the same documents twice.)
        queue.add_open_documents(project.pk, report.created + run.opened)
        if run.annotated:  # once, last, like the open count
            bump_data_version(project.pk)
            # Imported annotations and gold count towards the next training (the next submit's trigger).
            training.count_labelled(project.pk, report.annotations + report.gold)
        if report.created:  # the current model's suggestions for them, in queue order (on commit)
            queue_suggestions_for_new_documents(project=project)
    if on_progress:
        on_progress(report.records, report.records)
    return report


def _import_batch(run: _Run, records: list[Record]) -> None:
    lines: list[_Line] = []
    for record in records:
        target = _target_of(record, as_annotator=run.as_annotator, as_gold=run.as_gold)
        if record.spans is not None and target is None:
            raise FormatError(
                "the line has spans but no annotator: give 'annotator' on the line, "
                "or import with --as-annotator USER or --as-gold",
                line=record.line,
            )
        spans = record.spans or []
        if spans:  # nothing to check otherwise (and most lines of a large import have none)
            check_spans(record.text, spans, run.labels, line=record.line)
        if record.relations:
            problems = relation_problems(spans, record.relations, run.relation_rules)
            if problems:
                raise FormatError("; ".join(problems[:3]), line=record.line)
        lines.append(_Line(record, target, spans, content_hash(record.text)))
    if not run.create_annotators:
        _check_members(run.project, lines)
    _match_or_create_documents(run, lines)
    annotated = [line for line in lines if line.target]
    if annotated:
        _store_annotations(run, annotated)
        # Imported annotations hold slots and imported gold closes documents.
        moved = queue.recount_documents(line.document.pk for line in annotated if line.document and line.document.pk)
        run.opened += moved.get(run.project.pk, 0)
        run.annotated = True
    commented = [line for line in lines if line.record.comments and line.document]
    if commented:
        _store_comments(run, commented)


def _store_comments(run: _Run, lines: list[_Line]) -> None:
    """The lines' comment threads (jsonl's `comments`), on their documents, found by id
    where a new document's id is not known yet."""
    unsaved = {line.document.external_id: line.document for line in lines if line.document and not line.document.pk}
    for stored in _known(run.project, "external_id", unsaved):
        unsaved[stored.external_id].pk = stored.pk
    found = [(line.document.pk, line.record.comments or []) for line in lines if line.document and line.document.pk]
    import_threads(project=run.project, threads=found)


def _check_members(project: Project, lines: list[_Line]) -> None:
    """Every annotator a line names must be a member of the project already. The message is
    the same whether or not such an account exists, so an import cannot probe user names."""
    names = {line.target for line in lines if line.target not in (None, GOLD)}
    if not names:
        return
    members = set(
        Membership.objects.filter(project=project, user__username__in=names).values_list("user__username", flat=True)
    )
    for line in lines:
        if line.target not in (None, GOLD) and line.target not in members:
            raise FormatError(
                f"'annotator': {line.target!r} is not a member of project {project.slug}; an import writes "
                "only as the project's members (add them to the project first)",
                line=line.record.line,
            )


# Completed with "(%s, %s, ...)", one placeholder a value. Texts are found by the start of
# their hash, which is what the index holds (`Document.hash_prefix`, migration 0023); a
# document whose hash only starts the same is returned too and matches no line's digest.
_KNOWN_SQL = {
    "external_id": "SELECT id, external_id, content_hash FROM annotator_document "
    "WHERE project_id = %s AND external_id IN ",
    "content_hash": "SELECT id, external_id, content_hash FROM annotator_document "
    "WHERE project_id = %s AND {prefix} IN ",
}


def _known(project: Project, column: str, values: Iterable[str]) -> Iterator[_Doc]:
    """The project's documents whose `column` (external_id or content_hash) is one of
    `values`: one indexed lookup per chunk (plain SQL: the ORM's query building was most
    of the lookup's time)."""
    query = _KNOWN_SQL[column]
    if column == "content_hash":
        query = query.format(prefix=hash_prefix_sql(connection))
        values = (value[:HASH_PREFIX] for value in values)
    for chunk in _chunks(sorted(set(values))):
        placeholders = "(" + ", ".join(["%s"] * len(chunk)) + ")"
        for pk, external_id, digest in sql.rows(query + placeholders, [project.pk, *chunk]):
            yield _Doc(pk, external_id, digest)


def _match_or_create_documents(run: _Run, lines: list[_Line]) -> None:
    """Match each line of a batch to a document by id, else by text, else create it. Only
    the batch's ids and hashes are looked up (by index); documents written by earlier
    batches of this import are found the same way, since the transaction sees its writes."""
    project, report = run.project, run.report
    by_id = {doc.external_id: doc for doc in _known(project, "external_id", _wanted_ids(lines))}
    by_hash: dict[str, _Doc] = {}
    for known in _known(project, "content_hash", (line.digest for line in lines)):
        by_hash.setdefault(known.content_hash, known)
    new_lines: list[_Line] = []
    for line in lines:
        record, digest = line.record, line.digest
        doc: _Doc | None = by_id.get(record.id) if record.id else None
        if doc is not None and doc.content_hash != digest:
            raise FormatError(f"id {record.id!r} is already in the project with a different text", line=record.line)
        how = "id"
        if doc is None:
            doc, how = by_hash.get(digest), "text"
        if doc is None:
            external_id = record.id or digest[:16]
            if external_id in by_id:  # a derived id that some other text already uses
                external_id = digest
            doc = _Doc(None, external_id, digest)
            new_lines.append(line)
            by_id[external_id] = doc
            by_hash[digest] = doc
        elif line.target is None:
            report.skip(f"line {record.line}: already in the project as {doc.external_id!r} (same {how})")
        line.document = doc
    if not new_lines:
        return
    _insert_documents(project, new_lines, run.started)
    report.created += len(new_lines)
    unsaved = {line.document.external_id: line.document for line in lines if line.target and line.document}
    unsaved = {key: doc for key, doc in unsaved.items() if doc.pk is None}
    for stored in _known(project, "external_id", unsaved):
        unsaved[stored.external_id].pk = stored.pk


def _wanted_ids(lines: list[_Line]) -> Iterator[str]:
    for line in lines:
        yield line.record.id or line.digest[:16]


# Parameters in one statement: under PostgreSQL's 65,535, and SQLite's own limit where lower.
_MAX_PARAMETERS = 30_000


def _document_columns(rows: int = 1) -> tuple[str, list[Field[Any, Any]]]:
    """The INSERT of `rows` documents and the fields it names, in order: every concrete field
    but the id, so a field added to Document later gets its default here too."""
    fields = [f for f in Document._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * rows)
    # Names from the model's metadata, never from input; values go in %s.
    table = quote(Document._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES {placeholders}", fields  # noqa: S608


def _parameter_limit() -> int:
    """The most parameters one statement may bind: SQLite's build says (Django assumes 999,
    the old default; 32,766 since SQLite 3.32)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return _MAX_PARAMETERS


def _insert_documents(project: Project, lines: list[_Line], now: Any) -> None:
    """A batch's new documents in parametrized INSERTs of up to ~2,000 rows each (the ORM's
    bulk_create spent most of its time building instances and SQL).

    Many rows a statement rather than `executemany` of one row: on SQLite every statement
    inside a transaction keeps a statement journal of the pages it changes (so it alone can
    be undone: the table has unique indexes and triggers), each page once a statement. One
    statement a row journaled the table's and eight indexes' pages again for every row:
    2.7 million small writes to a temporary file for 100,000 documents, a fifth of the
    import's CPU. Rows of one statement share most of those pages (#17)."""
    _, fields = _document_columns()
    # Every other field takes its default, the same for each row.
    template = [f.get_db_prep_save(f.get_default(), connection) for f in fields]
    at = {f.name: index for index, f in enumerate(fields)}
    template[at["project"]] = project.pk
    template[at["created_at"]] = sql.to_db_datetime(now)
    id_at, text_at, meta_at, hash_at = at["external_id"], at["text"], at["meta"], at["content_hash"]
    key_at, control_at = at["queue_key"], at["control"]
    rows = []
    for line in lines:
        assert line.document is not None
        row = template.copy()
        row[id_at], row[text_at], row[hash_at] = line.document.external_id, line.record.text, line.digest
        row[meta_at] = sql.to_db_json(line.record.meta)
        row[key_at] = random_queue_key()  # a default drawn per row, not once for the batch
        row[control_at] = control.is_control(line.document.external_id, project.control_share)
        rows.append(row)
    last = sql.first_row(_LAST_DOCUMENT_SQL, []) if connection.vendor == "sqlite" else None
    per_statement = max(1, min(_MAX_PARAMETERS, _parameter_limit()) // len(fields))
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        statement, _ = _document_columns(len(part))
        sql.execute(statement, [value for row in part for value in row])
    if connection.vendor == "sqlite":  # see _search_index_by_batch
        sql.execute(_INDEX_NEW_DOCUMENTS_SQL, [last[0] if last else 0])


# SQLite's full-text index (migration 0009) is kept by a trigger row by row, except while
# the deferral table holds a row: an import then indexes each batch in one statement. New
# rows take ids above the largest (INTEGER PRIMARY KEY without AUTOINCREMENT).
_DEFER_INDEX_SQL = "INSERT INTO annotator_document_fts_deferred (since) VALUES (0)"
_UNDEFER_INDEX_SQL = "DELETE FROM annotator_document_fts_deferred"
_LAST_DOCUMENT_SQL = "SELECT COALESCE(MAX(id), 0) FROM annotator_document"
_INDEX_NEW_DOCUMENTS_SQL = (
    "INSERT INTO annotator_document_fts (rowid, external_id, text) "
    "SELECT id, external_id, text FROM annotator_document WHERE id > %s"
)


@contextmanager
def _search_index_by_batch() -> Iterator[None]:
    """Inside the import's transaction: on SQLite the insert trigger stands down and each
    batch indexes its own documents; a failed import rolls the deferral back with the rest."""
    if connection.vendor != "sqlite":
        yield
        return
    sql.execute(_DEFER_INDEX_SQL, [])
    yield
    sql.execute(_UNDEFER_INDEX_SQL, [])


# SQLite's page cache for the import's connection (KiB, negative as PRAGMA cache_size takes
# it): the default 2 MB holds little of a large project's indexes, and every batch inserts
# at random places of the content-hash and queue-key ones, so pages were thrown out and
# read back (system time 4.4 s of 12.4 s CPU for 100,000 documents into 100,000; 1.7-2.0 s
# with a larger cache). 64 MB, bounded whatever the file's or the project's size: at a
# million documents the indexes an import writes at random places (external id 19 MB,
# hash prefix 26 MB, queue key 15 MB) and FTS5's newest segments fit it, and 100,000
# documents into a million took 5.0-5.1 s of CPU against 5.4-5.8 with 32 MB (peak RSS 121
# -> 154 MB; 128 MB gained little more for 220 MB). docs/benchmarks.md, #17.
_IMPORT_CACHE_KIB = 65536


@contextmanager
def _bulk_cache() -> Iterator[None]:
    """On SQLite, a larger page cache while the import runs, the connection's own size
    given back after (connections are kept between requests and tasks)."""
    if connection.vendor != "sqlite":
        yield
        return
    before = sql.first_row("PRAGMA cache_size", [])
    sql.execute(f"PRAGMA cache_size = -{_IMPORT_CACHE_KIB}", [])
    try:
        yield
    finally:
        sql.execute(f"PRAGMA cache_size = {before[0] if before else -2000}", [])


def _store_annotations(run: _Run, lines: list[_Line]) -> None:
    seen: dict[tuple[int, str], int] = {}
    for line in lines:
        assert line.document is not None and line.document.pk is not None and line.target is not None
        key = (line.document.pk, line.target)
        if key in seen:
            raise FormatError(
                f"document {line.document.external_id!r} is annotated by {line.target} again "
                f"(first on line {seen[key]})",
                line=line.record.line,
            )
        seen[key] = line.record.line
    report = run.report
    gold_lines = [line for line in lines if line.target == GOLD]
    if gold_lines:
        _store_gold(gold_lines, run.started)
        report.gold += len(gold_lines)
    by_user: dict[str, list[_Line]] = {}
    for line in lines:
        if line.target != GOLD:
            by_user.setdefault(line.target or "", []).append(line)
    for username, user_lines in by_user.items():
        _store_user_annotations(_user(run, username), user_lines, run.started)
        report.annotations += len(user_lines)


def _user(run: _Run, username: str) -> User:
    if username not in run.users:
        if run.create_annotators:
            user = get_or_create_annotator(username)
            Membership.objects.get_or_create(project=run.project, user=user, defaults={"role": Role.ANNOTATOR})
        else:  # a member, checked by _check_members before anything of the batch was written
            user = User.objects.get(username=username, memberships__project=run.project)
        run.users[username] = user
    return run.users[username]


def _store_user_annotations(user: Any, lines: list[_Line], now: Any) -> None:
    def refresh(annotation: Annotation) -> None:
        annotation.status = Annotation.Status.SUBMITTED
        annotation.version += 1
        annotation.submitted_at = now

    _store_with_spans(
        lines,
        who=user.username,
        model=Annotation,
        owned_by={"annotator": user},
        # Submitted at this import's moment: a row so marked was written by an earlier batch.
        written_here=lambda annotation: annotation.submitted_at == now,
        refresh=refresh,
        refreshed_fields=["status", "version", "submitted_at"],
        new=lambda document_id: Annotation(
            document_id=document_id, annotator=user, status=Annotation.Status.SUBMITTED, submitted_at=now
        ),
        span_model=Span,
        parent_field="annotation",
        relation_model=Relation,
    )


def _store_gold(lines: list[_Line], now: Any) -> None:
    def refresh(gold: Gold) -> None:
        gold.version += 1
        gold.origin = "imported"
        gold.adjudicator = None
        gold.updated_at = now

    _store_with_spans(
        lines,
        who=GOLD,
        model=Gold,
        owned_by={},
        # Imported and saved since the import began: written by an earlier batch of it.
        written_here=lambda gold: gold.origin == "imported" and gold.updated_at >= now,
        refresh=refresh,
        refreshed_fields=["version", "origin", "adjudicator", "updated_at"],
        new=lambda document_id: Gold(document_id=document_id, origin="imported"),
        span_model=GoldSpan,
        parent_field="gold",
        relation_model=GoldRelation,
    )
    # An imported gold was adjudicated from nothing here: it cites no annotations (and so is
    # never stale for an edit of one).
    doc_ids = [line.document.pk for line in lines if line.document]
    for chunk in _chunks(doc_ids):
        Gold.source_annotations.through.objects.filter(gold__document_id__in=chunk).delete()
        Gold.objects.filter(document_id__in=chunk).exclude(source_versions={}).update(source_versions={})


def _store_with_spans(
    lines: list[_Line],
    *,
    who: str,
    model: type[Annotation] | type[Gold],
    owned_by: dict[str, Any],
    written_here: Callable[[Any], bool],
    refresh: Callable[[Any], None],
    refreshed_fields: list[str],
    new: Callable[[int], Any],
    span_model: type[Any],
    parent_field: str,
    relation_model: type[Any],
) -> None:
    """Each line's spans replace those of its document's `model` row (the user's annotation,
    `owned_by` that user, or the gold): rows already there are refreshed (a new version)
    and lose their old spans; missing rows are created. A row an earlier batch of this
    import wrote (`written_here`) means the file names the document twice for `who`. In
    bulk, inside the import's transaction."""
    line_of: dict[int, _Line] = {}
    for line in lines:
        assert line.document is not None and line.document.pk is not None  # matched and stored
        line_of[line.document.pk] = line
    rows: dict[int, Any] = {}
    for chunk in _chunks(list(line_of)):
        for row in model.objects.filter(**owned_by, document_id__in=chunk):
            if written_here(row):
                again = line_of[row.document_id]
                raise FormatError(
                    f"document {_doc(again).external_id!r} is annotated by {who} again (earlier in the file)",
                    line=again.record.line,
                )
            rows[row.document_id] = row
    span_model.objects.filter(**{f"{parent_field}__in": list(rows.values())}).delete()
    for row in rows.values():
        refresh(row)
    model.objects.bulk_update(list(rows.values()), refreshed_fields, batch_size=500)
    created = [new(pk) for pk in line_of if pk not in rows]
    model.objects.bulk_create(created, batch_size=500)
    for row in created:
        rows[row.document_id] = row
    made = {
        pk: [span_model(**{parent_field: rows[pk]}, **_span_fields(span)) for span in line.spans]
        for pk, line in line_of.items()
    }
    # Span rows get their ids from the insert (RETURNING), which the relations point at;
    # deleting the old spans above took their relations with them.
    span_model.objects.bulk_create([span for spans in made.values() for span in spans], batch_size=1000)
    relation_model.objects.bulk_create(
        [
            relation_model(
                **{parent_field: rows[pk]},
                source=made[pk][relation["from"]],
                target=made[pk][relation["to"]],
                type=relation["type"],
            )
            for pk, line in line_of.items()
            for relation in line.record.relations or []
        ],
        batch_size=1000,
    )


def _doc(line: _Line) -> _Doc:
    assert line.document is not None
    return line.document


def _span_fields(span: dict[str, Any]) -> dict[str, Any]:
    return {"start": span["start"], "end": span["end"], "label": span["label"], "attrs": span.get("attrs") or {}}
