# The two commands: `make demo` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test fuzz bench lint install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.base: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.base

demo: $(VENV)/.base
	$(BIN)/quorum demo

test: $(VENV)/.test
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m quorum.devtools.cycles
	$(BIN)/mypy
	$(BIN)/pytest
	$(BIN)/python -m tests.fuzz.run

# schemathesis against a live server, as an admin and as an annotator, on SQLite and PostgreSQL
# (a few minutes; FUZZ_SECONDS per run, FUZZ_EXAMPLES per operation).
fuzz: $(VENV)/.test
	bash scripts/ensure-postgres.sh
	$(BIN)/python -m tests.fuzz.run

bench: $(VENV)/.test
	$(BIN)/python bench/run_all.py

lint: $(VENV)/.test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m quorum.devtools.cycles
	$(BIN)/mypy
