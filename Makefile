# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test test-fast lint bench frontend deps dev-deps backup restore clean

$(VENV)/.deps: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt $(VENV)/.deps
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

frontend:
	@if [ -f frontend/package.json ]; then scripts/frontend.sh; fi

run: $(VENV)/.deps frontend
	scripts/system-deps.sh run
	scripts/run.sh

test: $(VENV)/.dev-deps frontend
	scripts/system-deps.sh test
	scripts/test.sh

# Unit and API tests on SQLite only, no servers: the quick loop while developing.
test-fast: $(VENV)/.dev-deps
	$(PY) -m pytest -m "not worker and not e2e and not postgres" -q

lint: $(VENV)/.dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.dev-deps frontend
	scripts/system-deps.sh test
	scripts/bench.sh

# Backups of the database (SQLite online backup, or pg_dump) and media files.
backup: $(VENV)/.deps
	$(PY) manage.py backup $(FILE)

restore: $(VENV)/.deps
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/annotator-....tar.gz"; exit 2; }
	$(PY) manage.py restore $(FILE)

clean:
	rm -rf var .pytest_cache .ruff_cache
