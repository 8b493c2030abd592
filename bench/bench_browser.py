"""The annotate page on a long document: a 50,000-character article (FA-KES texts laid end
to end) with 500 spans of three labels (some overlapping), opened in headless Chromium
against the real server (gunicorn, a fresh SQLite database in a temporary folder).

Figures, read from the page's own performance.now() marks (frontend/src/perf.ts):
- open: from the document's data in hand to the text and its spans painted (the target,
  < 300 ms); also from navigation start to painted, which adds loading the scripts and the
  API calls;
- label: from the keystroke's event time to the new span painted (target < 50 ms), over
  a series of keystrokes spread through the document.

Each count is linked to the perpetrator and the place that follow it (#21: BY and AT), so the
page also draws its relations panel; `--no-relations` measures without them. `--suggested N`
adds a current model with N span suggestions between the spans and a suggested relation from
each suggested count to the next suggested perpetrator and place (the panel's suggested
relations, #21), and then measures "Accept all" (Shift+Enter): from the key to every span
suggestion and suggested relation it took painted, with the links then listed and what is
left open.

    .venv/bin/python bench/bench_browser.py [--chars 50000] [--spans 500] [--labels 30] [--runs 3] [--suggested 300]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.processes import CHROMIUM, CHROMIUM_ARGS, gunicorn_command  # noqa: E402
from bench.common import CORPUS, fresh_django, machine  # noqa: E402


def long_text(chars: int) -> str:
    parts: list[str] = []
    size = 0
    with CORPUS.open(encoding="utf-8") as corpus:
        for line in corpus:
            text = json.loads(line)["text"].strip()
            parts.append(text)
            size += len(text) + 2
            if size >= chars:
                break
    return "\n\n".join(parts)[:chars]


def spread_spans(text: str, count: int) -> list[dict]:
    """`count` valid spans spread evenly: one or two tokens each, every fifth one also
    covered by a longer span of another label (overlaps of different labels)."""
    from annotator.spans import span_problems
    from annotator.tokenize import tokenize

    tokens = [t for t in tokenize(text) if t.text.isalnum()]
    labels = ["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"]
    step = max(1, len(tokens) // count)
    spans: list[dict] = []
    for i in range(count):
        first = tokens[min(i * step, len(tokens) - 1)]
        last = tokens[min(i * step + i % 2, len(tokens) - 1)]
        label = labels[i % 3]
        if i % 5 == 4 and spans:
            previous = spans[-1]
            label = next(x for x in labels if x != previous["label"])
            spans.append({"start": previous["start"], "end": last.end, "label": label, "attrs": {}})
        else:
            spans.append({"start": first.start, "end": last.end, "label": label, "attrs": {}})
    valid: list[dict] = []
    for span in spans:
        if not span_problems(text, [*valid, span], labels):
            valid.append(span)
    return valid


def link_counts(made: list[Any]) -> list[tuple[Any, Any, str]]:
    """Each count to the next PERPETRATOR (BY) and the next LOCATION (AT) after it."""
    links = []
    for i, span in enumerate(made):
        if span.label != "CASUALTY_COUNT":
            continue
        for label, kind in (("PERPETRATOR", "BY"), ("LOCATION", "AT")):
            target = next((t for t in made[i + 1 :] if t.label == label), None)
            if target is not None:
                links.append((span, target, kind))
    return links


def suggest(document: Any, count: int) -> tuple[int, int]:
    """A current model v1 with `count` span suggestions on single words halfway between the
    annotator's spans, and a suggested relation from each suggested count to the next suggested
    perpetrator (BY) and place (AT): (span suggestions, relation suggestions) stored."""
    from annotator.models import Document, ModelVersion, RelationSuggestion, Suggestion
    from annotator.tokenize import tokenize

    version = ModelVersion.objects.create(
        project=document.project, version=1, status=ModelVersion.Status.CURRENT, training_documents=10
    )
    tokens = [t for t in tokenize(document.text) if t.text.isalnum()]
    taken = {(s.start, s.end) for s in document.annotations.get().spans.all()}
    step = max(1, len(tokens) // count)
    labels = ["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"]
    picked = [t for t in tokens[step // 2 :: step] if (t.start, t.end) not in taken][:count]
    rows = Suggestion.objects.bulk_create(
        Suggestion(document=document, model_version=version, start=t.start, end=t.end, label=labels[i % 3], score=0.7)
        for i, t in enumerate(picked)
    )
    links = [
        RelationSuggestion(document=document, model_version=version, source=a, target=b, type=kind, score=0.8)
        for a, b, kind in link_counts(rows)
    ]
    RelationSuggestion.objects.bulk_create(links)
    Document.objects.filter(pk=document.pk).update(suggested_by=version)
    return len(rows), len(links)


def setup(chars: int, spans: int, relations: bool = True) -> tuple[int, int, int]:
    from django.contrib.auth.models import User

    from annotator.models import Annotation, Document, Relation, Role, Span
    from annotator.services.projects import add_member, create_project

    owner = User.objects.create_user("olivia", password="bench-password-1")
    alice = User.objects.create_user("alice", password="bench-password-1")
    project = create_project(slug="bench", labels=["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"], owner=owner)
    add_member(project=project, user=alice, role=Role.ANNOTATOR)
    text = long_text(chars)
    import hashlib

    document = Document.objects.create(
        project=project, external_id="long", text=text, content_hash=hashlib.sha256(text.encode()).hexdigest()
    )
    annotation = Annotation.objects.create(document=document, annotator=alice, status="draft", version=1)
    made = spread_spans(text, spans)
    rows = Span.objects.bulk_create([Span(annotation=annotation, **s) for s in made])
    links = link_counts(rows) if relations else []
    Relation.objects.bulk_create(Relation(annotation=annotation, source=a, target=b, type=kind) for a, b, kind in links)
    return document.pk, len(made), len(links)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=50_000)
    parser.add_argument("--spans", type=int, default=500)
    parser.add_argument("--labels", type=int, default=30, help="keystrokes that apply a label")
    parser.add_argument("--runs", type=int, default=3, help="times the page is opened")
    parser.add_argument("--no-relations", action="store_true", help="no links between the spans")
    parser.add_argument("--suggested", type=int, default=0, help="span suggestions of a model (with relations)")
    args = parser.parse_args()
    if not (ROOT / "frontend/dist/index.html").exists():
        sys.exit("build the web UI first: scripts/frontend.sh")

    folder = fresh_django()
    document_id, span_count, relation_count = setup(args.chars, args.spans, relations=not args.no_relations)
    if args.suggested:
        from annotator.models import Document

        suggested = suggest(Document.objects.get(pk=document_id), args.suggested)
    port = free_port()
    env = dict(os.environ, DEBUG="1", REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:1/0"))
    server = subprocess.Popen(
        gunicorn_command(bind=f"127.0.0.1:{port}"),
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/login", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(base + "/login")
            page.fill("input[name=username]", "alice")
            page.fill("input[name=password]", "bench-password-1")
            page.click("button[type=submit]")
            page.wait_for_url("**/projects")
            opens: list[float] = []
            opened_at: list[float] = []
            for _ in range(args.runs):
                page.goto(f"{base}/projects/bench/annotate/{document_id}")
                page.wait_for_function("() => (window.__annotatorPerf?.open?.length ?? 0) > 0")
                perf = page.evaluate("() => window.__annotatorPerf")
                opens.append(perf["open"][-1])
                opened_at.append(perf["openedAt"][-1])
            segments = page.locator(".seg").count()
            for i in range(args.labels):
                for _ in range(7):
                    page.keyboard.press("ArrowDown")
                page.keyboard.press("lcp"[i % 3])
                page.wait_for_function(f"() => window.__annotatorPerf.label.length >= {i + 1}")
            labels = page.evaluate("() => window.__annotatorPerf.label")
            accept_all = None
            if args.suggested:
                # "Accept all" (Shift+Enter): every open span suggestion and suggested relation.
                page.keyboard.press("Shift+Enter")
                page.wait_for_function("() => (window.__annotatorPerf.acceptAll?.length ?? 0) > 0")
                accept_all = page.evaluate("() => window.__annotatorPerf.acceptAll[0]")
                heading = page.locator("[data-test=relations] h3").inner_text()
                left = page.locator("[data-test=suggestion-count]")
                heading += "; left open: " + (left.inner_text() if left.count() else "none")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(f"machine: {machine()}; data in {folder}")
    print(
        f"document: {args.chars:,} characters, {span_count} spans, {relation_count} relations, "
        f"{segments:,} text segments in the DOM"
    )
    if args.suggested:
        print(f"model suggestions: {suggested[0]} spans, {suggested[1]} relations")
    print(f"open (data to painted), median of {args.runs}: {statistics.median(opens):.0f} ms  (target < 300 ms)")
    print(f"open (navigation start to painted), median: {statistics.median(opened_at):.0f} ms")
    labels_sorted = sorted(labels)
    p95 = labels_sorted[max(0, int(len(labels_sorted) * 0.95) - 1)]
    print(
        f"label keystroke to painted, {len(labels)} keystrokes: median {statistics.median(labels):.1f} ms, "
        f"p95 {p95:.1f} ms, max {max(labels):.1f} ms  (target < 50 ms)"
    )
    if accept_all is not None:
        print(f"accept all (Shift+Enter) to painted: {accept_all:.0f} ms; then: {heading}")


if __name__ == "__main__":
    main()
