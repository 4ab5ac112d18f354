# The two commands of the README: `make run` and `make test`. Each sets up everything it needs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
PORT ?= 8000
export PORT

.PHONY: run test lint install migrate mutation bench bench-lists

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py demo_data
	bin/run-dev

# Both cores: each pytest-xdist worker has its own test database (SQLite file or PostgreSQL test_*_gwN).
TEST_WORKERS ?= 2
test: install
	$(PY) -m pytest -n $(TEST_WORKERS)

lint: install
	$(VENV)/bin/ruff check .

# Mutation testing of money, 身份证号, masking, the codec's authentication and the inbox (pyproject
# [tool.mutmut]); slow, so never part of `make test`. Results: `.venv/bin/mutmut results`, one: `mutmut show NAME`.
# One child at a time: the children share the settings' test database name, and two at once break each other.
mutation: install
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children 1
	$(VENV)/bin/mutmut results --all true > mutants/results.txt
	@echo "killed: $$(grep -c ': killed' mutants/results.txt) of $$(wc -l < mutants/results.txt) mutants"
	@grep -v ': killed' mutants/results.txt || true

# Signed org_001 throughput against a one-SELECT-one-INSERT reference view, on gunicorn + PostgreSQL with the
# connection pool (BENCH_POOL=0: without). Needs DATABASE_URL=postgres://…; prints the figures, asserts none.
bench: install
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make bench needs DATABASE_URL=postgres://..."; exit 2;; esac
	$(PY) tests/bench/run.py

# The staff lists over 1,000,000 generated rows each (BENCH_ROWS): queries and p50 / p95 per page. Needs
# DATABASE_URL=postgres://… of a database of its own (the rows stay there for the next run); asserts none.
bench-lists: install
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make bench-lists needs DATABASE_URL=postgres://..."; exit 2;; esac
	$(PY) tests/bench/lists.py
