# The few commands people type. Both main targets build .venv from pyproject.toml on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-dates lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q bot tools storage prompts
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m compileall -q bot tools storage prompts
	touch $@ $(VENV)/.runtime-installed

## run: set up, migrate, load the demo program if the database is empty, start the main job
run: $(VENV)/.runtime-installed
	$(BIN)/partnerops run

## test: lint, type-check and run the whole test suite (SQLite and PostgreSQL)
test: lint
	$(BIN)/pytest

## test-dates: the suite with the wall clock moved to a few awkward dates (no test may read it)
test-dates: $(VENV)/.dev-installed
	for day in 2027-01-31 2028-02-29 2030-12-31; do \
		PARTNEROPS_TEST_TRAVEL=$$day $(BIN)/pytest -q -p no:cacheprovider || exit 1; \
	done

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: regenerate the figures in bench/RESULTS.md
bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench.import_bench
	$(BIN)/python -m bench.tools_bench
	$(BIN)/python -m bench.ask_bench
	$(BIN)/python -m bench.slack_bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
