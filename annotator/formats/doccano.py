"""doccano 1.8's JSONL for sequence labelling, as its import reads it.

Written, one object a line::

    {"id": "fakes-0042", "text": "...", "label": [[24, 33, "CASUALTY_COUNT"], [37, 43, "LOCATION"]],
     "source": "AFP", "annotator": "alice"}

doccano reads spans only from the `label` column (``[start, end, "LABEL"]`` triples, code
points); span objects such as ours (``{"start": ...}``) are dropped without a word, and every
other key becomes the example's metadata, which doccano's own export writes back at the top
level of the line (``{"id": <its id>, "text": ..., **meta, "label": ..., "Comments": [...]}``).
So the document's meta keys are written at the top level too, the document id as `id` and
the annotator as `annotator`: a file that has been through doccano and back imports with
them. A meta key that would take the place of one of those (`id`, `text`, `label`, ...)
stays under `meta`.

What doccano's sequence labelling cannot carry: attributes (left out) and the model's
scores (left out). Comments are doccano's `Comments` column (``[{"id", "comment", "user"}]``,
one per comment, replies after their thread's first). Records of the `all` source become one
line per (document, annotator): doccano makes an example of each. A record with relations is
written in doccano's relation-extraction shape instead of `label` (``"entities": [{"id",
"start_offset", "end_offset", "label"}], "relations": [{"id", "from_id", "to_id", "type"}]``,
the entity id being the span's index), which a doccano project with relations imports as
"JSONL(Relation)". That import reads only `entities` and `relations` and a plain "JSONL"
import only `label`, and a file that mixes the two shapes fails in doccano 1.8.4 as a whole
(the missing column becomes metadata NaN: "CHECK constraint failed: JSON_VALID(meta)", every
line lost): so a file with relations is written in the relation shape throughout
(``relations=True``: empty `relations` where a record has none).

Read: `annotator.formats.jsonl.read_jsonl` reads these lines (and doccano's own export).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from annotator.formats.records import Record

# Keys with a meaning of their own in a line (ours or doccano's): meta keys named so stay in `meta`.
_RESERVED = frozenset(
    {"id", "text", "meta", "spans", "label", "labels", "annotator", "entities", "relations", "comments", "Comments"}
)


def record_to_doccano(record: Record, *, relations: bool = False) -> dict[str, Any]:
    """The record's doccano line: in the relation shape if it has relations or `relations`
    says its file has some (doccano reads a file in one shape)."""
    line: dict[str, Any] = {} if record.id is None else {"id": record.id}
    line["text"] = record.text
    if record.relations is None and not relations:
        line["label"] = [[span["start"], span["end"], span["label"]] for span in record.spans or []]
    else:
        line["entities"] = [
            {"id": index, "start_offset": span["start"], "end_offset": span["end"], "label": span["label"]}
            for index, span in enumerate(record.spans or [])
        ]
        line["relations"] = [
            {"id": index, "from_id": relation["from"], "to_id": relation["to"], "type": relation["type"]}
            for index, relation in enumerate(record.relations or [])
        ]
    nested = {key: value for key, value in record.meta.items() if key in _RESERVED}
    line.update((key, value) for key, value in record.meta.items() if key not in _RESERVED)
    if nested:
        line["meta"] = nested
    if record.annotator is not None:
        line["annotator"] = record.annotator
    # As doccano's export writes them (ExportedComment.to_dict, {"id", "comment"}), with the
    # author as `user`: every comment of the document, a thread's replies after it.
    line["Comments"] = [
        {"id": thread["id"], "comment": comment["body"], "user": comment["author"]}
        for thread in record.comments or []
        for comment in (thread, *thread.get("replies", []))
    ]
    return line


def write_doccano(records: Iterable[Record], *, relations: bool = False) -> Iterator[str]:
    """One line a record, written as it comes; with `relations` (the file carries some),
    every line in doccano's relation shape."""
    for record in records:
        yield json.dumps(record_to_doccano(record, relations=relations), ensure_ascii=False) + "\n"
