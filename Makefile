# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test test-fast lint bench fuzz frontend deps dev-deps pins smoke backup restore clean

# requirements.txt pins every package the running app imports, transitive ones included;
# requirements-dev.txt the tools on top. Both are compiled by pip-tools (`make pins`).
$(VENV)/.deps: requirements.txt
	@test -x $(PY) || { echo "· virtualenv: $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "· Python packages: requirements.txt"
	@$(PY) -m pip install -qq --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt $(VENV)/.deps
	@echo "· Python packages: requirements-dev.txt"
	@$(PY) -m pip install -qq --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	@touch $@

# Recompile the pins after editing requirements.in or requirements-dev.in.
pins: $(VENV)/.dev-deps
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe \
	  --output-file requirements.txt requirements.in
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe \
	  --output-file requirements-dev.txt requirements-dev.in

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

frontend:
	@if [ -f frontend/package.json ]; then scripts/frontend.sh; fi

run: $(VENV)/.deps frontend
	@scripts/system-deps.sh run
	@scripts/run.sh

test: $(VENV)/.dev-deps frontend
	scripts/system-deps.sh test
	scripts/test.sh

# Unit and API tests on SQLite only, no servers: the quick loop while developing.
test-fast: $(VENV)/.dev-deps
	$(PY) -m pytest -m "not worker and not e2e and not postgres" -q

# ruff, the import contracts of pyproject.toml ([tool.importlinter]) and mypy: the same script
# `make test` starts with.
lint: $(VENV)/.dev-deps
	scripts/lint.sh

bench: $(VENV)/.dev-deps frontend
	scripts/system-deps.sh test
	scripts/bench.sh

# Backups of the database (SQLite online backup, or pg_dump) and media files.
backup: $(VENV)/.deps
	$(PY) manage.py backup $(FILE)

restore: $(VENV)/.deps
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/annotator-....tar.gz"; exit 2; }
	$(PY) manage.py restore $(FILE)

# schemathesis with every check over the whole schema (EXAMPLES=200 per operation by default).
fuzz: $(VENV)/.dev-deps
	scripts/system-deps.sh test
	scripts/fuzz.sh

# What CI runs after `make test`: `make run` from a clean clone with requirements.txt only.
smoke:
	scripts/smoke-run.sh

clean:
	rm -rf var .pytest_cache .ruff_cache
