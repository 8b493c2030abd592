"""Comments on documents: threads (optionally pinned to a stretch of the text), replies,
resolving and reopening, and the reads behind the lists and the exports.

Who sees what (blind annotation holds): reviewers and owners see every thread of a
document; an annotator sees only the threads that are theirs (`Comment.annotator`: the ones
they started and the ones a reviewer addressed to them), replies included. The API checks
roles (who may resolve); these functions take `sees_all` and trust it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from annotator.exceptions import AnnotatorError, NotFound
from annotator.models import Annotation, Comment, Document, Membership, Project
from annotator.spans import is_offset, range_problem

MAX_BODY = 10_000


def _threads(*, document_ids: Iterable[int], user: User | None, sees_all: bool) -> QuerySet[Comment]:
    threads = Comment.objects.filter(document_id__in=list(document_ids), parent__isnull=True)
    if not sees_all:
        threads = threads.filter(annotator=user)
    return threads


def threads_for(*, document: Document, user: User, sees_all: bool) -> list[Comment]:
    """The document's threads the caller may see, oldest first, replies prefetched."""
    replies = Comment.objects.select_related("author").order_by("id")
    threads = list(
        _threads(document_ids=[document.pk], user=user, sees_all=sees_all)
        .select_related("author", "annotator", "resolved_by")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("id")
    )
    for thread in threads:
        thread.document = document  # the one already loaded, not a copy of its text per thread
    return threads


def thread_of(*, document: Document, comment_id: int, user: User, sees_all: bool) -> Comment:
    """A thread (its first comment) of the document the caller may see; NotFound otherwise."""
    if not 0 < comment_id <= 2**53:  # not an id of anything (and beyond SQLite's integers)
        raise NotFound(f"no comment thread {comment_id} on this document")
    thread = _threads(document_ids=[document.pk], user=user, sees_all=sees_all).filter(pk=comment_id).first()
    if thread is None:
        raise NotFound(f"no comment thread {comment_id} on this document")
    thread.document = document
    return thread


def unresolved_counts(*, document_ids: Iterable[int], user: User, sees_all: bool) -> dict[int, int]:
    """Unresolved threads the caller may see, per document of a page: one grouped query."""
    rows = (
        _threads(document_ids=document_ids, user=user, sees_all=sees_all)
        .filter(resolved_at__isnull=True)
        .order_by()
        .values("document_id")
        .annotate(n=Count("pk"))
        .values_list("document_id", "n")
    )
    return dict(rows)


def _checked_body(body: str) -> str:
    if not isinstance(body, str) or not body.strip():
        raise AnnotatorError("body: a comment needs some text", field="body")
    if len(body) > MAX_BODY:
        raise AnnotatorError(f"body: a comment holds at most {MAX_BODY} characters, not {len(body)}", field="body")
    return body


def _checked_pin(text: str, start: Any, end: Any) -> tuple[int | None, int | None]:
    if start is None and end is None:
        return None, None
    if start is None or end is None:
        missing = "start" if start is None else "end"
        raise AnnotatorError(f"{missing}: a pinned comment needs both start and end", field=missing)
    if not (is_offset(start) and is_offset(end)):
        raise AnnotatorError("start and end must be whole numbers (code points)", field="start")
    reason = range_problem(text, start, end)
    if reason:
        field = "end" if reason.startswith("end") else "start"
        raise AnnotatorError(f"{field}: {reason}", field=field)
    return start, end


def _addressee(document: Document, username: str) -> User:
    """The annotator a reviewer's thread is for: one the document is assigned to."""
    holder = (
        Annotation.objects.filter(document=document, annotator__username=username).select_related("annotator").first()
    )
    if holder is None:
        raise AnnotatorError(f"annotator: {username!r} is not assigned this document", field="annotator")
    return holder.annotator


def add_comment(
    *,
    document: Document,
    user: User,
    sees_all: bool,
    body: str,
    start: int | None = None,
    end: int | None = None,
    reply_to: int | None = None,
    annotator: str | None = None,
) -> Comment:
    """A new thread (pinned to [start, end) of the text or not; a reviewer may address it to
    one of the document's annotators, an annotator's thread is their own), or, with
    `reply_to`, a reply in a thread the caller sees. Returns the thread."""
    body = _checked_body(body)
    with transaction.atomic():
        if reply_to is not None:
            if start is not None or end is not None:
                raise AnnotatorError("start: a reply is not pinned; its thread is", field="start")
            thread = thread_of(document=document, comment_id=reply_to, user=user, sees_all=sees_all)
            Comment.objects.create(document=document, parent=thread, author=user, body=body)
            return thread
        pin_start, pin_end = _checked_pin(document.text, start, end)
        owner: User | None = user
        if sees_all:
            owner = _addressee(document, annotator) if annotator else None
        return Comment.objects.create(
            document=document, author=user, annotator=owner, body=body, start=pin_start, end=pin_end
        )


def set_resolved(*, thread: Comment, user: User, resolved: bool) -> Comment:
    """Resolve the thread, or reopen it (`resolved` False). Resolving twice keeps the first
    resolution's time and reviewer."""
    if resolved and thread.resolved_at is None:
        thread.resolved_at, thread.resolved_by = timezone.now(), user
    elif not resolved:
        thread.resolved_at, thread.resolved_by = None, None
    thread.save(update_fields=["resolved_at", "resolved_by"])
    return thread


def export_threads(*, document_ids: Iterable[int]) -> dict[int, list[tuple[str | None, dict[str, Any]]]]:
    """Every thread of a page of documents for an export, as (the annotator it belongs to or
    None, the thread as a plain dict), in order; two queries a page."""
    fields = (
        "id",
        "document_id",
        "author__username",
        "annotator__username",
        "body",
        "start",
        "end",
        "resolved_at",
        "created_at",
    )
    threads = list(
        Comment.objects.filter(document_id__in=list(document_ids), parent__isnull=True)
        .order_by("document_id", "id")
        .values_list(*fields)
    )
    replies: dict[int, list[dict[str, Any]]] = {}
    for parent_id, author, body, created in (
        Comment.objects.filter(parent_id__in=[t[0] for t in threads])
        .order_by("parent_id", "id")
        .values_list("parent_id", "author__username", "body", "created_at")
    ):
        replies.setdefault(parent_id, []).append({"author": author, "body": body, "created_at": created.isoformat()})
    found: dict[int, list[tuple[str | None, dict[str, Any]]]] = {}
    for pk, doc_id, author, owner, body, start, end, resolved_at, created in threads:
        thread: dict[str, Any] = {"id": pk, "author": author, "body": body, "created_at": created.isoformat()}
        if owner is not None:
            thread["annotator"] = owner
        if start is not None:
            thread.update(start=start, end=end)
        thread.update(resolved=resolved_at is not None, replies=replies.get(pk, []))
        found.setdefault(doc_id, []).append((owner, thread))
    return found


def import_threads(*, project: Project, threads: list[tuple[int, list[dict[str, Any]]]]) -> int:
    """Store imported comment threads (`export_threads`' shape, checked by the reader) on
    their documents: (document id, threads) pairs. Written only as the project's members:
    a thread whose author is not one is left out, and so is a reply; a thread's annotator
    who is not a member leaves it to reviewers and owners. A thread the document already
    has (same author, text and pin) is not stored twice, so importing an export again, or
    several annotators' files of the same documents, adds nothing. Returns how many
    comments were stored. Runs inside the import's transaction."""
    names = {
        name
        for _, given in threads
        for thread in given
        for name in (thread["author"], thread.get("annotator"), *(r["author"] for r in thread.get("replies", [])))
        if name
    }
    members = dict(
        Membership.objects.filter(project=project, user__username__in=names).values_list("user__username", "user_id")
    )
    existing: set[tuple[Any, ...]] = set(
        Comment.objects.filter(document_id__in=[doc for doc, _ in threads], parent__isnull=True).values_list(
            "document_id", "author_id", "body", "start", "end"
        )
    )
    now, stored = timezone.now(), 0
    for document_id, given in threads:
        for thread in given:
            author = members.get(thread["author"])
            key = (document_id, author, thread["body"], thread.get("start"), thread.get("end"))
            if author is None or key in existing:
                continue
            existing.add(key)
            root = Comment.objects.create(
                document_id=document_id,
                author_id=author,
                annotator_id=members.get(thread.get("annotator") or ""),
                body=thread["body"],
                start=thread.get("start"),
                end=thread.get("end"),
                resolved_at=now if thread.get("resolved") is True else None,
            )
            replies = [
                Comment(document_id=document_id, parent=root, author_id=members[r["author"]], body=r["body"])
                for r in thread.get("replies", [])
                if r["author"] in members
            ]
            Comment.objects.bulk_create(replies)
            stored += 1 + len(replies)
    return stored
