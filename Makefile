# Kuaiji — the two set-up commands: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PORT ?= 8000

.PHONY: demo test lint bench clean-demo production-shape production-shape-check production-shape-stop restore-drill \
	fault-drills load-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed-base: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet -e ".[ocr]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet -e ".[dev,ocr]"
	touch $@ $(VENV)/.installed-base

## Run the product on its embedded default (SQLite + files under ./var) with demo data.
demo: $(VENV)/.installed-base
	PORT=$(PORT) bin/demo

## Run the whole suite: ruff, mypy, pytest on SQLite, on PostgreSQL, and the browser journeys.
test: $(VENV)/.installed-dev node_modules/.installed
	bin/run-tests

# axe-core for the browser journeys' accessibility audit (package.json / package-lock.json).
node_modules/.installed: package.json package-lock.json
	npm install --no-audit --no-fund
	touch $@

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

## Benchmarks print numbers (ratios in one run); not part of the test suite. The database ones run on SQLite and,
## when it answers, on PostgreSQL, each in a database of its own (kuaiji_bench_*; never the test suite's).
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
bench: $(VENV)/.installed-dev
	env -u DATABASE_URL $(VENV)/bin/python -m bench
	DATABASE_URL=$(BENCH_PG_URL) $(VENV)/bin/python -m bench collection hot review import || echo "PostgreSQL not reachable: skipped its run"

$(VENV)/.installed-deploy: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet -e ".[deploy,ocr]"
	touch $@ $(VENV)/.installed-base

## The production shape on loopback (deploy/, docs/deploy.md): nginx, two gunicorn app servers, the task
## worker, PostgreSQL (database kuaiji_production_shape), Redis (db 11) and moto_server as S3.
production-shape: $(VENV)/.installed-deploy
	deploy/production-shape start

## Its end-to-end check: session, file and task across the two app servers. Not part of `make test`.
production-shape-check: $(VENV)/.installed-deploy
	deploy/production-shape check

production-shape-stop:
	deploy/production-shape stop

## The restore drill on the running shape: backup, restore into a new database, row counts and files checked.
restore-drill:
	deploy/restore-drill

# Every simulated person of the drills and the load test comes through nginx from 127.0.0.1.
LOAD_SHAPE_ENV := KUAIJI_SHAPE_SMS_PER_ADDRESS_HOURLY=1000000 KUAIJI_SHAPE_SMS_HARDER_CAPTCHA_AFTER=1000000

## The fault drills (docs/deploy.md): a fresh production shape, then kill an app server under load, kill the
## worker mid-task, restart PostgreSQL under load (a few seconds down for every database on that server), break
## the storage; each ends with manage.py check_consistency. Not part of `make test`.
fault-drills: $(VENV)/.installed-deploy
	$(LOAD_SHAPE_ENV) deploy/production-shape start
	deploy/fault-drill all

$(VENV)/.installed-load: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet -e ".[deploy,load]"
	touch $@ $(VENV)/.installed-deploy $(VENV)/.installed-base

## The locust load test (docs/performance.md): a fresh production shape, the real mix at 10, 20 and 40 users.
load-test: $(VENV)/.installed-load
	$(LOAD_SHAPE_ENV) deploy/production-shape start
	deploy/load-test

clean-demo:
	rm -rf var/
