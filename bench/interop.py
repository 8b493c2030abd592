"""Round trips through the real Label Studio and doccano (issue 20). Not run in CI.

Installs Label Studio 1.23.2 and doccano 1.8.4 in throwaway virtualenvs under the work
folder (nice -n 10; several minutes the first time, reused after), starts each on a free
port, and drives them through their own HTTP APIs, both ways:

- ours → tool → ours: our `labelstudio` / `doccano` export of the four interop documents
  (French, Arabic, emoji, a ZWJ family; fixtures/interop/) with three annotators, two
  with BY/AT relations and one without (and, for Label Studio, the model's scored
  predictions with scored links), is imported by the tool as it is; the tool's own export
  read back by our importer must give every annotator's spans at the same offsets and
  every relation between the same spans with the same type;
- tool → ours → tool: the spans and relations are made in the tool through its API
  (Label Studio: an annotation of regions and relation results; doccano: spans, relation
  types and relations on the examples of a `use_relation` project), the tool's export is
  read by us and exported again by us, that file imported into a fresh project of the
  tool, whose export must give the same offsets and relations again.

Every offset is compared (start, end, label, per document and annotator), and every
relation by its two end spans and type; the script prints one line per check and exits 1
if any differs. Each tool's own relation export is kept in the work folder. Its last run
is in docs/benchmarks.md ("Interop").

Usage: .venv/bin/python bench/interop.py [--work /tmp/annotator-interop] [--only labelstudio|doccano]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from common import ROOT

sys.path.insert(0, str(ROOT))
from annotator.formats import Record
from annotator.formats.doccano import write_doccano
from annotator.formats.jsonl import read_jsonl
from annotator.formats.labelstudio import labelling_config, read_labelstudio, write_labelstudio

LABELS = ["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"]
RELATION_TYPES = ["BY", "AT"]
# The links of each document (guidelines, "Relations"): (the count's start, the end's start,
# type), BY → PERPETRATOR, AT → LOCATION; zwj-4's count has two places.
LINKS = {
    "ascii-1": [(24, 0, "BY"), (24, 37, "AT")],
    "fr-ar-2": [(30, 42, "AT"), (66, 78, "AT")],
    "emoji-3": [(29, 64, "BY"), (29, 41, "AT")],
    "zwj-4": [(22, 55, "BY"), (22, 46, "AT"), (22, 0, "AT")],
}
PASSWORD = "interop-pass-1"
EMAIL = "interop@example.com"
TOKEN = "0123456789abcdef0123456789abcdef01234567"

Key = tuple[str, str]  # (text, annotator)
Offsets = dict[Key, list[tuple[int, int, str]]]
Span = tuple[int, int, str]
Links = dict[Key, list[tuple[Span, Span, str]]]
RELATED = "relations with the same end spans and type"


def linked(doc: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The document's links whose two ends are among these spans, by index into them."""
    index = {span["start"]: position for position, span in enumerate(spans)}
    return [
        {"from": index[start], "to": index[end], "type": kind}
        for start, end, kind in LINKS[doc]
        if start in index and end in index
    ]


def documents() -> list[Record]:
    """The interop documents with all their spans, from Label Studio's real export, and their links."""
    records = list(read_labelstudio((ROOT / "fixtures" / "interop" / "labelstudio-1.23.2-export.json").read_bytes()))
    for record in records:
        record.relations = linked(record.meta["doc"], record.spans or [])
    return records


def annotated() -> list[Record]:
    """alice: every span and link; bob: every other span and the links between them, so the
    two differ; carol: the other spans and no links at all (relations None, as our export
    gives an annotation made without linking), in the same file as the others' links."""
    records = []
    for doc in documents():
        spans = doc.spans or []
        for name, kept in (("alice", spans), ("bob", spans[::2])):
            relations = linked(doc.meta["doc"], kept)
            records.append(Record(text=doc.text, id=doc.meta["doc"], spans=kept, annotator=name, relations=relations))
        records.append(Record(text=doc.text, id=doc.meta["doc"], spans=spans[1::2], annotator="carol"))
    return records


def offsets(records: list[Record], *, annotator: str | None = None) -> Offsets:
    found: Offsets = {}
    for record in records:
        if record.spans is None or record.annotator == "model":
            continue
        key = (record.text, annotator or record.annotator or "")
        found[key] = sorted((s["start"], s["end"], s["label"]) for s in record.spans)
    return found


def links(records: list[Record], *, annotator: str | None = None) -> Links:
    """Each annotator's relations by their end spans' offsets and labels, and type."""
    found: Links = {}
    for record in records:
        if record.spans is None or record.annotator == "model":
            continue
        spans = [(s["start"], s["end"], s["label"]) for s in record.spans]
        key = (record.text, annotator or record.annotator or "")
        found[key] = sorted((spans[r["from"]], spans[r["to"]], r["type"]) for r in record.relations or [])
    return found


def report(name: str, got: Offsets | Links, expected: Offsets | Links, what: str = "spans at the same offsets") -> bool:
    same = got == expected
    total = sum(map(len, expected.values()))
    print(f"{'ok  ' if same else 'FAIL'} {name}: {sum(map(len, got.values()))} of {total} {what}")
    if not same:
        for key in sorted(set(got) | set(expected)):
            if got.get(key) != expected.get(key):
                print(f"     {key[1]} {key[0][:40]!r}: got {got.get(key)} expected {expected.get(key)}")
    return same


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def virtualenv(work: Path, name: str, *requirements: str) -> Path:
    folder = work / name
    marker = folder / ".installed"
    if not marker.exists() or marker.read_text() != " ".join(requirements):
        print(f"installing {' '.join(requirements)} in {folder} (nice -n 10) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        pip = [str(folder / "bin" / "pip"), "install", "-q", *requirements]
        subprocess.run(["nice", "-n", "10", *pip], check=True)
        marker.write_text(" ".join(requirements))
    return folder / "bin"


def wait_for(url: str, seconds: float, processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args!r} exited with {process.returncode} (see the log)")
        try:
            if requests.get(url, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


@contextmanager
def running(commands: list[list[str]], env: dict[str, str], log: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """The commands started in the log's folder (not in this repository, whose `api` package
    would shadow doccano's `api` app), ended on leaving."""
    processes: list[subprocess.Popen[bytes]] = []
    with log.open("ab") as out:
        try:
            for command in commands:
                processes.append(subprocess.Popen(command, env=env, stdout=out, stderr=out, cwd=log.parent))
            yield processes
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


# --- Label Studio ----------------------------------------------------------------------------


class LabelStudio:
    def __init__(self, base: str) -> None:
        # Label Studio 1.23 disables legacy API tokens for a new organisation: log in as the
        # web page does (session cookie and CSRF token).
        self.base = base
        self.http = requests.Session()
        self.http.get(f"{base}/user/login/", timeout=60)
        form = {"email": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}
        login = self.http.post(
            f"{base}/user/login/",
            data=form,
            headers={"Referer": f"{base}/user/login/"},
            allow_redirects=False,
            timeout=60,
        )
        if login.status_code != 302:
            raise RuntimeError(f"Label Studio login: {login.status_code}")
        self.http.headers["X-CSRFToken"] = self.http.cookies.get("csrftoken", "")
        self.http.headers["Referer"] = base

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, self.base + path, timeout=120, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"Label Studio {method} {path}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    def project(self, title: str) -> int:
        config = labelling_config(LABELS, relation_types=RELATION_TYPES)
        return int(self.call("POST", "/api/projects", json={"title": title, "label_config": config})["id"])

    def import_tasks(self, project: int, tasks: list[dict[str, Any]]) -> dict[str, Any]:
        return dict(self.call("POST", f"/api/projects/{project}/import", json=tasks))

    def export(self, project: int) -> bytes:
        response = self.http.get(
            f"{self.base}/api/projects/{project}/export",
            params={"exportType": "JSON", "download_all_tasks": "true"},
            timeout=120,
        )
        response.raise_for_status()
        return response.content


def drawn_in_label_studio(record: Record) -> list[dict[str, Any]]:
    """The record's spans and links as Label Studio's own editor saves them: regions with
    random ids and relation results between them (the last link drawn the other way,
    ``direction: "left"``, as its editor does when the arrow is turned)."""
    ids = [uuid.uuid4().hex[:10] for _ in record.spans or []]
    result: list[dict[str, Any]] = [
        {
            "id": ids[index],
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "origin": "manual",
            "value": {
                "start": s["start"],
                "end": s["end"],
                "text": record.text[s["start"] : s["end"]],
                "labels": [s["label"]],
            },
        }
        for index, s in enumerate(record.spans or [])
    ]
    relations = record.relations or []
    for position, relation in enumerate(relations):
        ends = [ids[relation["from"]], ids[relation["to"]]]
        left = position == len(relations) - 1
        result.append(
            {
                "from_id": ends[1] if left else ends[0],
                "to_id": ends[0] if left else ends[1],
                "type": "relation",
                "direction": "left" if left else "right",
                "labels": [relation["type"]],
            }
        )
    return result


def label_studio(work: Path) -> bool:
    bin_dir = virtualenv(work, "label-studio-venv", "label-studio==1.23.2")
    data = work / "label-studio-data"
    port = free_port()
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(data), "HOME": str(work / "label-studio-home")}
    command = [
        str(bin_dir / "label-studio"), "start", "--no-browser", "--port", str(port), "--data-dir", str(data),
        "--username", EMAIL, "--password", PASSWORD, "--user-token", TOKEN,
    ]  # fmt: skip
    ok = True
    with running([command], env, work / "label-studio.log") as processes:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/health", 600, processes)
        studio = LabelStudio(base)
        # ours → Label Studio → ours
        ours = [
            *annotated(),
            *(
                Record(
                    text=r.text,
                    id=r.meta["doc"],
                    spans=[{**s, "score": 0.5 + i / 100} for i, s in enumerate(r.spans or [])],
                    annotator="model",
                    model_version="3",
                    relations=[{**link, "score": 0.75} for link in r.relations or []],
                )
                for r in documents()
            ),
        ]
        ours.sort(key=lambda r: r.id or "")
        tasks = json.loads("".join(write_labelstudio(ours)))
        project = studio.project("ours-to-label-studio")
        counts = studio.import_tasks(project, tasks)
        took = [counts.get(k) for k in ("task_count", "annotation_count", "prediction_count")]
        print("     Label Studio took our export: {} tasks, {} annotations, {} predictions".format(*took))
        exported = studio.export(project)
        back = list(read_labelstudio(exported))
        ok &= report("ours → Label Studio → ours (annotators and offsets)", offsets(back), offsets(ours))
        ok &= report("ours → Label Studio → ours (relations)", links(back), links(ours), RELATED)
        # Its JSON export lists predictions by id; the predictions API gives them whole.
        predictions = studio.call("GET", "/api/predictions/", params={"project": project})
        kept = all(p.get("model_version") == "3" and isinstance(p.get("score"), float) for p in predictions)
        ok &= kept and len(predictions) == 4
        print(f"{'ok  ' if kept else 'FAIL'} predictions kept with model_version and score: {len(predictions)} of 4")
        # The predictions' relations, read as annotations of their tasks by our reader.
        listed = studio.call("GET", "/api/tasks", params={"project": project, "page_size": 100})["tasks"]
        texts = {t["id"]: t["data"]["text"] for t in listed}
        as_tasks = [
            {"data": {"text": texts[p["task"]]}, "annotations": [{"completed_by": "model", "result": p["result"]}]}
            for p in predictions
        ]
        predicted = [
            Record(text=r.text, spans=r.spans, relations=r.relations, annotator="predicted")
            for r in read_labelstudio(json.dumps(as_tasks))
        ]
        scored = all("score" in item for p in predictions for item in p["result"] if item.get("type") == "relation")
        ok &= scored
        ok &= report(
            "predicted relations kept" + (" with their scores" if scored else ", scores LOST"),
            links(predicted),
            links(documents(), annotator="predicted"),
            RELATED,
        )
        # Label Studio → ours → Label Studio: regions and relations drawn through its API
        project = studio.project("label-studio-to-ours")
        studio.import_tasks(project, [{"data": {"text": r.text, "doc": r.meta["doc"]}} for r in documents()])
        created = studio.call("GET", "/api/tasks", params={"project": project, "page_size": 100})
        task_ids = {t["data"]["text"]: t["id"] for t in created["tasks"]}
        for record in documents():
            body = {"result": drawn_in_label_studio(record)}
            studio.call("POST", f"/api/tasks/{task_ids[record.text]}/annotations", json=body)
        own = studio.export(project)
        # Kept for the tests (fixtures/interop/labelstudio-1.23.2-relations-export.json is one).
        (work / "labelstudio-relations-export.json").write_bytes(own)
        first = list(read_labelstudio(own))
        who = first[0].annotator
        ok &= report("Label Studio's own export read by us", offsets(first), offsets(documents(), annotator=who))
        ok &= report(
            "Label Studio's own relations read by us", links(first), links(documents(), annotator=who), RELATED
        )
        again = studio.project("label-studio-to-ours-to-label-studio")
        studio.import_tasks(again, json.loads("".join(write_labelstudio(first))))
        second = list(read_labelstudio(studio.export(again)))
        ok &= report("Label Studio → ours → Label Studio → ours", offsets(second), offsets(first))
        ok &= report("Label Studio → ours → Label Studio → ours (relations)", links(second), links(first), RELATED)
    return ok


# --- doccano ---------------------------------------------------------------------------------


class Doccano:
    def __init__(self, base: str) -> None:
        self.base = base
        self.last_export = ""
        self.http = requests.Session()
        response = self.http.post(f"{base}/v1/auth/login/", json={"username": "admin", "password": PASSWORD})
        response.raise_for_status()
        self.http.headers["X-CSRFToken"] = self.http.cookies.get("csrftoken", "")

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, self.base + path, timeout=120, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"doccano {method} {path}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    def project(self, name: str) -> int:
        body = {
            "name": name,
            "description": "interop bench",
            "guideline": "",
            "project_type": "SequenceLabeling",
            "resourcetype": "SequenceLabelingProject",
            "allow_overlapping": True,
            "grapheme_mode": True,
            "collaborative_annotation": False,
            # Relations between spans: doccano's import then offers "JSONL(Relation)"
            # (`entities` / `relations`) and its export writes that shape.
            "use_relation": True,
        }
        return int(self.call("POST", "/v1/projects", json=body)["id"])

    def wait(self, task_id: str) -> dict[str, Any]:
        for _ in range(300):
            status = self.call("GET", f"/v1/tasks/status/{task_id}")
            if status.get("ready"):
                return dict(status)
            time.sleep(1)
        raise RuntimeError(f"doccano task {task_id} did not finish")

    def upload(self, project: int, lines: str) -> dict[str, Any]:
        files = {"filepond": ("data.jsonl", lines.encode("utf-8"), "application/octet-stream")}
        upload_id = self.http.post(f"{self.base}/v1/fp/process/", files=files, timeout=120).text
        body = {
            "uploadIds": [upload_id],
            "format": "JSONL",
            # "JSONL(Relation)" in doccano's upload page: spans from `entities`, links from `relations`.
            "task": "RelationExtraction",
            "column_data": "text",
            "column_label": "label",
            "delimiter": "",
            "encoding": "utf_8",
        }
        status = self.wait(self.call("POST", f"/v1/projects/{project}/upload", json=body)["task_id"])
        if status.get("error"):  # the import task itself failed (doccano retries it, then gives up)
            raise RuntimeError(f"doccano's import failed: {status['error']}")
        errors = (status.get("result") or {}).get("error") or []
        if errors:
            raise RuntimeError(f"doccano refused the file: {errors[:3]}")
        return status

    def export(self, project: int) -> list[Record]:
        task = self.call("POST", f"/v1/projects/{project}/download", json={"format": "JSONL", "exportApproved": False})
        self.wait(task["task_id"])
        response = self.http.get(f"{self.base}/v1/projects/{project}/download", params={"taskId": task["task_id"]})
        response.raise_for_status()
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            lines = [line for name in archive.namelist() for line in archive.read(name).decode().splitlines()]
        self.last_export = "".join(line + "\n" for line in lines)
        return list(read_jsonl(lines))


def doccano(work: Path) -> bool:
    # doccano 1.8.4's settings (environs) fail on marshmallow 4 ("no attribute '__version_info__'")
    # and its pandas on numpy 2 ("numpy.dtype size changed"): pins its own dependencies leave open.
    bin_dir = virtualenv(work, "doccano-venv", "doccano==1.8.4", "marshmallow<4", "numpy<2")
    home = work / "doccano-home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(home)}
    log = work / "doccano.log"
    with log.open("ab") as out:
        subprocess.run([str(bin_dir / "doccano"), "init"], env=env, check=True, stdout=out, stderr=out, cwd=work)
        subprocess.run(
            [str(bin_dir / "doccano"), "createuser", "--username", "admin", "--password", PASSWORD],
            env=env,
            stdout=out,
            stderr=out,
            cwd=work,
        )
    port = free_port()
    commands = [
        [str(bin_dir / "doccano"), "webserver", "--port", str(port)],
        [str(bin_dir / "doccano"), "task"],
    ]
    ok = True
    with running(commands, env, log) as processes:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/", 300, processes)
        tool = Doccano(base)
        # ours → doccano → ours
        ours = annotated()
        project = tool.project("ours-to-doccano")
        # As `export --format doccano` writes a project that has relations: one shape throughout.
        tool.upload(project, "".join(write_doccano(ours, relations=True)))
        back = tool.export(project)
        ok &= report("ours → doccano → ours (annotators and offsets)", offsets(back), offsets(ours))
        ok &= report("ours → doccano → ours (relations)", links(back), links(ours), RELATED)
        ids = {(r.text, r.annotator): r.id for r in back} == {(r.text, r.annotator): r.id for r in ours}
        ok &= ids
        print(f"{'ok  ' if ids else 'FAIL'} document ids and annotators back through doccano's metadata")
        # doccano → ours → doccano: spans, relation types and relations made through its API
        project = tool.project("doccano-to-ours")
        tool.upload(
            project,
            "".join(
                json.dumps({"text": r.text, "doc": r.meta["doc"], "entities": [], "relations": []}) + "\n"
                for r in documents()
            ),
        )
        types = {
            label: tool.call("POST", f"/v1/projects/{project}/span-types", json={"text": label})["id"]
            for label in LABELS
        }
        kinds = {
            kind: tool.call("POST", f"/v1/projects/{project}/relation-types", json={"text": kind})["id"]
            for kind in RELATION_TYPES
        }
        examples = tool.call("GET", f"/v1/projects/{project}/examples", params={"limit": 100})["results"]
        by_text = {e["text"]: e["id"] for e in examples}
        for record in documents():
            example = f"/v1/projects/{project}/examples/{by_text[record.text]}"
            made = [
                tool.call(
                    "POST",
                    f"{example}/spans",
                    json={"label": types[s["label"]], "start_offset": s["start"], "end_offset": s["end"]},
                )["id"]
                for s in record.spans or []
            ]
            for relation in record.relations or []:
                body = {
                    "from_id": made[relation["from"]],
                    "to_id": made[relation["to"]],
                    "type": kinds[relation["type"]],
                }
                tool.call("POST", f"{example}/relations", json=body)
        first = tool.export(project)
        # Kept for the tests (fixtures/interop/doccano-1.8.4-relations-export.jsonl is one).
        (work / "doccano-relations-export.jsonl").write_text(tool.last_export, encoding="utf-8")
        drawn = documents()
        ok &= report("doccano's own export read by us", offsets(first, annotator="-"), offsets(drawn, annotator="-"))
        ok &= report(
            "doccano's own relations read by us", links(first, annotator="-"), links(drawn, annotator="-"), RELATED
        )
        again = tool.project("doccano-to-ours-to-doccano")
        tool.upload(again, "".join(write_doccano(first, relations=True)))
        second = tool.export(again)
        ok &= report("doccano → ours → doccano → ours", offsets(second, annotator="-"), offsets(first, annotator="-"))
        ok &= report(
            "doccano → ours → doccano → ours (relations)",
            links(second, annotator="-"),
            links(first, annotator="-"),
            RELATED,
        )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("/tmp/annotator-interop"))
    parser.add_argument("--only", choices=["labelstudio", "doccano"])
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    ok = True
    if args.only in (None, "labelstudio"):
        ok &= label_studio(args.work)
    if args.only in (None, "doccano"):
        ok &= doccano(args.work)
    print("all round trips kept every offset" if ok else "some offsets differ")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
