# Two commands set everything up on a fresh machine (see README.md):
#   make run   - virtualenv, install, migrate, demo data, web + worker + scheduler (SQLite, no broker server)
#   make test  - the whole suite against PostgreSQL and Redis
# Both first run scripts/ensure-system, which installs the Debian packages they need (and,
# for the tests, starts PostgreSQL and Redis) or says exactly what to do.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: install run test lint format bench clean

# The lock file pins every package; uv installs it in ~2 s where pip takes ~20 s.
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	@touch $@

install: $(STAMP)

# One Django process migrates, seeds and syncs the schedules (each only if needed), then
# runs web, worker and scheduler until Ctrl-C (apps/demo/management/commands/run_demo.py).
run: $(STAMP)
	@scripts/ensure-system run
	@DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py run_demo --host $(HOST) --port $(PORT)

test: $(STAMP)
	@scripts/ensure-system test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
