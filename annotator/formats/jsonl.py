"""Span JSONL (the contract's form) and doccano's JSONL.

Read: one JSON object a line with `text`; `id`, `meta`, `spans` (or doccano's
``"label": [[start, end, "LABEL"], ...]``, or doccano's relation-extraction ``"entities"``)
and `annotator` optional. `relations` (``[{"from_id", "to_id", "type"}]``) link spans by
the `id` each span then carries (unique within the line). Other top-level keys
(FA-KES's `title`, `source`, `date`) are kept in `meta`. Blank lines are passed over.
A span may carry `text`; if it does, it must equal the text at its offsets, which catches
files whose offsets count something else (bytes, UTF-16 units).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from annotator import jsoncheck
from annotator.exceptions import FormatError
from annotator.formats.records import Record
from annotator.spans import is_offset, range_problem

# `comments` (ours) and `Comments` (doccano's) are discussion threads, not metadata; doccano's
# carry neither thread nor author in doccano's own files, so only ours are read.
_KNOWN_KEYS = {
    "id",
    "text",
    "meta",
    "spans",
    "label",
    "labels",
    "entities",
    "relations",
    "annotator",
    "comments",
    "Comments",
}


def read_jsonl(lines: Iterable[str | bytes]) -> Iterator[Record]:
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise FormatError(f"not UTF-8 (byte {error.start})", line=number) from None
        if not raw.strip():
            continue
        try:
            obj = jsoncheck.parse(raw)
        except jsoncheck.BadJson as error:
            raise FormatError(
                error.reason + (f" (column {error.column})" if error.column else ""), line=number
            ) from None
        yield record_from_object(obj, number)


def record_from_object(obj: Any, line: int) -> Record:
    if not isinstance(obj, dict):
        raise FormatError("a line must be a JSON object", line=line)
    text = obj.get("text")
    if not isinstance(text, str):
        raise FormatError("'text' is missing or not a string", line=line)
    if not text:
        raise FormatError("'text' is empty", line=line)
    doc_id = obj.get("id")
    if doc_id is not None:
        if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
            raise FormatError("'id' must be a string or a whole number", line=line)
        doc_id = str(doc_id)
        if not doc_id.strip():
            raise FormatError("'id' is empty", line=line)
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise FormatError("'meta' must be an object", line=line)
    meta = dict(meta)
    for key, value in obj.items():
        if key not in _KNOWN_KEYS:
            meta.setdefault(key, value)
    annotator = obj.get("annotator")
    if annotator is not None and (not isinstance(annotator, str) or not annotator.strip()):
        raise FormatError("'annotator' must be a non-empty string", line=line)
    spans, span_ids = _spans_of(obj, text, line)
    relations = _relations_of(obj.get("relations"), span_ids, line)
    comments = _comments_of(obj.get("comments"), text, line)
    return Record(
        text=text,
        id=doc_id,
        meta=meta,
        spans=spans,
        annotator=annotator,
        line=line,
        comments=comments,
        relations=relations,
    )


def _span_id(value: Any, index: int, line: int) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise FormatError(f"span {index}: 'id' must be a whole number or a string", line=line)
    return value


def _relations_of(given: Any, span_ids: dict[Any, int], line: int) -> list[dict[str, Any]] | None:
    """The line's relations with their ends as indices into its spans."""
    if given is None:
        return None
    if not isinstance(given, list):
        raise FormatError("'relations' must be a list of {from_id, to_id, type}", line=line)
    relations: list[dict[str, Any]] = []
    seen: set[tuple[int, int, str]] = set()
    for index, relation in enumerate(given):
        where = f"relation {index}"
        if not isinstance(relation, dict):
            raise FormatError(f"{where} must be an object with from_id, to_id and type", line=line)
        kind = relation.get("type")
        if not isinstance(kind, str) or not kind.strip():
            raise FormatError(f"{where}: 'type' must be a non-empty string", line=line)
        ends = []
        for end in ("from_id", "to_id"):
            if end not in relation:
                raise FormatError(f"{where} has no '{end}'", line=line)
            try:
                ends.append(span_ids[relation[end]])
            except (KeyError, TypeError):
                raise FormatError(f"{where}: {end} {relation[end]!r} is no span id of this line", line=line) from None
        if ends[0] == ends[1]:
            raise FormatError(f"{where} links a span to itself", line=line)
        link = (ends[0], ends[1], kind)
        if link in seen:
            raise FormatError(
                f"{where} repeats a link ({relation['from_id']} → {relation['to_id']}, {kind})", line=line
            )
        seen.add(link)
        item: dict[str, Any] = {"from": ends[0], "to": ends[1], "type": kind}
        if "score" in relation:
            item["score"] = relation["score"]
        relations.append(item)
    return relations


def _comments_of(given: Any, text: str, line: int) -> list[dict[str, Any]] | None:
    """The line's comment threads, each checked for its shape: `author` and `body` strings,
    `start`/`end` a stretch of the text (or both absent), `replies` a list of the same
    author/body objects. Whether an author may be stored is for the import to say."""
    if given is None:
        return None
    if not isinstance(given, list):
        raise FormatError("'comments' must be a list", line=line)
    for index, thread in enumerate(given):
        where = f"comment {index}"
        _check_comment(thread, where, line)
        start, end = thread.get("start"), thread.get("end")
        if start is not None or end is not None:
            if not (is_offset(start) and is_offset(end)):
                raise FormatError(f"{where}: start and end must be whole numbers (code points)", line=line)
            reason = range_problem(text, start, end)
            if reason:
                raise FormatError(f"{where}: {reason}", line=line)
        replies = thread.get("replies", [])
        if not isinstance(replies, list):
            raise FormatError(f"{where}: 'replies' must be a list", line=line)
        for number, reply in enumerate(replies):
            _check_comment(reply, f"{where} reply {number}", line)
    return given


def _check_comment(comment: Any, where: str, line: int) -> None:
    if not isinstance(comment, dict):
        raise FormatError(f"{where} must be an object with author and body", line=line)
    for key in ("author", "body"):
        if not isinstance(comment.get(key), str) or not comment[key].strip():
            raise FormatError(f"{where}: '{key}' must be a non-empty string", line=line)


def _spans_of(obj: dict[str, Any], text: str, line: int) -> tuple[list[dict[str, Any]] | None, dict[Any, int]]:
    """The spans, and each span id (where spans carry one) mapped to the span's index."""
    ids: dict[Any, int] = {}

    def remember(span_id: Any, index: int) -> None:
        if span_id is None:
            return
        if _span_id(span_id, index, line) in ids:
            raise FormatError(f"span {index}: id {span_id!r} is used twice in this line", line=line)
        ids[span_id] = index

    if "spans" in obj:
        given = obj["spans"]
        if not isinstance(given, list):
            raise FormatError("'spans' must be a list", line=line)
        spans = []
        for index, span in enumerate(given):
            if not isinstance(span, dict):
                raise FormatError(f"span {index} must be an object with start, end and label", line=line)
            spans.append(_checked_span(span, index, text, line))
            remember(span.get("id"), index)
        return spans, ids
    if "entities" in obj:  # doccano's relation-extraction export
        entities = obj["entities"]
        if not isinstance(entities, list):
            raise FormatError("'entities' must be a list of {id, start_offset, end_offset, label}", line=line)
        spans = []
        for index, entity in enumerate(entities):
            if not isinstance(entity, dict) or not {"start_offset", "end_offset", "label"} <= entity.keys():
                raise FormatError(f"entity {index} must have start_offset, end_offset and label", line=line)
            plain = {"start": entity["start_offset"], "end": entity["end_offset"], "label": entity["label"]}
            spans.append(_checked_span(plain, index, text, line))
            remember(entity.get("id"), index)
        return spans, ids
    doccano = obj.get("label", obj.get("labels"))
    if doccano is None:
        return None, ids
    if not isinstance(doccano, list):
        raise FormatError("'label' must be a list of [start, end, label]", line=line)
    spans = []
    for index, item in enumerate(doccano):
        if not (isinstance(item, list) and len(item) == 3):
            raise FormatError(f"label {index} must be [start, end, label]", line=line)
        spans.append(_checked_span({"start": item[0], "end": item[1], "label": item[2]}, index, text, line))
    return spans, ids


def _checked_span(span: dict[str, Any], index: int, text: str, line: int) -> dict[str, Any]:
    for key in ("start", "end", "label"):
        if key not in span:
            raise FormatError(f"span {index} has no '{key}'", line=line)
    start, end = span["start"], span["end"]
    quoted = span.get("text")
    if (
        quoted is not None
        and isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start < end <= len(text)
        and text[start:end] != quoted
    ):
        raise FormatError(
            f"span {index} [{start}, {end}) says {quoted!r} but the text there is {text[start:end]!r} "
            "(offsets must count Unicode code points)",
            line=line,
        )
    result = {"start": start, "end": end, "label": span["label"], "attrs": span.get("attrs") or {}}
    if "score" in span:
        result["score"] = span["score"]
    return result


def record_to_object(record: Record) -> dict[str, Any]:
    obj: dict[str, Any] = {"id": record.id, "text": record.text, "meta": record.meta}
    if record.spans is not None:
        obj["spans"] = record.spans
        if record.relations is not None:
            obj["spans"] = [{**span, "id": index} for index, span in enumerate(record.spans)]
            obj["relations"] = [relation_object(relation) for relation in record.relations]
    if record.annotator is not None:
        obj["annotator"] = record.annotator
    if record.comments:
        obj["comments"] = record.comments
    return obj


def relation_object(relation: dict[str, Any]) -> dict[str, Any]:
    """A relation as files write it: its ends by span id (the span's index in the line)."""
    written = {"from_id": relation["from"], "to_id": relation["to"], "type": relation["type"]}
    if "score" in relation:
        written["score"] = relation["score"]
    return written


def write_jsonl(records: Iterable[Record]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record_to_object(record), ensure_ascii=False) + "\n"
