# Two commands do all set-up: `make run` (portal + demo data + Celery on the embedded broker)
# and `make test` (the whole suite). Both create .venv from requirements.txt when missing.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# The suite runs on every CPU (pytest-xdist, at most 4 workers: portal/settings_test.py gives
# each its own var/ folder and Redis databases); TEST_JOBS=0 runs it in this one process.
# `--dist load` hands out tests in pytest-django's order, so in each worker the tests that
# empty the database (browser, transaction=True) still run after those that expect the rows
# the migrations ship (`--dist loadfile` would interleave them and fail the latter).
TEST_JOBS ?= $(shell n=$$(nproc); echo $$(( n > 4 ? 4 : n )))
XDIST = $(if $(filter 0,$(TEST_JOBS)),-p no:xdist,-n $(TEST_JOBS) --dist load)

.PHONY: run test test-fast test-calendar browser migrate messages clean-var

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput

# Web server on http://127.0.0.1:8000 and a Celery worker with beat in one process;
# Ctrl-C stops both.
run: migrate
	$(BIN)/python manage.py seed_demo --if-empty
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A portal worker -B --pool solo --loglevel INFO & \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite; the browser tests need Debian's Chromium (CI installs it).
test: $(VENV)/.installed
	@if [ -x /usr/bin/chromium ]; then \
	  $(BIN)/pytest $(XDIST) $(PYTEST_ARGS); \
	else \
	  echo "Chromium is not installed: running all but the browser tests (apt-get install -y chromium fonts-wqy-microhei)"; \
	  $(BIN)/pytest $(XDIST) -m "not browser" $(PYTEST_ARGS); \
	fi

test-fast: $(VENV)/.installed
	$(BIN)/pytest $(XDIST) -m "not browser" $(PYTEST_ARGS)

# The date-dependent tests again at each moment of .ci/calendar-moments (the suite itself runs
# at one fixed moment: tests/conftest.py), one moment per CPU at a time (CALENDAR_JOBS).
test-calendar: $(VENV)/.installed
	PYTEST_ARGS="$(PYTEST_ARGS)" .ci/calendar

browser: $(VENV)/.installed
	$(BIN)/pytest $(XDIST) -m browser $(PYTEST_ARGS)

# Refresh the English catalogue after changing user-facing strings (msgids are Chinese).
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var \
	  --ignore=tests --ignore=bench -v0
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv
