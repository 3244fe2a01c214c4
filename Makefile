# Short verbs for fieldapp. `make run` and `make test` work on a fresh Debian/Ubuntu machine:
# scripts/setup.sh installs whatever is missing first (it is idempotent).

VENV        := .venv
BIN         := $(VENV)/bin
SETUP       := bash scripts/setup.sh
HOST        ?= 127.0.0.1
PORT        ?= 5000
SERVE_PORT  ?= 8080
APP_PORT    ?= 8000
PYTEST_ARGS ?=
SECRET_FILE := var/secret_key

.PHONY: help setup run serve test lint bench clean distclean i18n

help:
	@echo "make run    - set up, migrate, load the demo data, serve http://$(HOST):$(PORT)"
	@echo "make serve  - set up (with nginx), migrate, run the production stack on http://$(HOST):$(SERVE_PORT)"
	@echo "              (nginx -> gunicorn, and a job worker; see README 'Running in production')"
	@echo "make test   - set up (with gdal-bin, xmllint, chromium) and run the test suite"
	@echo "              (extra pytest options: make test PYTEST_ARGS='-k api -x')"
	@echo "make lint   - set up, then ruff check, ruff format --check and mypy (zero findings)"
	@echo "make bench  - set up and run the benchmarks"
	@echo "make i18n   - extract the messages, update the fr and pt catalogues, compile them"
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
	@# A job worker beside the development server, so large imports run too; stopped with it.
	$(BIN)/fieldapp worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/fieldapp run --host $(HOST) --port $(PORT)

# The production stack on this machine (fieldapp/serve.py): production mode, so a secret is needed;
# without FIELDAPP_SECRET_KEY one is made once and kept in var/secret_key (readable by you only).
serve: export FIELDAPP_SECRET_KEY ?= $(shell mkdir -p var && (test -s $(SECRET_FILE) || (umask 077 && \
	head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > $(SECRET_FILE))) && cat $(SECRET_FILE))
serve:
	$(SETUP) serve
	$(BIN)/fieldapp db upgrade
	$(BIN)/fieldapp serve --host $(HOST) --port $(SERVE_PORT) --app-port $(APP_PORT)

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

# The interface's catalogues (fieldapp/translations): extract every wrapped message, merge the new ones
# into each language's messages.po and js.po (translate them there), then compile the .mo files.
I18N     := fieldapp/translations
PYBABEL  := $(BIN)/pybabel
i18n:
	$(PYBABEL) -q extract -F babel.cfg -k _l -k N_ --no-location --sort-output --omit-header -o $(I18N)/messages.pot .
	$(PYBABEL) -q extract -F babel-js.cfg -k t --no-location --sort-output --omit-header -o $(I18N)/js.pot .
	$(PYBABEL) -q update -i $(I18N)/messages.pot -d $(I18N) -D messages --no-fuzzy-matching --ignore-pot-creation-date
	$(PYBABEL) -q update -i $(I18N)/js.pot -d $(I18N) -D js --no-fuzzy-matching --ignore-pot-creation-date
	$(PYBABEL) -q compile -d $(I18N) -D messages
	$(PYBABEL) -q compile -d $(I18N) -D js

clean:
	rm -rf .pytest_cache .ruff_cache .mypy_cache build dist *.egg-info bench/out
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
