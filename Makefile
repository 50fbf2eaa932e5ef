# GridGov: `make run` serves the demo district as its users see it; `make dev` the same with
# Django's debug pages; `make test` runs the test suite.
# All work on a fresh machine with Python 3.11: they create .venv and install what they need.

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
SCALE ?= small
HOST ?= 127.0.0.1
PORT ?= 8000
# Development defaults for the targets that start Django; production sets SECRET_KEY and leaves
# DJANGO_DEBUG off (docs/deploy.md). Tests need neither: pytest sets DJANGO_DEBUG (pyproject.toml).
run migrate seed messages bench: export DJANGO_DEBUG ?= 1
# Test processes in parallel (pytest-xdist; `load` keeps each worker's tests in collection order,
# which the seeded tests rely on: tests/conftest.py); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2

.PHONY: run dev static test venv install migrate seed lint format messages bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_district --scale $(SCALE) --if-empty

# The web server, a Celery worker with embedded beat, the demo district if the database
# is empty, and the demo logins. Ctrl-C stops all of it.
define serve
	@mkdir -p var
	@echo "Starting the Celery worker and beat (log: var/celery.log) …"
	@$(BIN)/celery -A gridgov worker --beat --loglevel INFO --concurrency 2 \
		--schedule var/celerybeat-schedule > var/celery.log 2>&1 & \
	echo $$! > var/celery.pid; \
	trap 'kill $$(cat var/celery.pid) 2>/dev/null; rm -f var/celery.pid' EXIT INT TERM; \
	echo ""; echo "GridGov is at http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs/)"; echo ""; \
	$(BIN)/python manage.py runserver $(1) $(HOST):$(PORT)
endef

# `make run`: DEBUG off, as in production: the site's own error pages, collected and hashed
# static files. GRIDGOV_DEMO makes that safe on this machine only: a secret key generated once
# into var/secret_key, the development personal-data keys (the demo district stays readable,
# whether seeded by run or dev), localhost only, cookies over plain http (docs/configuration.md).
run: export DJANGO_DEBUG = 0
run: export GRIDGOV_DEMO = 1
run: seed static
	$(call serve,--noreload)

# `make dev`: the same with DEBUG on: Django's debug pages, static files from the source
# folders, code reloaded on save.
dev: export DJANGO_DEBUG = 1
dev: seed
	$(call serve,)

static: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

# Migrations are checked by tests/test_migrations.py. GRIDGOV_TEST_TODAY=YYYY-MM-DD runs on another day.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -p tests.xdist_worker_env -n $(TEST_WORKERS) --dist load --durations 15 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext; the compiled catalogues are committed, so running needs none.
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Every benchmark script on the benchmark database (BENCH_DATABASE_URL, see bench/common.py).
bench: install
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var db.sqlite3
