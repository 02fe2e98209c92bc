"""`scripts/serve.sh` (what `make serve` runs) serves the portal with gunicorn and whitenoise, DEBUG off."""

import gzip
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

STARTUP_SECONDS = 120


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, headers=None):
    """Status, headers and body of a GET that does not follow redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback URLs the test builds)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "STATIC_", "DEBUG"))}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp / "static"),
        BIND=f"127.0.0.1:{port}",
        BEHIND_TLS_PROXY="true",
        PYTHON=sys.executable,
        GUNICORN=str(bin_dir / "gunicorn"),
    )
    env.pop("WEB_CONCURRENCY", None)
    log = open(tmp / "serve.log", "w+")  # noqa: SIM115 (closed by the fixture's teardown)
    process = subprocess.Popen(
        ["bash", "scripts/serve.sh"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            fetch(base + "/", {"X-Forwarded-Proto": "https"})
            break
        except OSError:
            time.sleep(0.5)
    try:
        if process.poll() is not None:
            log.seek(0)
            pytest.fail(f"serve.sh stopped: {log.read()[-3000:]}")
        yield base, tmp / "serve.log"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_pages_are_served_over_https_with_hashed_static_files(server):
    base, _ = server
    status, headers, body = fetch(base + "/", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["Server"].startswith("gunicorn")
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "the stylesheet link is not the hashed file name"

    status, headers, css = fetch(
        base + stylesheet.group(1).decode(), {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}
    )
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"] or "max-age=315360000" in headers["Cache-Control"]
    assert b"{" in gzip.decompress(css)


def test_plain_http_is_redirected_to_https(server):
    base, _ = server
    status, headers, _ = fetch(base + "/practices/")
    assert status == 301
    assert headers["Location"] == "https://127.0.0.1:" + base.rsplit(":", 1)[1] + "/practices/"


def test_debug_is_off_and_unknown_pages_give_the_plain_404(server):
    base, _ = server
    status, _, body = fetch(base + "/practices/no-such-practice/", {"X-Forwarded-Proto": "https"})
    assert status == 404
    assert b"Traceback" not in body and b"DEBUG = True" not in body


def test_workers_are_threaded_so_the_timeout_never_cuts_a_download(server):
    _, log = server
    assert "Using worker: gthread" in log.read_text()


def test_workers_are_sized_to_the_cores_and_requests_are_logged(server):
    base, log = server
    fetch(base + "/?logged=yes", {"X-Forwarded-Proto": "https"})
    time.sleep(0.5)
    text = log.read_text()
    assert (
        len(re.findall(r"Booting worker with pid", text)) == 2 * len(os.sched_getaffinity(0)) + 1
    )  # what nproc counts
    assert '"GET /?logged=yes HTTP/1.1" 200' in text
