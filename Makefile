# The two commands a newcomer needs: `make run` and `make test`. Everything else is what they use.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install messages system-deps run serve test test-browser lint format seed clean bench-import bench-pages bench-download bench-abuse

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## The Nu HTML Checker for the tests (vnu.jar, run with the system Java; its Java download script is skipped).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --ignore-scripts --no-audit --no-fund && touch $@; \
	else echo "npm not found: the HTML checker test will be skipped"; fi

## French (and any other) translations: locale/*/LC_MESSAGES/django.mo built from the .po files.
messages: $(STAMP)
	$(BIN)/python scripts/compile_messages.py

install: $(STAMP) messages

## Chromium, a Java runtime and npm for the browser and HTML-checker tests (apt-get, as root; skips what is present).
system-deps:
	bash scripts/system-deps.sh

## Seed a development database: migrate, create the missing reference records, import the seed note.
## Safe to repeat: load_seed never overwrites a record, and the import keeps curators' edits.
seed: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py load_seed incubator
	DEBUG=true $(BIN)/python manage.py import_notes fixtures/notes --status published

## Serve the portal with the seed data on SQLite at http://127.0.0.1:$(PORT)
run: seed
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Serve in production: DEBUG off, static files collected, migrations applied, gunicorn on $(PORT).
## Needs SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL in the environment (see README, Deployment).
serve: install
	PORT=$(PORT) bash scripts/serve.sh

## Run the whole test suite (DATABASE_URL picks the database; SQLite by default).
test: install system-deps node_modules/.installed
	$(BIN)/pytest

## Only the browser tests (Playwright driving Chromium against a live server).
test-browser: install system-deps
	$(BIN)/pytest -m browser

## Benchmarks (development only, opsi_portal/settings_bench.py): a SQLite file of their own
## (var/bench.sqlite3) unless DATABASE_URL says otherwise; ARGS passes options, e.g. ARGS="--notes 500".
BENCH := DJANGO_SETTINGS_MODULE=opsi_portal.settings_bench $(BIN)/python manage.py
bench-import bench-pages bench-download bench-abuse: install
	$(BENCH) migrate --noinput --verbosity 0
	$(BENCH) $(subst -,_,$@) $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var staticfiles node_modules
