"""Suggestions benchmark (issue 17): documents per second one worker process predicts and
stores after a promotion, through the refresh jobs the worker runs (the first job, then
the batch jobs, here one after another in this process, as one worker child would).

A fresh SQLite database; the development gold to train on; N documents built from the
FA-KES corpus (about 2,000 characters each). Reports the time to load the model, and
documents per second of wall time and per CPU-second (the figure a free core gives, which a
busy machine does not change).

Usage: .venv/bin/python bench/bench_suggestions.py [--documents 2000] [--batch 500]
"""

from __future__ import annotations

import argparse
import os
import time

from common import fresh_django, machine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    os.environ["SUGGESTIONS_BATCH"] = str(args.batch)
    folder = fresh_django()

    from bench_import import build_file
    from django.contrib.auth.models import User

    from annotator.formats.registry import read_path
    from annotator.jobs.records import create_job, run_job
    from annotator.models import Job, ModelVersion
    from annotator.services import predictor
    from annotator.services.demo import DEV_GOLD
    from annotator.services.imports import import_documents
    from annotator.services.projects import create_project
    from annotator.services.trainer import train_now

    owner = User.objects.create_user("owner", password="x")
    project = create_project(
        slug="bench", labels=["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"], annotators_per_document=2, owner=owner
    )
    import_documents(project=project, records=read_path(DEV_GOLD, "jsonl"), as_gold=True)
    train_now(project=project)
    path = folder / "docs.jsonl"
    build_file(path, args.documents)
    import_documents(project=project, records=read_path(path, "jsonl"))
    version = ModelVersion.objects.get(project=project, status=ModelVersion.Status.CURRENT)

    started = time.perf_counter()
    predictor.tagger_for(version=version)
    loaded = time.perf_counter() - started

    first = create_job(kind=Job.Kind.SUGGESTIONS, project=project, params={"model_version": version.pk})
    started, cpu = time.perf_counter(), time.process_time()
    run_job(first.pk, lambda job: predictor.refresh_suggestions(job=job), raise_errors=True)
    documents = first_documents = Job.objects.get(pk=first.pk).result["documents"]
    first_seconds = time.perf_counter() - started
    for batch in Job.objects.filter(kind=Job.Kind.SUGGESTIONS, status=Job.Status.QUEUED).order_by("pk"):
        done = run_job(batch.pk, lambda job: predictor.refresh_suggestions(job=job), raise_errors=True)
        documents += done.result["documents"]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"# suggestions benchmark: {machine()}; load average {os.getloadavg()[0]:.1f}")
    print(f"model load: {loaded:.2f} s")
    print(f"first job (the queue's first {first_documents}): {first_seconds:.1f} s")
    print(f"{documents} documents in {seconds:.1f} s: {documents / seconds:.0f} documents/s per worker process")
    print(f"  {cpu:.1f} s of CPU: {documents / cpu:.0f} documents per CPU-second (what a free core gives)")


if __name__ == "__main__":
    main()
