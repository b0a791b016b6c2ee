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

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

var:
	mkdir -p var

# Web server and task worker together; Ctrl-C stops both. schedule_periodic starts
# the one periodic tick (minute jobs, reminders, the hourly duties run).
run: $(BIN)/.installed var
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py schedule_periodic
	@echo "Instep is starting at http://127.0.0.1:8000 (Ctrl-C stops it)"
	@trap 'kill 0' INT TERM EXIT; \
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py db_worker & \
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:8000 & \
	wait

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint test-sqlite test-postgres

test-sqlite: $(BIN)/.installed
	env -u DATABASE_URL $(PYTEST)

# Starts the local PostgreSQL cluster (and its role) when it is down.
postgres:
	@if [ "$$(id -u)" = 0 ]; then sh scripts/postgres.sh; \
	else echo "Not root: assuming PostgreSQL runs at $(PG_URL)"; fi

test-postgres: $(BIN)/.installed postgres
	DATABASE_URL=$(PG_URL) $(PYTEST)

# The load benchmark on PostgreSQL and SQLite; not part of `make test`. Writes
# var/bench/report.md and the table in docs/performance.md. Smaller runs:
# BENCH_DYNAMICS=50 BENCH_DAYS=60 BENCH_DURATION=5 make bench (docs/performance.md).
# It drives the pages with wrk (a package of its own: README.md, Prerequisites).
bench: $(BIN)/.installed postgres var
	@command -v wrk >/dev/null || { echo "make bench needs wrk, the HTTP load generator: apt-get install wrk (Debian/Ubuntu) or brew install wrk (macOS)" >&2; exit 1; }
	PG_URL=$(PG_URL) $(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var/static
