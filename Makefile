# The two commands of the README: `make run` and `make test`. Each sets up what it needs first
# (a virtual environment with the project installed; the local Neo4j is downloaded on first use).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint format bench schema clean-neo4j

$(STAMP): pyproject.toml
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --editable '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## serve GraphQL on http://127.0.0.1:8000/graphql over a local (or NEO4J_URI) Neo4j
	$(VENV)/bin/strikegraph serve

test: $(STAMP)  ## the whole test suite against a throwaway Neo4j
	tests/tools/install.sh  # the HTTP audit (npm ci), chromium + chromium-driver and prometheus (apt), where missing
	$(VENV)/bin/pytest

lint: $(STAMP)  ## ruff (lint and format), mypy strict, and the house's import rules (import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

schema: $(STAMP)  ## regenerate schema/schema.graphql from the code
	$(VENV)/bin/strikegraph export-schema

bench: $(STAMP)  ## the benchmark table (README, Benchmarks); options via BENCH_ARGS="--sizes 100000 ..."
	$(VENV)/bin/python -m bench $(BENCH_ARGS)

clean-neo4j:  ## stop and forget the local Neo4j (jars, data and password)
	-$(VENV)/bin/strikegraph neo4j stop
	rm -rf .neo4j
