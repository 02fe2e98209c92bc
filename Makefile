# The two commands a newcomer needs: `make run` and `make test`. Everything else is what they use.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-browser lint format seed clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## The Nu HTML Checker for the tests (vnu.jar, run with the system Java; its Java download script is skipped).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --ignore-scripts --no-audit --no-fund && touch $@; \
	else echo "npm not found: the HTML checker test will be skipped"; fi

install: $(STAMP)

## Seed a development database: migrate, load the reference records.
seed: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py loaddata incubator

## Serve the portal with the seed data on SQLite at http://127.0.0.1:$(PORT)
run: seed
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Run the whole test suite (DATABASE_URL picks the database; SQLite by default).
test: install node_modules/.installed
	$(BIN)/pytest

## Only the browser tests (Playwright driving Chromium against a live server).
test-browser: install
	$(BIN)/pytest -m browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var staticfiles node_modules
