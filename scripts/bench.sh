#!/usr/bin/env bash
# `make bench`: every benchmark, one after another; figures go to docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python bench/bench_import.py
.venv/bin/python bench/bench_export.py
.venv/bin/python bench/bench_browser.py
.venv/bin/python bench/bench_agreement.py --db
.venv/bin/python bench/bench_api.py
.venv/bin/python bench/bench_tagger.py
