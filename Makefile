# MentorHub: `make run` serves the app, `make test` runs every test.
SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)

.PHONY: run dev run-https test test-fast test-e2e test-scaleout lint fmt bench bench-smoke css migrate seed clean audit fuzz screenshots

# A Python 3.12+ interpreter: python3.13/3.12 on PATH, else one pyenv installed.
PYTHON := $(shell scripts/find-python)

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "MentorHub needs Python 3.12+ (python3.13, python3.12 or pyenv). Install one and retry." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(VENV)/bin/python requirements.txt requirements-dev.txt
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*; touch $@

venv: $(STAMP)

theme/static_src/node_modules: theme/static_src/package-lock.json
	cd theme/static_src && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

css: venv theme/static_src/node_modules
	cd theme/static_src && npm run --silent build >/dev/null

# The secret key of this checkout, generated once (untracked; .gitignore).
.secret_key:
	@umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# `make run`: debug off (friendly error pages, WhiteNoise), plain HTTP on
# loopback (cookies Secure only over HTTPS); `make dev`: debug and auto-reload.
LOCAL_KEY = DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret_key)}"
# Email: printed to the console unless EMAIL_URL says otherwise; links point at the served address.
MAIL_ENV = EMAIL_URL="$${EMAIL_URL:-console:}" SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"
RUN_ENV = $(LOCAL_KEY) DJANGO_DEBUG=0 DJANGO_PLAIN_HTTP=1 $(MAIL_ENV)
DEV_ENV = $(LOCAL_KEY) DJANGO_DEBUG=1 $(MAIL_ENV)

migrate: venv
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate --noinput -v0

seed: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py seed_demo

# scripts/run-server prints the URL and the demo logins once, when the port accepts
# connections. Daphne's access log (a line per request and per WebSocket connect)
# is off; errors still go to stderr. ACCESS_LOG=- brings it back.
ACCESS_LOG ?= /dev/null
# A local Janus (the SFU for group sessions) starts with it when the binary is
# there (scripts/ensure-janus installs Debian's package where it may; configs in .run/janus/).
run: css .secret_key
	@scripts/ensure-janus
	$(RUN_ENV) $(PY) manage.py migrate --noinput -v0
	$(RUN_ENV) $(PY) manage.py seed_demo --force -v0
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(RUN_ENV) JANUS_RUN_DIR=$(CURDIR)/.run/janus exec $(PY) scripts/run-server $(HOST) $(PORT) $(VENV)/bin/daphne --access-log $(ACCESS_LOG) -b $(HOST) -p $(PORT) mentorhub.asgi:application

# Debug pages and auto-reload (Django's runserver, served by Daphne: same ASGI app).
dev: css .secret_key
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEV_ENV) $(PY) manage.py seed_demo -v0
	$(DEV_ENV) exec $(PY) scripts/run-server $(HOST) $(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

# HTTPS + WSS for phones on the LAN (listens on 0.0.0.0:8443 unless HTTPS_HOST/HTTPS_PORT);
# never with debug: other machines can reach it.
run-https: css .secret_key
	$(LOCAL_KEY) DJANGO_DEBUG=0 $(PY) manage.py migrate --noinput -v0
	$(LOCAL_KEY) DJANGO_DEBUG=0 $(PY) manage.py seed_demo --force
	$(LOCAL_KEY) DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput -v0
	$(LOCAL_KEY) HOST=$${HTTPS_HOST:-0.0.0.0} PORT=$${HTTPS_PORT:-8443} scripts/run-https

# Tests: unit/integration first, then browser tests in a pytest run of their own
# (pytest-asyncio and Playwright's event loop don't share a process well: the
# browser tests' workers run no unit test), then everything again on PostgreSQL +
# Redis when they are reachable. The browser tests mostly wait (sockets, servers
# starting, timeouts), so two workers nearly halve their time even on two cores.
# E2E_XDIST: loadfile keeps a file on one worker (its module-scoped servers
# start once; tests that must not run beside each other share a file). Each
# worker has its own test database, Daphne ports and logs, Janus, Redis prefix
# (tests/settings.py, tests/e2e/conftest.py). E2E_WORKERS=0: one process.
E2E_WORKERS ?= 2
E2E_XDIST = $(if $(filter 0,$(E2E_WORKERS)),,-n $(E2E_WORKERS) --dist loadfile)
test: css
	scripts/ensure-chromium
	scripts/ensure-janus
	scripts/ensure-quality-tools
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -m "not e2e" -q -n auto
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m e2e -q $(E2E_XDIST)
	E2E_WORKERS=$(E2E_WORKERS) scripts/test-scaleout

test-fast: venv
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -m "not e2e" -q -x

test-e2e: css
	scripts/ensure-chromium
	scripts/ensure-quality-tools
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m e2e -q $(E2E_XDIST)

# Benchmarks: real Daphne (and Uvicorn) on generated data; writes docs/benchmarks.md.
bench: css
	@command -v wrk >/dev/null || { echo "installing wrk (Debian)"; apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py

bench-smoke: css
	@command -v wrk >/dev/null || { echo "installing wrk (Debian)"; apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py --smoke

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

fmt: venv
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf .test-db.sqlite3* staticfiles .pytest_cache

# Lighthouse (mobile) on the login page and dashboard tabs → docs/quality.md (not in CI).
audit: css
	$(PY) scripts/audit.py

# PNGs of every tab, dialog and learner page at 1280×900 and 360×740 → docs/screenshots/
# (its own server on a temporary demo database, like `make run`).
screenshots: css
	scripts/ensure-chromium
	$(PY) scripts/screenshots.py

# A long schemathesis run (every phase, a time budget) against a real server.
fuzz: venv
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-50} FUZZ_MAX_TIME=$${FUZZ_MAX_TIME:-300} $(PY) -m pytest -q -p no:logging tests/security/test_api_fuzz.py
