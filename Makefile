# Bindeled: `make run` starts the demo, `make test` runs every test. Both work on a
# fresh machine: they create the virtualenv and install npm assets when missing.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
NPM_STAMP := node_modules/.installed-stamp
PORT ?= 8000
DEV_ENV := DEBUG=true SITE_URL=http://127.0.0.1:$(PORT)
# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one.
PYTEST_ARGS ?= -n auto

.PHONY: run reset-demo test lint deps messages clean check-deploy worker

deps: $(STAMP) $(NPM_STAMP) messages

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

messages: $(STAMP)
	@if command -v msgfmt >/dev/null; then \
		$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0; \
	else echo "msgfmt not found (apt-get install gettext): English translation not compiled"; fi

run: deps
	mkdir -p var
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEV_ENV) $(PY) manage.py seed_demo
	@echo ""
	@echo "Bindeled kører på http://127.0.0.1:$(PORT)  (stop med Ctrl-C)"
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Start the demo over: a new, empty database with the demo world (then `make run`).
reset-demo: deps
	rm -f var/db.sqlite3
	mkdir -p var
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEV_ENV) $(PY) manage.py seed_demo

test: deps
	$(PY) -m pytest $(PYTEST_ARGS)

# The checks CI runs before the tests (and pre-commit before a commit): style, the
# layers, types of services and selectors, and no model change without its migration.
LINT_ENV := DEBUG=true DATABASE_URL=sqlite://
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(LINT_ENV) $(VENV)/bin/mypy
	$(LINT_ENV) $(PY) manage.py makemigrations --check --dry-run

worker: deps
	$(VENV)/bin/celery -A config worker -B --loglevel=INFO

check-deploy: deps
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=bindeled.example.dk \
		FIELD_ENCRYPTION_KEYS=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
		CPR_LOOKUP_KEY=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules var staticfiles test-output
