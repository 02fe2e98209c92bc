#!/usr/bin/env bash
# Production entry point: collect hashed, compressed static files, migrate, then serve with gunicorn.
# Needs SECRET_KEY, ALLOWED_HOSTS and (for production) DATABASE_URL; see the README's Deployment.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBUG=false
PYTHON="${PYTHON:-.venv/bin/python}"
GUNICORN="${GUNICORN:-.venv/bin/gunicorn}"
PORT="${PORT:-8000}"
# Loopback unless told otherwise: a reverse proxy on this host reaches it, nobody else does, so a
# client cannot skip the proxy (and forge X-Forwarded-For, see PROXY_COUNT). BIND=0.0.0.0:8000 opens it.
BIND="${BIND:-127.0.0.1:$PORT}"
# Gunicorn's rule of thumb: two workers per core, plus one.
WORKERS="${WEB_CONCURRENCY:-$((2 * $(nproc) + 1))}"

# One start at a time: two collectstatic runs on one folder (or two migrates) would race.
mkdir -p var
(
  flock 9
  "$PYTHON" manage.py collectstatic --noinput --verbosity 0
  "$PYTHON" manage.py migrate --noinput
) 9>var/serve.lock
# PostgreSQL cancels a statement of the web server past this many milliseconds: a pathological
# query answers 503 instead of pinning a worker (migrate above and imports are not limited).
export STATEMENT_TIMEOUT="${STATEMENT_TIMEOUT:-10000}"
# Threaded workers: the timeout restarts a worker whose main loop is stuck, not one whose thread
# is streaming a long download (a sync worker would be killed mid-file after GUNICORN_TIMEOUT).
exec "$GUNICORN" opsi_portal.wsgi:application \
  --bind "$BIND" \
  --workers "$WORKERS" \
  --worker-class gthread \
  --threads "${GUNICORN_THREADS:-4}" \
  --timeout "${GUNICORN_TIMEOUT:-30}" \
  --max-requests 2000 --max-requests-jitter 200 \
  --access-logfile - \
  --error-logfile -
