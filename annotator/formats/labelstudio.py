"""Label Studio JSON: a JSON array of tasks, one per document.

Written (what Label Studio 1.23 imports as it is)::

    [{"id": 1, "data": {"text": "...", "id": "fakes-0042", "meta": {...}},
      "meta": {"annotators": {"1": "alice", "2": "gold"}},
      "annotations": [{"id": 1, "ground_truth": false, "was_cancelled": false,
                       "result": [{"id": "0-21-CASUALTY_COUNT", "from_name": "label", "to_name": "text",
                                   "type": "labels", "value": {"start": 0, "end": 21, "text": "...",
                                                               "labels": ["CASUALTY_COUNT"]}},
                                  {"id": "0-21-CASUALTY_COUNT", "from_name": "value", "to_name": "text",
                                   "type": "number", "value": {"start": 0, "end": 21, "number": 300}},
                                  {"id": "0-21-CASUALTY_COUNT", "from_name": "status", "to_name": "text",
                                   "type": "choices", "value": {"start": 0, "end": 21, "choices": ["killed"]}}]}],
      "predictions": [{"model_version": "3", "score": 0.91, "result": [... each with "score"]}]}]

Records of the same document that follow each other (the `all` source gives one per
annotator) become one task with several annotations. The gold is an annotation with
``"ground_truth": true`` by ``gold``; the model's spans are ``predictions``.
A span's attributes are Label Studio's per-region results (same `id` as the region):
``number`` for whole numbers, ``choices`` for the rest (booleans as "true"/"false"),
which is what a labelling config with ``perRegion="true"`` controls produces
(`labelling_config` writes one).

Annotators. Label Studio refuses a ``completed_by`` that is not one of its own users (an
object without ``email``, an unknown email: HTTP 400), and keeps of an imported annotation
only its result, ``ground_truth``, ``was_cancelled``, ``lead_time`` and its ``id`` (as
``import_id``). So ``completed_by`` is left out (Label Studio gives the annotation to the
user who imports) and the annotator's name goes in the task's own ``meta`` (which Label
Studio stores and exports as it is), keyed by the annotation's ``id``:
``"meta": {"annotators": {"1": "alice"}}``. An export of Label Studio gives each annotation
a new ``id`` and the one of our file as ``import_id``: the reader looks up both.

Relations are Label Studio's relation results, between the regions of one annotation:
``{"from_id": "0-21-CASUALTY_COUNT", "to_id": "30-43-PERPETRATOR", "type": "relation",
"direction": "right", "labels": ["BY"]}``; read back with ``direction: "left"`` reversed and
one relation per label. `labelling_config` lists the relation types in ``<Relations>``.

Offsets are Unicode code points, as Label Studio ≥ 1.0 stores them for ``<Text>`` (its
frontend once counted UTF-16 units: HumanSignal/label-studio#1347, fixed by storing code
points). On import a region whose `text` does not match the code-point offsets but does
match them read as UTF-16 units is converted; any other mismatch is an error naming the
task.

Read: each annotation that is not cancelled is a record (its annotator: the name in the
task's ``meta.annotators`` for its ``import_id`` or ``id``, else `completed_by`'s username,
else its email, else ``labelstudio-<id>`` for Label Studio's numeric user ids; ``ground_truth``
annotations by ``gold`` stay gold); a task with no annotation is a document alone.
Predictions are not annotations and are not imported (`count_predictions` tells how many a
file has). The `line` of a record is its task's number in the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from xml.sax.saxutils import quoteattr

from annotator import jsoncheck
from annotator.exceptions import FormatError
from annotator.formats.records import Record
from annotator.spans import is_offset

FROM_NAME = "label"
TO_NAME = "text"


def _region_id(span: dict[str, Any]) -> str:
    return f"{span['start']}-{span['end']}-{span['label']}"


def _results(
    text: str,
    spans: Sequence[dict[str, Any]],
    *,
    with_score: bool,
    relations: Sequence[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for span in spans:
        start, end = span["start"], span["end"]
        region: dict[str, Any] = {
            "id": _region_id(span),
            "from_name": FROM_NAME,
            "to_name": TO_NAME,
            "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [span["label"]]},
        }
        if with_score and "score" in span:
            region["score"] = span["score"]
        results.append(region)
        for name, value in (span.get("attrs") or {}).items():
            if value is None:
                continue
            payload: dict[str, Any]
            if isinstance(value, int) and not isinstance(value, bool):
                kind, payload = "number", {"number": value}
            elif isinstance(value, bool):
                kind, payload = "choices", {"choices": ["true" if value else "false"]}
            else:
                kind, payload = "choices", {"choices": [str(value)]}
            results.append(
                {
                    "id": region["id"],
                    "from_name": name,
                    "to_name": TO_NAME,
                    "type": kind,
                    "value": {"start": start, "end": end, **payload},
                }
            )
    for relation in relations or []:
        link: dict[str, Any] = {
            "from_id": _region_id(spans[relation["from"]]),
            "to_id": _region_id(spans[relation["to"]]),
            "type": "relation",
            "direction": "right",
            "labels": [relation["type"]],
        }
        if with_score and "score" in relation:
            link["score"] = relation["score"]
        results.append(link)
    return results


def _grouped(records: Iterable[Record]) -> Iterator[list[Record]]:
    group: list[Record] = []
    for record in records:
        if group and (record.id != group[0].id or record.text != group[0].text):
            yield group
            group = []
        group.append(record)
    if group:
        yield group


def write_labelstudio(records: Iterable[Record]) -> Iterator[str]:
    """A JSON array of tasks, streamed one task a chunk."""
    annotation_id = 0
    task_id = 0
    for group in _grouped(records):
        task_id += 1
        first = group[0]
        data: dict[str, Any] = {"text": first.text}
        if first.id is not None:
            data["id"] = first.id
        if first.meta:
            data["meta"] = first.meta
        annotations: list[dict[str, Any]] = []
        predictions: list[dict[str, Any]] = []
        annotators: dict[str, str] = {}
        for record in group:
            if record.spans is None:
                continue
            if record.annotator == "model":
                scores = [s["score"] for s in record.spans if "score" in s]
                prediction: dict[str, Any] = {
                    "model_version": record.model_version or "",
                    "result": _results(record.text, record.spans, with_score=True, relations=record.relations),
                }
                if scores:
                    prediction["score"] = round(sum(scores) / len(scores), 4)
                predictions.append(prediction)
                continue
            annotation_id += 1
            if record.annotator is not None:
                annotators[str(annotation_id)] = record.annotator
            annotations.append(
                {
                    "id": annotation_id,
                    "ground_truth": record.annotator == "gold",
                    "was_cancelled": False,
                    "result": _results(record.text, record.spans, with_score=False, relations=record.relations),
                }
            )
        task: dict[str, Any] = {"id": task_id, "data": data}
        if annotators:
            task["meta"] = {"annotators": annotators}
        task.update(annotations=annotations, predictions=predictions)
        yield ("[\n" if task_id == 1 else ",\n") + json.dumps(task, ensure_ascii=False)
    yield "\n]\n" if task_id else "[]\n"


def labelling_config(
    labels: Iterable[str],
    attributes: dict[str, dict[str, Any]] | None = None,
    relation_types: Iterable[str] = (),
) -> str:
    """A Label Studio labelling config that shows these labels (the per-region attribute
    controls, the relation types) on `data.text`, so an export opens in Label Studio as it is."""
    lines = ["<View>", f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">']
    lines += [f"    <Label value={quoteattr(label)}/>" for label in labels]
    lines.append("  </Labels>")
    kinds = list(relation_types)
    if kinds:
        lines.append("  <Relations>")
        lines += [f"    <Relation value={quoteattr(kind)}/>" for kind in kinds]
        lines.append("  </Relations>")
    lines.append(f'  <Text name="{TO_NAME}" value="$text"/>')
    for name, rule in (attributes or {}).items():
        if rule.get("type") == "integer":
            lines.append(f'  <Number name={quoteattr(name)} toName="{TO_NAME}" perRegion="true"/>')
        else:
            choices = rule.get("choices") or (["true", "false"] if rule.get("type") == "boolean" else [])
            lines.append(f'  <Choices name={quoteattr(name)} toName="{TO_NAME}" perRegion="true">')
            lines += [f"    <Choice value={quoteattr(str(choice))}/>" for choice in choices]
            lines.append("  </Choices>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def _tasks(data: str | bytes) -> list[Any]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise FormatError(f"not UTF-8 (byte {error.start})") from None
    try:
        parsed = jsoncheck.parse(data)
    except jsoncheck.BadJson as error:
        raise FormatError(
            error.reason + (f" (column {error.column})" if error.column else ""), line=error.line
        ) from None
    if isinstance(parsed, dict):
        parsed = [parsed]
    if not isinstance(parsed, list):
        raise FormatError("a Label Studio export is a JSON array of tasks")
    return parsed


def count_predictions(data: str | bytes) -> int:
    return sum(len(task.get("predictions") or []) for task in _tasks(data) if isinstance(task, dict))


def read_labelstudio(data: str | bytes) -> Iterator[Record]:
    for number, task in enumerate(_tasks(data), start=1):
        yield from _records_of_task(task, number)


def _fail(number: int, message: str) -> FormatError:
    return FormatError(f"task {number}: {message}", line=number)


def _records_of_task(task: Any, number: int) -> Iterator[Record]:
    if not isinstance(task, dict):
        raise _fail(number, "a task must be an object")
    data = task.get("data")
    if not isinstance(data, dict):
        raise _fail(number, "no 'data' object")
    text = data.get("text")
    if not isinstance(text, str) or not text:
        raise _fail(number, "'data.text' is missing, empty or not a string")
    doc_id = data.get("id", data.get("external_id"))
    if doc_id is not None:
        if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
            raise _fail(number, "'data.id' must be a string or a whole number")
        doc_id = str(doc_id)
    given_meta = data.get("meta")
    meta = dict(given_meta) if isinstance(given_meta, dict) else {}
    for key, value in data.items():
        if key not in ("text", "id", "external_id", "meta"):
            meta.setdefault(key, value)
    annotations = task.get("annotations", task.get("completions")) or []
    if not isinstance(annotations, list):
        raise _fail(number, "'annotations' must be a list")
    kept = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
    if not kept:
        yield Record(text=text, id=doc_id, meta=meta, line=number)
        return
    task_meta = task.get("meta")
    named = task_meta.get("annotators") if isinstance(task_meta, dict) else None
    names = named if isinstance(named, dict) else {}
    for annotation in kept:
        spans, relations = _spans_of(annotation.get("result") or [], text, number)
        yield Record(
            text=text,
            id=doc_id,
            meta=meta,
            spans=spans,
            annotator=_annotator_of(annotation, names, number),
            line=number,
            relations=relations,
        )


def _annotator_of(annotation: dict[str, Any], names: dict[str, Any], number: int) -> str:
    # Label Studio's own export has `import_id` (the id our file gave, null for an annotation
    # made in Label Studio, whose new `id` must not be taken for one of ours); our file: `id`.
    given = annotation.get("import_id") if "import_id" in annotation else annotation.get("id")
    name = names.get(str(given)) if given is not None else None
    if isinstance(name, str) and name.strip():
        return name.strip()
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        name = who.get("username") or who.get("email")
        if name:
            return str(name)
        who = who.get("id")
    if isinstance(who, int) and not isinstance(who, bool):
        return f"labelstudio-{who}"
    if isinstance(who, str) and who.strip():
        return who.strip()
    raise _fail(number, "an annotation without 'completed_by': import it with --as-annotator USER or --as-gold")


def _utf16_to_code_points(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Offsets counted in UTF-16 units, as code points (None if one falls inside a pair)."""
    units = 0
    positions: dict[int, int] = {}
    for index, char in enumerate(text):
        positions[units] = index
        units += 2 if ord(char) > 0xFFFF else 1
    positions[units] = len(text)
    if start in positions and end in positions:
        return positions[start], positions[end]
    return None


def _spans_of(results: Any, text: str, number: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]] | None]:
    """The spans of an annotation's results, and its relations (None if it has none) by
    index into those spans."""
    if not isinstance(results, list):
        raise _fail(number, "'result' must be a list")
    regions: dict[str, list[dict[str, Any]]] = {}
    order: list[dict[str, Any]] = []
    attributes: list[tuple[str, str, Any]] = []
    links: list[tuple[int, dict[str, Any]]] = []
    for index, item in enumerate(results):
        if isinstance(item, dict) and item.get("type") == "relation":
            links.append((index, item))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
            continue
        value = item["value"]
        kind = item.get("type")
        if kind == "labels":
            start, end = _offsets(value, text, number, index)
            labels = value.get("labels")
            if not isinstance(labels, list) or not labels:
                raise _fail(number, f"result {index} has no labels")
            for label in labels:
                span = {"start": start, "end": end, "label": label, "attrs": {}}
                if "score" in item:
                    span["score"] = item["score"]
                regions.setdefault(str(item.get("id")), []).append(span)
                order.append(span)
        elif kind == "number" and "number" in value:
            attributes.append((str(item.get("id")), str(item.get("from_name")), value["number"]))
        elif kind in ("choices", "textarea"):
            chosen = value.get("choices" if kind == "choices" else "text")
            if isinstance(chosen, list) and len(chosen) == 1:
                attributes.append((str(item.get("id")), str(item.get("from_name")), chosen[0]))
    for region_id, name, value in attributes:
        for span in regions.get(region_id, []):
            span["attrs"][name] = value
    return order, _relations_of(links, regions, order, number) if links else None


def _relations_of(
    links: list[tuple[int, dict[str, Any]]],
    regions: dict[str, list[dict[str, Any]]],
    order: list[dict[str, Any]],
    number: int,
) -> list[dict[str, Any]]:
    """Label Studio's relation results (``from_id``/``to_id`` region ids, ``direction``,
    ``labels``: one relation per label) by index into the annotation's spans."""
    index_of = {id(span): position for position, span in enumerate(order)}
    relations: list[dict[str, Any]] = []
    seen: set[tuple[int, int, str]] = set()
    for index, item in links:
        ends = []
        for key in ("from_id", "to_id"):
            region = regions.get(str(item.get(key)))
            if not region:
                raise _fail(number, f"result {index}: relation {key} {item.get(key)!r} is no region of this annotation")
            ends.append(index_of[id(region[0])])
        if item.get("direction") == "left":
            ends.reverse()
        labels = item.get("labels")
        if not isinstance(labels, list) or not labels or not all(isinstance(k, str) and k for k in labels):
            raise _fail(number, f"result {index}: a relation needs its type in 'labels'")
        for kind in labels:
            if (ends[0], ends[1], kind) in seen:
                continue
            seen.add((ends[0], ends[1], kind))
            relation: dict[str, Any] = {"from": ends[0], "to": ends[1], "type": kind}
            if "score" in item:
                relation["score"] = item["score"]
            relations.append(relation)
    return relations


def _offsets(value: dict[str, Any], text: str, number: int, index: int) -> tuple[int, int]:
    start, end = value.get("start"), value.get("end")
    if not (is_offset(start) and is_offset(end)):
        raise _fail(number, f"result {index}: start and end must be character offsets (a <Text> region)")
    quoted = value.get("text")
    if quoted is None or text[start:end] == quoted:
        return start, end
    converted = _utf16_to_code_points(text, start, end)
    if converted and text[converted[0] : converted[1]] == quoted:
        return converted
    raise _fail(
        number,
        f"result {index} [{start}, {end}) says {quoted!r} but the text there is {text[start:end]!r} "
        "(neither code points nor UTF-16 units)",
    )
