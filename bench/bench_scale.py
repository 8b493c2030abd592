"""Scale benchmark (#17): how each path of the app grows with the project, 1k to 1M documents.

For each size N (ascending) one project is grown step by step on the same database: only
the difference since the previous size is imported, so a run over 1k,10k,100k imports
100,000 documents in all, not 111,000 again from scratch. At each size:

- import: a JSONL file of the new documents (~600 characters each, English with Arabic and
  accented text mixed in) through `manage.py import_documents` in a subprocess; wall time,
  documents/s and the subprocess's peak RSS (os.wait4's rusage of that child alone);
- agreement seed: in a second project (`bench-agreement`), three annotators (agree0..2)
  submit min(10% of N, 10,000) of the same documents, through the same command with
  `--as-annotator` (its first file creates the documents). Not by SQL, and not in the load's
  project: the contract's path stays right whatever the queue comes to store about open
  slots, and the load clients' own submissions (32 more annotators: 595 pairs instead of 3) would
  otherwise swamp the report. At 100k and 1M this is #17's "10,000 documents x 3
  annotators";
- `next/`: gunicorn as `make run` starts it, bench_api.py's load (next -> save -> submit)
  at 8 and 32 clients, round trips/s and p95, with its nothing-lost / quota checks;
- search: `documents/?q=` as the project owner, a common word, a rare word, an Arabic word
  and a word found nowhere, a few times each; p95 over all;
- export: `manage.py export PROJECT FILE --format jsonl --source documents` (every document's
  text and meta: the whole project, which gold or annotators' sources here are not) in a
  subprocess; time and peak RSS;
- agreement: `manage.py agreement PROJECT --json` in a subprocess; time and peak RSS.

Then the targets of #17 are checked (PASS/FAIL): at 1M documents `next/` keeps at least 90%
of its 1k throughput with p95 within 1.5x; import at least 15,000 documents/s on SQLite in
bounded memory. A target whose sizes were not run is judged at the largest size run, and
says so.

    nice -n 5 .venv/bin/python bench/bench_scale.py --sizes 1k,10k,100k
    .venv/bin/python bench/bench_scale.py --quick                    # smoke: 300 and 2k documents
    .venv/bin/python bench/bench_scale.py --sizes 1k,100k,1m --start-postgres 54416
    .venv/bin/python bench/bench_scale.py --sizes 1k,1m --postgres postgres://... --skip next@1m,agreement@1m
    options: --budget SECONDS (per measure; a subprocess past it is stopped and reported as such),
             --seconds / --trips (per load run), --out FILE.json (default: in the data folder)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_api import add_members, free_port, percentile, run, server_env, start_server, stop_server
from bench.common import ROOT, fresh_django, machine

SLUG = "bench"
AGREEMENT_SLUG = "bench-agreement"
QUOTA = 2  # annotators per document, as bench_api.py
LABELS = "CASUALTY_COUNT,PERPETRATOR,LOCATION"
AGREEMENT_SHARE, AGREEMENT_MAX = 0.1, 10_000
PYTHON = str(ROOT / ".venv" / "bin" / "python")
IMPORT_COMMAND = "import_documents"  # its name in the contract (spec/contract.md, "Management commands")
SEARCHES = {"common": "people", "rare": "Maarrat", "arabic": "حلب", "none": "zqxjvwpk"}
SEARCH_REPEATS = 5
# The agreement project takes its three annotators a document; neither project trains.
CREATE_OPTIONS = {
    SLUG: ["--annotators-per-document", str(QUOTA), "--retrain-every", "1000000"],
    AGREEMENT_SLUG: ["--annotators-per-document", "3", "--retrain-every", "1000000"],
}
RARE_EVERY = 1000  # one document in this many mentions the rare word

# --- Realistic documents -------------------------------------------------------------------
PERPETRATORS = ["warplanes", "government forces", "rebel fighters", "an armed group", "militants", "artillery units"]
PLACES = ["Aleppo", "Homs", "Idlib", "Douma", "Raqqa", "Deir ez-Zor", "Daraa", "Hama", "Darayya", "Latakia"]
FILLER = [
    "Witnesses said the shelling began shortly after dawn and lasted for several hours.",
    "A local council spokesman told reporters that rescue teams were still searching the rubble.",
    "The Observatory, which relies on a network of sources on the ground, could not confirm the figure.",
    "Médecins Sans Frontières said its field hospital had received dozens of wounded since Tuesday.",
    "According to the correspondent of Agence France-Presse, the market was crowded at the time.",
    "Officials in Genève described the attack as a grave breach of the ceasefire agreement.",
    "José Álvarez, a Red Cross delegate, said access to the area remained impossible.",
    "Residents fled towards the Turkish border, carrying what they could on foot.",
    "The ministry denied any involvement and blamed what it called terrorist groups.",
    "Schools in the district have been closed since the beginning of the month.",
]
ARABIC = [
    "قال ناشطون إن الطائرات قصفت الأحياء الشرقية من مدينة حلب صباح اليوم.",
    "وأفاد المرصد بأن عدد القتلى مرشح للارتفاع بسبب وجود جرحى في حالات خطرة.",
    "ودعت منظمات إنسانية إلى وقف فوري لإطلاق النار وفتح ممرات آمنة للمدنيين.",
]


def document(i: int) -> dict[str, Any]:
    """Document i (deterministic): a lead sentence with the three labels' words, then filler
    to about 600 characters; about one in four carries an Arabic paragraph."""
    rnd = random.Random(i)
    perpetrator, place, count = rnd.choice(PERPETRATORS), rnd.choice(PLACES), rnd.randint(2, 300)
    lead = f"Report {i}: {perpetrator} struck {place} on Monday, killing {count} people near the market."
    parts = [lead]
    if i % RARE_EVERY == 7:
        parts.append("The strike hit the outskirts of Maarrat al-Numan as well.")
    if rnd.random() < 0.25:
        parts.append(rnd.choice(ARABIC))
    while sum(len(p) + 1 for p in parts) < 560:
        parts.append(rnd.choice(FILLER))
    text = " ".join(parts)
    spans = []
    for word, label in ((perpetrator, "PERPETRATOR"), (place, "LOCATION"), (f"{count} people", "CASUALTY_COUNT")):
        start = text.index(word)
        spans.append({"start": start, "end": start + len(word), "label": label})
    return {"id": f"doc-{i:07d}", "text": text, "meta": {"source": "bench", "date": "2016-03-07"}, "spans": spans}


def spans_of(text: str) -> list[dict[str, Any]]:
    """What a client marks in a document handed to it by `next/`: its lead sentence's spans."""
    return document(int(text.split(":", 1)[0].removeprefix("Report ")))["spans"]


def write_documents(path: Path, first: int, last: int, *, annotator: int | None = None) -> None:
    """Documents first..last-1 as span JSONL. Without `annotator`: texts only. With it: that
    agreement annotator's spans (annotator 2 leaves out the casualty count every fifth)."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(first, last):
            doc = document(i)
            if annotator is None:
                doc.pop("spans")
            elif annotator == 2 and i % 5 == 0:
                doc["spans"] = doc["spans"][:2]
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")


# --- Subprocesses with their own peak memory --------------------------------------------------
@dataclass
class Outcome:
    seconds: float
    peak_rss_mb: float
    ok: bool
    note: str = ""
    stdout: str = ""


def manage(args: list[str], env: dict[str, str], budget: float) -> Outcome:
    """`manage.py ARGS` in a subprocess: wall time and the peak RSS of that child alone
    (os.wait4's rusage; RUSAGE_CHILDREN would be the maximum over every child so far)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        return _manage(args, env, budget, out, err)


def _manage(args: list[str], env: dict[str, str], budget: float, out: Any, err: Any) -> Outcome:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True
    )
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - started > budget:
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            timed_out = True
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    if timed_out:
        return Outcome(seconds, peak, False, f"stopped after the {budget:.0f} s budget")
    if proc.returncode != 0:
        return Outcome(seconds, peak, False, f"exit {proc.returncode}: {stderr.strip()[-300:]}")
    return Outcome(seconds, peak, True, stdout=stdout)


# --- Measures --------------------------------------------------------------------------------
def search_p95(port: int, token: str, deadline: float) -> dict[str, Any]:
    """Each query SEARCH_REPEATS times through the API, one connection (as a browser would)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    times: list[float] = []
    per_query: dict[str, Any] = {}
    for name, word in SEARCHES.items():
        mine = []
        for _ in range(SEARCH_REPEATS):
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            conn.request("GET", f"/api/projects/{SLUG}/documents/?q={urllib.parse.quote(word)}", headers=headers)
            response = conn.getresponse()
            body = response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise RuntimeError(f"search {word!r}: {response.status} {body[:200]!r}")
            found = json.loads(body).get("count")
        times += mine
        per_query[name] = {"word": word, "found": found if mine else None, "p50_ms": round(percentile(mine, 50), 1)}
    return {"p95_ms": round(percentile(times, 95), 1), "requests": len(times), "queries": per_query}


@dataclass
class Plan:
    skip: set[tuple[str, int]] = field(default_factory=set)

    def wants(self, measure: str, size: int) -> bool:
        return (measure, size) not in self.skip and (measure, 0) not in self.skip


def parse_size(text: str) -> int:
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def parse_skip(text: str) -> set[tuple[str, int]]:
    """`next@1m,agreement` -> {("next", 1000000), ("agreement", 0)} (0: at every size)."""
    skip = set()
    for item in filter(None, (part.strip() for part in text.split(","))):
        measure, _, size = item.partition("@")
        skip.add((measure, parse_size(size) if size else 0))
    return skip


def label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1000 and size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def measure_size(
    size: int, have: int, seeded: int, env: dict[str, str], folder: Path, tokens: dict[str, str], args: Any, plan: Plan
) -> tuple[dict[str, Any], int]:
    row: dict[str, Any] = {"documents": size, "load_average": round(os.getloadavg()[0], 1)}
    startup = args.startup
    new = folder / f"documents-{have}-{size}.jsonl"
    write_documents(new, have, size)
    got = manage([IMPORT_COMMAND, SLUG, str(new), "--format", "jsonl"], env, args.budget)
    new.unlink()
    row["import"] = {
        "documents": size - have,
        "seconds": round(got.seconds, 2),
        "docs_per_s": round((size - have) / got.seconds),
        # Without the command's start-up (Python, Django, the import modules), which small steps feel most.
        "docs_per_s_after_startup": round((size - have) / max(0.01, got.seconds - startup)),
        "peak_rss_mb": round(got.peak_rss_mb),
        "ok": got.ok,
        "note": got.note,
    }
    print(f"# {label(size)}: import {row['import']}", flush=True)
    if not got.ok:
        raise RuntimeError(f"import to {size} documents failed: {got.note}")

    part = min(int(size * AGREEMENT_SHARE), AGREEMENT_MAX)
    if part > seeded:
        first, last = seeded, part
        seed_seconds = 0.0
        for annotator in range(3):
            spans_file = folder / f"agree{annotator}.jsonl"
            write_documents(spans_file, first, last, annotator=annotator)
            done = manage(
                [IMPORT_COMMAND, AGREEMENT_SLUG, str(spans_file), "--as-annotator", f"agree{annotator}"],
                env,
                args.budget,
            )
            spans_file.unlink()
            if not done.ok:
                raise RuntimeError(f"agreement seed failed: {done.note}")
            seed_seconds += done.seconds
        seeded = part
        row["agreement_seed_seconds"] = round(seed_seconds, 1)
    row["agreement_documents"] = seeded

    if plan.wants("next", size) or plan.wants("search", size):
        port = free_port()
        server = start_server(port, args.workers, server_env() | env, extra=("--threads", str(args.threads)))
        try:
            if plan.wants("next", size):
                run(
                    port, tokens, 8, 3, args.seconds, server.pid, slug=SLUG, quota=QUOTA, spans_of=spans_of
                )  # warm-up, untimed
                for clients in (8, 32):
                    result = run(
                        port,
                        tokens,
                        clients,
                        args.trips,
                        args.seconds,
                        server.pid,
                        slug=SLUG,
                        quota=QUOTA,
                        spans_of=spans_of,
                    )
                    row[f"next_{clients}"] = result
                    print(f"# {label(size)}: next/ {clients} clients {json.dumps(result)}", flush=True)
            if plan.wants("search", size):
                row["search"] = search_p95(port, tokens["owner"], time.monotonic() + args.budget)
                print(f"# {label(size)}: search {row['search']}", flush=True)
        finally:
            stop_server(server)

    if plan.wants("export", size):
        target = folder / "export.jsonl"
        got = manage(["export", SLUG, str(target), "--format", "jsonl", "--source", "documents"], env, args.budget)
        lines = sum(1 for _ in target.open("rb")) if got.ok else None
        target.unlink(missing_ok=True)
        row["export"] = {
            "seconds": round(got.seconds, 2),
            "peak_rss_mb": round(got.peak_rss_mb),
            "lines": lines,
            "ok": got.ok,
            "note": got.note,
        }
        print(f"# {label(size)}: export {row['export']}", flush=True)
    if plan.wants("agreement", size):
        got = manage(["agreement", AGREEMENT_SLUG, "--json"], env, args.budget)
        report = json.loads(got.stdout) if got.ok else {}
        row["agreement"] = {
            "seconds": round(got.seconds, 2),
            "peak_rss_mb": round(got.peak_rss_mb),
            "documents": report.get("documents"),
            "annotators": len(report.get("annotators", [])),
            "ok": got.ok,
            "note": got.note,
        }
        print(f"# {label(size)}: agreement {row['agreement']}", flush=True)
    return row, seeded


# --- Report ----------------------------------------------------------------------------------
def cell(row: dict[str, Any], *keys: str, fmt: str = "{}") -> str:
    value: Any = row
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return "–"
        value = value[key]
    if isinstance(value, dict) and not value.get("ok", True):
        return "stopped"
    return fmt.format(value) if value is not None else "–"


def markdown(rows: list[dict[str, Any]], database: str) -> str:
    head = (
        "| documents | load avg | import docs/s, net of start-up (s, new docs) | import peak MB "
        "| next/ 8: trips/s, p95 ms | next/ 32: trips/s, p95 ms | search p95 ms | export s (peak MB) "
        "| agreement s (docs) |"
    )
    lines = [f"**{database}**", "", head, "|" + "---|" * 9]
    for row in rows:
        imp = row["import"]
        nexts = []
        for clients in (8, 32):
            r = row.get(f"next_{clients}")
            nexts.append(f"{r['round_trips_per_s']}, {r['request_p95_ms']:.0f}" if r else "–")
        exp, agr = row.get("export"), row.get("agreement")
        exported = f"{exp['seconds']} ({exp['peak_rss_mb']})" if exp and exp["ok"] else cell(row, "export")
        agreed = f"{agr['seconds']} ({agr['documents']})" if agr and agr["ok"] else cell(row, "agreement")
        lines.append(
            f"| {label(row['documents'])} | {row['load_average']} "
            f"| {imp['docs_per_s']:,}, {imp['docs_per_s_after_startup']:,} ({imp['seconds']} s, {imp['documents']:,}) "
            f"| {imp['peak_rss_mb']} | {nexts[0]} | {nexts[1]} | {cell(row, 'search', 'p95_ms')} "
            f"| {exported} | {agreed} |"
        )
    return "\n".join(lines)


def targets(rows: list[dict[str, Any]], sqlite: bool) -> list[str]:
    """The #17 targets, PASS/FAIL, judged at 1M or (saying so) at the largest size run."""
    verdicts = []
    with_next = [r for r in rows if "next_8" in r]
    if len(with_next) >= 2:
        base, top = with_next[0], with_next[-1]
        where = "" if top["documents"] >= 1_000_000 else f" (1M not run: judged at {label(top['documents'])})"
        for clients in (8, 32):
            b, t = base[f"next_{clients}"], top[f"next_{clients}"]
            kept = t["round_trips_per_s"] / b["round_trips_per_s"] if b["round_trips_per_s"] else 0.0
            p95 = t["request_p95_ms"] / b["request_p95_ms"] if b["request_p95_ms"] else float("inf")
            ok = kept >= 0.9 and p95 <= 1.5
            verdicts.append(
                f"{'PASS' if ok else 'FAIL'} next/ at {label(top['documents'])}, {clients} clients{where}: "
                f"{kept:.0%} of the {label(base['documents'])} throughput (target >= 90%), "
                f"request p95 {p95:.2f}x (target <= 1.5x)"
            )
    if sqlite and rows:
        top = max(reversed(rows), key=lambda r: r["import"]["documents"])  # the largest step, the latest on a tie
        peaks = [r["import"]["peak_rss_mb"] for r in rows]
        # Bounded: the largest step's peak is within 1.5x of the smallest step's, however many
        # times more documents it read.
        bounded = peaks[-1] <= 1.5 * peaks[0] if len(peaks) > 1 else True
        rate = top["import"]["docs_per_s"]
        ok = rate >= 15_000 and bounded
        verdicts.append(
            f"{'PASS' if ok else 'FAIL'} import on SQLite: {rate:,} docs/s at the "
            f"{top['import']['documents']:,}-document step (target >= 15,000), peak RSS {peaks[0]} -> {peaks[-1]} MB "
            "from the first to the last step "
            f"({'bounded' if bounded else 'grows with the file'}; bounded = within 1.5x)"
        )
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1k,10k,100k", help="comma list, ascending: 1k,10k,100k,1m")
    database = parser.add_mutually_exclusive_group()
    database.add_argument("--postgres", metavar="DATABASE_URL", help="run on this PostgreSQL database (it is flushed)")
    database.add_argument(
        "--start-postgres", metavar="PORT", type=int, help="start a private PostgreSQL on PORT (scripts/postgres.sh)"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 300 and 2k documents, short load runs")
    parser.add_argument("--skip", default="", help="measures to leave out, e.g. next@1m,agreement@1m,export")
    parser.add_argument("--budget", type=float, default=1800, help="seconds each measure may take")
    parser.add_argument("--seconds", type=float, default=40, help="time limit of each load run")
    parser.add_argument("--trips", type=int, default=40, help="round trips per client, at most")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--out", type=Path, help="JSON results (default: bench_scale.json in the data folder)")
    args = parser.parse_args()
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    if args.quick:
        sizes, args.seconds, args.trips = [300, 2000], min(args.seconds, 10), min(args.trips, 10)
    if sizes != sorted(sizes):
        parser.error("--sizes must be ascending (the project grows from one size to the next)")
    plan = Plan(parse_skip(args.skip))

    pg_dir = None
    url = args.postgres
    if args.start_postgres:
        pg_dir = Path(tempfile.mkdtemp(prefix="bench-scale-pg-"))
        script = str(ROOT / "scripts" / "postgres.sh")
        subprocess.run([script, "start", str(args.start_postgres), str(pg_dir)], check=True)
        url = f"postgres://postgres@127.0.0.1:{args.start_postgres}/annotator"
    try:
        folder = fresh_django(url)
        env = server_env() | {"ANNOTATOR_VAR_DIR": str(folder), "DATABASE_URL": os.environ["DATABASE_URL"]}
        for slug in (SLUG, AGREEMENT_SLUG):
            subprocess.run(
                [PYTHON, "manage.py", "create_project", slug, "--labels", LABELS, *CREATE_OPTIONS[slug]],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        tokens = add_members(SLUG, 32)
        # A management command's fixed cost: start Python and Django and load the import path.
        load = ["shell", "-c", "import annotator.services.imports, annotator.formats.registry"]
        args.startup = min(manage(load, env, args.budget).seconds for _ in range(2))
        tokens["owner"] = add_members(SLUG, 1, prefix="owner", role="owner")["owner0"]
        name = "PostgreSQL" if url else "SQLite"
        print(f"# scale benchmark: {name}, sizes {','.join(label(s) for s in sizes)}; machine: {machine()}")
        print(
            f"# load average {os.getloadavg()[0]:.1f}; command start-up {args.startup:.2f} s; data in {folder}",
            flush=True,
        )
        rows: list[dict[str, Any]] = []
        have = seeded = 0
        for size in sizes:
            row, seeded = measure_size(size, have, seeded, env, folder, tokens, args, plan)
            rows.append(row)
            have = size
    finally:
        if pg_dir:
            subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "stop", str(pg_dir)], check=False)
    verdicts = targets(rows, sqlite=not url)
    result = {
        "database": name,
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "grown": "one database grown size by size, importing only the difference",
        "command_startup_seconds": round(args.startup, 2),
        "rows": rows,
        "targets": verdicts,
        "bench_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    out = args.out or folder / "bench_scale.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print()
    print(markdown(rows, name))
    print()
    print("\n".join(verdicts))
    print(f"\n# JSON: {out}")


if __name__ == "__main__":
    main()
