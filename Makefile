# The two commands a newcomer needs: `make run` and `make test`. Everything else is what they use.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run serve test lint format seed clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## Seed a development database: migrate, load the reference records.
seed: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py loaddata incubator

## Serve the portal with the seed data on SQLite at http://127.0.0.1:$(PORT)
run: seed
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Serve in production: DEBUG off, static files collected, migrations applied, gunicorn on $(PORT).
## Needs SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL in the environment (see README, Deployment).
serve: install
	PORT=$(PORT) bash scripts/serve.sh

## Run the whole test suite (DATABASE_URL picks the database; SQLite by default).
test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var staticfiles
