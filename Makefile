# Instep: `make run` starts it, `make test` proves it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://instep:instep@127.0.0.1:5432/instep
# Both cores by default; `make test WORKERS=0` runs in one process.
WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(WORKERS) --dist loadfile

.PHONY: run test test-sqlite test-postgres lint format postgres clean bench

# Three installs, each with its own stamp: `make run` needs only the runtime lock;
# `make test` and `make lint` add the dev lock, `make bench` the bench lock.
# scripts/lock.sh recomputes the locks from pyproject.toml.
$(BIN)/.runtime: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

$(BIN)/.dev: $(BIN)/.runtime requirements-dev.lock
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

$(BIN)/.bench: $(BIN)/.runtime requirements-bench.lock
	$(BIN)/pip install --quiet -r requirements-bench.lock
	touch $@

var:
	mkdir -p var

# Web server and task worker together; Ctrl-C stops both. schedule_periodic starts
# the one periodic tick (minute jobs, reminders, the hourly duties run).
# `make run PORT=8001`: the server listens there, and the links in e-mails and
# notifications (INSTEP_BASE_URL) point there, unless INSTEP_BASE_URL is given.
PORT ?= 8000
RUN_BASE_URL = $(or $(INSTEP_BASE_URL),http://127.0.0.1:$(PORT))

run: $(BIN)/.runtime var
	DEBUG=$${DEBUG:-1} INSTEP_BASE_URL=$(RUN_BASE_URL) $(BIN)/python manage.py migrate --noinput
	INSTEP_BASE_URL=$(RUN_BASE_URL) $(BIN)/python manage.py createcachetable
	INSTEP_BASE_URL=$(RUN_BASE_URL) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	INSTEP_BASE_URL=$(RUN_BASE_URL) $(BIN)/python manage.py schedule_periodic
	@echo "Instep is starting at $(RUN_BASE_URL) (Ctrl-C stops it)"
	@trap 'kill 0' INT TERM EXIT; \
	export INSTEP_BASE_URL=$(RUN_BASE_URL) DEBUG=$${DEBUG:-1}; \
	$(BIN)/python manage.py db_worker & \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT) & \
	wait

# lint-imports checks the architecture's contracts (pyproject.toml,
# docs/architecture.md); tests/test_architecture.py proves they can fail.
lint: $(BIN)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(BIN)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint test-sqlite test-postgres

test-sqlite: $(BIN)/.dev
	env -u DATABASE_URL $(PYTEST)

# Starts the local PostgreSQL cluster (and its role) when it is down.
postgres:
	@if [ "$$(id -u)" = 0 ]; then sh scripts/postgres.sh; \
	else echo "Not root: assuming PostgreSQL runs at $(PG_URL)"; fi

test-postgres: $(BIN)/.dev postgres
	DATABASE_URL=$(PG_URL) $(PYTEST)

# The load benchmark on PostgreSQL and SQLite; not part of `make test`. Writes
# var/bench/report.md and the table in docs/performance.md. Smaller runs:
# BENCH_DYNAMICS=50 BENCH_DAYS=60 BENCH_DURATION=5 make bench (docs/performance.md).
# It drives the pages with wrk (a package of its own: README.md, Prerequisites).
bench: $(BIN)/.bench postgres var
	@command -v wrk >/dev/null || { echo "make bench needs wrk, the HTTP load generator: apt-get install wrk (Debian/Ubuntu) or brew install wrk (macOS)" >&2; exit 1; }
	PG_URL=$(PG_URL) $(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var/static
