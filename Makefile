# FieldOffice developer commands. On a fresh Debian machine with Python 3.11:
#
#   make run     install, migrate, load the demo company, start the web server and the background worker
#   make test    install, lint, run the test suite (PYTEST_ARGS="-k invoice -x" to narrow it down; the suite runs in
#                PYTEST_WORKERS processes, 2 by default: PYTEST_WORKERS=0 runs it in this one;
#                FIELDOFFICE_DB_TESTS_ONLY=1 keeps only the tests that reach the database or the cache, as CI's
#                PostgreSQL and Redis run does)
#
# Everything lives in .venv; `make clean` removes what the commands created (not .env or the database).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install run test lint chromium clean

help:
	@echo "make run     start FieldOffice with demo data on http://$(HOST):$(PORT)/admin/"
	@echo "make test    lint and run the tests (PYTEST_ARGS='...' passes arguments to pytest)"
	@echo "make lint    ruff check"
	@echo "make clean   remove the virtualenv and caches (keeps .env and db.sqlite3)"

install: $(STAMP) .env

# The interpreter: python3.11, else python3 when it is 3.11 (pyenv may provide either).
$(PY):
	@python=""; \
	for candidate in python3.11 python3; do \
		if command -v "$$candidate" >/dev/null 2>&1 \
			&& "$$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1; then \
			python="$$candidate"; break; \
		fi; \
	done; \
	if [ -z "$$python" ]; then \
		echo "FieldOffice needs Python 3.11: neither python3.11 nor python3 is 3.11." >&2; exit 1; \
	fi; \
	rm -rf $(VENV); \
	echo "Creating $(VENV) with $$(command -v $$python)"; \
	if ! "$$python" -m venv $(VENV) 2>/dev/null; then \
		rm -rf $(VENV); \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$$(command -v $$python)" = "/usr/bin/$$python" ]; then \
			echo "Installing Debian's python3-venv"; \
			DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q python3-venv </dev/null; \
			"$$python" -m venv $(VENV); \
		else \
			echo "$$python cannot create a virtualenv; on Debian: apt-get install python3-venv" >&2; exit 1; \
		fi; \
	fi

# Reinstall only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml | $(PY)
	@$(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "$(VENV) is not Python 3.11: run make clean, then try again." >&2; exit 1; }
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# Shared by the web server and the background workers; never committed.
.env:
	@umask 077; printf 'DEBUG=True\nSECRET_KEY=%s\n' "$$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" > $@
	@echo "Created .env with DEBUG=True and a new SECRET_KEY"

# The local QuickBooks sandbox is served by this same server: FieldOffice finds it at this address.
run: export QBO_LOCAL_BASE_URL ?= http://$(HOST):$(PORT)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --url "http://$(HOST):$(PORT)/admin/"
	@$(PY) manage.py workers & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true; wait $$worker 2>/dev/null || true' EXIT; \
	trap 'exit 130' INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Without Chromium the browser tests skip themselves; as root on Debian we install it.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian's chromium for the browser tests"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get -o DPkg::Lock::Timeout=600 update -q </dev/null; \
			apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
				chromium fonts-liberation </dev/null; \
		else \
			echo "No /usr/bin/chromium: the browser tests will be skipped (apt-get install chromium)."; \
		fi; \
	fi

lint: install
	$(VENV)/bin/ruff check .

test: install chromium lint
	@status=0; $(VENV)/bin/pytest $(PYTEST_ARGS) -n $(PYTEST_WORKERS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: no tests ran (pytest exit code 5)." >&2; fi; \
	exit $$status

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles test-results fieldoffice.egg-info
	find . -name __pycache__ -type d -not -path './.git/*' -prune -exec rm -rf {} +
