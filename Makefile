# Short verbs for fieldapp. `make run` and `make test` work on a fresh Debian/Ubuntu machine:
# scripts/setup.sh installs whatever is missing first (it is idempotent).

VENV        := .venv
BIN         := $(VENV)/bin
SETUP       := bash scripts/setup.sh
HOST        ?= 127.0.0.1
PORT        ?= 5000
PYTEST_ARGS ?=

.PHONY: help setup run test lint bench clean distclean

help:
	@echo "make run    - set up, migrate, load the demo data, serve http://$(HOST):$(PORT)"
	@echo "make test   - set up (with gdal-bin, xmllint, chromium) and run the test suite"
	@echo "              (extra pytest options: make test PYTEST_ARGS='-k api -x')"
	@echo "make lint   - set up, then ruff check, ruff format --check and mypy (zero findings)"
	@echo "make bench  - set up and run the benchmarks"
	@echo "make setup  - only the set-up (system packages, database, .venv)"
	@echo "make clean  - remove caches and build leftovers (distclean: also .venv)"

setup:
	$(SETUP)

# Development mode (a random secret, cookies over plain HTTP) is asked for here and nowhere else:
# without FIELDAPP_ENV=development the app refuses to start without FIELDAPP_SECRET_KEY.
run: export FIELDAPP_ENV = development
run:
	$(SETUP) run
	$(BIN)/fieldapp db upgrade
	$(BIN)/fieldapp demo
	$(BIN)/fieldapp run --host $(HOST) --port $(PORT)

test:
	$(SETUP) test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint:
	$(SETUP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench:
	$(SETUP)
	$(BIN)/python -m bench

clean:
	rm -rf .pytest_cache .ruff_cache .mypy_cache build dist *.egg-info bench/out
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
