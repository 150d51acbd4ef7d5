# Waymark: `make run` serves the site with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test fuzz install lint format worker beat bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Waymark needs Python 3.11 or newer; set PYTHON=python3.11") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

# The official Open Badges 2.0 validator, in a virtual environment of its own: it needs
# PyLD 0.7, which Waymark's own PyLD (for Open Badges 3.0) would replace. Its pins no longer
# import on Python 3.10+, so it goes in without them, beside versions that work
# (requirements-ob-validator.txt). The tests run it as a separate process.
OB2_VENV := .venv-ob2
$(OB2_VENV)/.installed: requirements-ob-validator.txt
	$(PYTHON) -m venv $(OB2_VENV)
	$(OB2_VENV)/bin/pip install --quiet -r requirements-ob-validator.txt
	$(OB2_VENV)/bin/pip install --quiet --no-deps openbadges==1.1.2
	@touch $@

# Test dependencies: Python packages, the Open Badges 2.0 validator, and axe-core
# (accessibility checks) from npm when npm is present. The browser tests also need Debian's
# chromium; .ci/run installs it.
$(VENV)/.installed-test: pyproject.toml package.json package-lock.json $(OB2_VENV)/.installed | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: browser accessibility tests will be skipped"; fi
	@touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Waymark is at http://127.0.0.1:8000 (Ctrl-C stops it)"
	TASKS_IN_THREADS=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed-test
	$(BIN)/pytest $(PYTEST_ARGS)

# The schema fuzzing run: Schemathesis sends every API operation generated requests as a
# trainee, a supervisor and an organisation admin, and every answer must be one the OpenAPI
# schema documents. Left out of `make test` (it takes a few minutes); .ci/run runs both.
fuzz: $(VENV)/.installed-test
	$(BIN)/pytest -m fuzz tests/api/test_schema_fuzz.py $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# With REDIS_URL set: a worker and the beat scheduler, each in its own terminal.
worker: $(VENV)/.installed
	$(BIN)/celery -A config worker --loglevel=info

beat: $(VENV)/.installed
	$(BIN)/celery -A config beat --loglevel=info

# The speed targets at scale, each as a ratio to a floor measured in the same run, PASS or
# MISS; fails when any is missed (see bench/run.py and README). Not part of `make test`: it
# seeds a million entries into a scratch PostgreSQL database (created if missing) and a
# 200,000-entry one beside it, runs Celery workers against REDIS_URL, and takes minutes.
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/waymark_bench
bench: export REDIS_URL ?= redis://127.0.0.1:6379/5
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(OB2_VENV) node_modules staticfiles .pytest_cache .ruff_cache
