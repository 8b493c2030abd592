/**
 * Every format the server exports (annotator/formats/registry.py's EXPORT_FORMATS; a Python
 * test holds the two lists together), with what a file of it holds.
 */
export interface ExportFormatInfo {
  value: string;
  name: string;
  holds: string;
}

export const EXPORT_FORMATS: ExportFormatInfo[] = [
  { value: "jsonl", name: "Span JSONL (.jsonl)", holds: "Everything: text, meta, spans with attributes, annotator and comment threads. Imports back as it is." },
  { value: "doccano", name: "doccano JSONL (.jsonl)", holds: "doccano 1.8's sequence labelling: [start, end, label] triples, meta and Comments; no attributes." },
  { value: "labelstudio", name: "Label Studio JSON (.json)", holds: "Label Studio tasks with the spans as results; Label Studio 1.23 imports it." },
  { value: "conll", name: "CoNLL 2003 (.conll)", holds: "One token a line with its IOB2 tag, for training code; no ids, attributes or overlapping spans." },
  { value: "conll-meta", name: "CoNLL with ids (.conll)", holds: "CoNLL plus each document's id, annotator and exact text in comment lines: imports back exactly." },
  { value: "hf", name: "Hugging Face datasets (.zip)", holds: "Sentences with tokens and IOB2 tag ids, a dataset card and the tag names, for datasets.load_dataset." },
  { value: "spacy", name: "spaCy DocBin (.spacy, binary)", holds: "A binary DocBin for spacy train (not JSON); the server needs spaCy installed." },
  { value: "casualty-csv", name: "Casualty figures CSV (.csv)", holds: "One row per document and annotator: killed, wounded and missing by victim group, perpetrators, locations." },
  { value: "casualty-events", name: "Casualty events CSV (.csv)", holds: "One row per casualty count: value, status, victims, the actors and places it is linked to (BY, AT), its sentence and offsets." },
  { value: "csv", name: "Texts CSV, no labels (.csv)", holds: "id, text and meta columns only: no spans. For labelled data take span JSONL or casualty figures." },
  { value: "txt", name: "Plain texts (.zip)", holds: "A zip of one .txt file per document, the text alone: no labels." },
];
