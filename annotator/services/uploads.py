"""Files that pass through the web: uploads to import (as jobs) and exports written to a
file (as jobs), plus creating one document through the API.

Uploaded and exported files live in Django's default storage (MEDIA_ROOT, or any shared
storage backend), referenced from the Job row, never by a path one machine alone can
read: the web process that stores an upload and the worker that reads it may be on
different machines.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction

from annotator.exceptions import AnnotatorError, Conflict, FormatError
from annotator.formats.registry import READERS, detect_format, export_format, iter_file
from annotator.jobs import broker
from annotator.jobs.records import create_job, project_of, record_leftover, report_progress
from annotator.models import Document, Job, Membership, Project
from annotator.models.documents import content_hash
from annotator.services import control, exports, queue
from annotator.services.imports import import_documents


class UploadTooLarge(AnnotatorError):
    code = "too_large"


def import_formats() -> list[str]:
    """The formats an upload may name (the registry's readers and txt)."""
    return sorted({*READERS, "txt"})


def check_upload_size(size: int | None) -> None:
    limit = settings.MAX_UPLOAD_BYTES
    if size is not None and size > limit:
        raise UploadTooLarge(
            f"the upload is {size} bytes; the limit is {limit} bytes ({limit / 1024 / 1024:.0f} MiB, "
            "setting MAX_UPLOAD_BYTES)",
            limit=limit,
        )


def start_import(
    *,
    project: Project,
    user: User,
    upload: UploadedFile,
    fmt: str | None = None,
    as_annotator: str | None = None,
    as_gold: bool = False,
) -> Job:
    """Store the upload and queue an import job for it. The file is only checked for size
    and format name here; its lines are read by the worker, which fails the job (storing
    nothing) with the line and reason of the first bad one."""
    check_upload_size(upload.size)
    if as_gold and as_annotator:
        raise AnnotatorError("give as_annotator or as_gold, not both", field="as_gold")
    if as_annotator and not Membership.objects.filter(project=project, user__username=as_annotator).exists():
        # The same answer whether or not such an account exists: an upload cannot probe names.
        raise AnnotatorError(
            f"as_annotator: {as_annotator!r} is not a member of project {project.slug}; an import writes only "
            "as the project's members (add them to the project first)",
            field="as_annotator",
        )
    fmt = fmt or detect_format(upload.name or "")
    if fmt not in import_formats():
        raise FormatError(f"unknown import format {fmt!r} (known: {', '.join(import_formats())})")
    with transaction.atomic():
        job = create_job(
            kind=Job.Kind.IMPORT,
            project=project,
            user=user,
            params={
                "format": fmt,
                "filename": upload.name,
                "as_annotator": as_annotator or None,
                "as_gold": bool(as_gold),
                "size": upload.size,
            },
        )
        job.input_file.save(f"{job.pk}-{_safe_name(upload.name)}", upload, save=True)
        broker.enqueue(job)
    return job


def _safe_name(name: str | None) -> str:
    base = "".join(c if c.isalnum() or c in "._-" else "_" for c in (name or "upload"))[-80:]
    return base or "upload"


def run_import(*, job: Job) -> dict[str, Any]:
    """The worker's half of an import: read the stored upload as it comes (jsonl, csv,
    conll and txt zips stream; see `formats.registry.STREAMED`), import it all or nothing,
    reporting progress on the job after each batch."""
    params = job.params
    fmt = params["format"]
    with job.input_file.open("rb") as handle:
        expected = _line_count(handle) if fmt in ("jsonl", "csv") else None
        handle.seek(0)
        report_progress(job, 0, expected or 0, "importing")
        with _progress_outside_the_transaction(job) as progress:
            report = import_documents(
                project=project_of(job),
                records=iter_file(params.get("filename") or "upload", handle, fmt),
                as_annotator=params.get("as_annotator"),
                as_gold=bool(params.get("as_gold")),
                on_progress=progress,
                expected=expected,
            )
    report_progress(job, report.records, report.records, report.summary())
    result = report.as_dict()
    result["summary"] = report.summary()
    return result


def _line_count(handle: IO[bytes]) -> int:
    """Lines in a file, counted a block at a time: what an import's progress counts towards."""
    count, last = 0, b"\n"
    while block := handle.read(1 << 20):
        count += block.count(b"\n")
        last = block[-1:]
    return count + (last != b"\n")


@contextmanager
def _progress_outside_the_transaction(job: Job) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback for an import, whose writes others can read while the import's
    transaction is open: on PostgreSQL over a connection of its own (autocommit), at most
    once a second. On SQLite the import holds the one write lock until it commits, so the
    job's progress is written when it ends (None here)."""
    if connection.vendor != "postgresql":
        yield None
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    statement = (
        f"UPDATE {connection.ops.quote_name(Job._meta.db_table)} "  # noqa: S608 (the model's own table)
        "SET progress_done = %s, progress_total = %s, message = %s WHERE id = %s"
    )
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last < 1.0:
            return
        last = time.monotonic()
        with side.cursor() as cursor:
            cursor.execute(statement, [done, total, f"imported {done} of about {total}", job.pk])

    try:
        yield progress
    finally:
        side.close()


def start_export(*, project: Project, user: User, source: str, fmt: str, filters: dict[str, Any] | None = None) -> Job:
    """Queue an export to a file (for exports too large to stream). `filters` are those of
    `services.exports.export` (status, dates, limit), as JSON-able values."""
    filters = dict(filters or {})
    exports.export(project=project, source=source, fmt=fmt, **filters)  # checks everything now, not in the worker
    with transaction.atomic():
        job = create_job(
            kind=Job.Kind.EXPORT,
            project=project,
            user=user,
            params={"source": source, "format": fmt, "filters": filters},
        )
        broker.enqueue(job)
    return job


def run_export(*, job: Job) -> dict[str, Any]:
    """The worker's half of an export: write the whole file to a temporary file, then save
    it to storage and only then point the job at it, so a reader never sees half a file."""
    params = job.params
    spec = export_format(params["format"])
    chunks: Iterator[str | bytes] = exports.export(
        project=project_of(job), source=params["source"], fmt=params["format"], **params.get("filters", {})
    )
    size = 0
    with tempfile.TemporaryFile() as tmp:  # nameless: a killed worker leaves nothing of it
        for index, chunk in enumerate(chunks):
            data = chunk if isinstance(chunk, bytes) else chunk.encode("utf-8")
            size += len(data)
            tmp.write(data)
            if index == 0 and settings.EXPORT_PAUSE_SECONDS:
                time.sleep(settings.EXPORT_PAUSE_SECONDS)  # test hook: a worker can be killed mid-export
        tmp.seek(0)
        name = _safe_name(f"{project_of(job).slug}-{params['source']}.{spec.extension.lstrip('.')}")
        storage = job.output_file.storage
        target = storage.get_available_name(job.output_file.field.generate_filename(job, f"{job.pk}-{name}"))
        # Named on the job before it is written: if the worker dies while the file is being
        # saved (or before the job points at it), the sweep deletes it (jobs.liveness).
        record_leftover(job, file=target)
        try:
            stored = storage.save(target, File(tmp))
        except OSError as error:  # disk full, quota, permissions: fail cleanly, leave no half file
            if storage.exists(target):
                storage.delete(target)
            raise AnnotatorError(f"could not write the export file: {error.strerror or error}") from None
    job.output_file.name = stored
    Job.objects.filter(pk=job.pk).update(output_file=stored)
    return {"bytes": size, "filename": name, "media_type": spec.media_type}


def create_document(
    *, project: Project, text: str, external_id: str | None = None, meta: dict | None = None
) -> Document:
    """One document added through the API. Its external id defaults to the start of its
    text's hash (as imports do); an id already in the project is a Conflict."""
    if not isinstance(text, str) or not text.strip():
        raise AnnotatorError("text is empty", field="text")
    if meta is not None and not isinstance(meta, dict):
        raise AnnotatorError("meta must be an object", field="meta")
    digest = content_hash(text)
    external_id = (external_id or "").strip() or digest[:16]
    if Document.objects.filter(project=project, external_id=external_id).exists():
        raise Conflict(f"document id {external_id!r} is already in project {project.slug}", field="id")
    try:
        with transaction.atomic():
            document = Document.objects.create(
                project=project,
                external_id=external_id,
                text=text,
                meta=meta or {},
                control=control.is_control(external_id, project.control_share),
            )
            queue.add_open_documents(project.pk, 1)  # a new document is open
            return document
    except IntegrityError:  # the same id created concurrently
        raise Conflict(f"document id {external_id!r} is already in project {project.slug}", field="id") from None
