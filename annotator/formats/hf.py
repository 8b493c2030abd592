"""A Hugging Face `datasets`-ready export (format ``hf``): a zip of

- ``data.jsonl`` — one line per sentence: ``{"id": "fakes-0042-0", "document": "fakes-0042",
  "annotator": "gold", "sentence": 0, "tokens": ["Syrian", "warplanes", ...],
  "ner_tags": [1, 2, ...]}``; tokens and sentences as the CoNLL export cuts them
  (`annotator.tokenize`: grapheme clusters, no sentence end after an abbreviation or inside
  a span), tags IOB2 as integer ids;
- ``README.md`` — a dataset card whose YAML header declares the split and the features,
  ``ner_tags`` as a ``ClassLabel`` with the tag names, so ``datasets.load_dataset(folder)``
  gives named tags; its text says where the data came from and how many spans of each label;
- ``labels.json`` — the tag names in id order (``["O", "B-CASUALTY_COUNT", "I-CASUALTY_COUNT", ...]``),
  for scripts that read ``data.jsonl`` without `datasets`.

Ids: ``O`` is 0, then ``B-`` and ``I-`` of each label in the project's label order, so
exports of the same project (a train and a test split) share them. What IOB2 cannot carry
(overlapping spans of different labels, attributes) is left out as in CoNLL, reported
through `on_loss`. With the `all` source each annotator's sentences are rows of their own.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from annotator.formats.conll import LossCallback, describe_loss, iob2_spans, sentences_around_spans, spans_of
from annotator.formats.records import Record
from annotator.formats.text import ZipSink
from annotator.tokenize import tokenize


def tag_names(labels: Sequence[str]) -> list[str]:
    return ["O", *(f"{prefix}-{label}" for label in labels for prefix in ("B", "I"))]


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_hf(
    records: Iterable[Record], *, labels: Sequence[str] | None = None, on_loss: LossCallback | None = None
) -> Iterator[bytes]:
    """The zip, streamed a record at a time. `labels` is the project's label set in its
    order; without it the labels found in the records are used, sorted (read whole first)."""
    if labels is None:
        records = list(records)
        labels = sorted({span["label"] for record in records for span in record.spans or []})
    names = tag_names(labels)
    known = set(labels)
    ids = {name: number for number, name in enumerate(names)}
    sink = ZipSink()
    rows = 0
    documents = 0
    spans: Counter[str] = Counter()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(_member("data.jsonl"), "w") as data:
            for number, record in enumerate(records, start=1):
                tokens = tokenize(record.text)
                given = spans_of(record)
                tags, kept, lost = iob2_spans(record.text, tokens, [s for s in given if s.label in known])
                lost = sorted([*lost, *(s for s in given if s.label not in known)])
                if lost and on_loss is not None:
                    on_loss(describe_loss(record, lost))
                spans.update(span.label for span in kept)
                documents += 1
                document = record.id if record.id is not None else str(number)
                for index, sentence in enumerate(sentences_around_spans(record.text, tokens, tags)):
                    row = {
                        "id": f"{document}-{index}",
                        "document": document,
                        "annotator": record.annotator,
                        "sentence": index,
                        "tokens": [token.text for _, token in sentence],
                        "ner_tags": [ids[tags[i]] for i, _ in sentence],
                    }
                    data.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
                    rows += 1
                yield sink.take()
        archive.writestr(_member("labels.json"), json.dumps(names, ensure_ascii=False) + "\n")
        archive.writestr(_member("README.md"), dataset_card(names, rows=rows, documents=documents, spans=spans))
    yield sink.take()


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string


def dataset_card(names: Sequence[str], *, rows: int, documents: int, spans: Counter[str]) -> str:
    """README.md: YAML metadata `datasets` reads (split, features, ClassLabel names) and a
    few lines for people."""
    class_names = "\n".join(f"          '{number}': {_quoted(name)}" for number, name in enumerate(names))
    counts = "\n".join(f"| {label} | {spans[label]} |" for label in sorted(spans)) or "| (none) | 0 |"
    return f"""---
task_categories:
- token-classification
task_ids:
- named-entity-recognition
configs:
- config_name: default
  data_files:
  - split: train
    path: data.jsonl
dataset_info:
  features:
  - name: id
    dtype: string
  - name: document
    dtype: string
  - name: annotator
    dtype: string
  - name: sentence
    dtype: int64
  - name: tokens
    list: string
  - name: ner_tags
    list:
      class_label:
        names:
{class_names}
---

# Span annotations as token classification

Exported by the annotator app (format `hf`): {rows} sentences of {documents} annotated
documents. `tokens` are the app's tokens (runs of grapheme clusters that begin with a
letter, digit or mark, or one other character), `ner_tags` IOB2 tags as ids of the
`ClassLabel` above (also in `labels.json`). Sentences never end inside a span.
Overlapping spans of different labels and span attributes are not in this file.

| label | spans |
|---|---|
{counts}

```python
import datasets
data = datasets.load_dataset("path/to/unzipped/folder")["train"]
data.features["ner_tags"].feature.names
```
"""
