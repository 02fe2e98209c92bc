"""Load tests on loopback: one gunicorn serving the portal, wrk (or a small client) driving it."""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start listening")


def _wrk(url, duration, threads, connections):
    output = subprocess.run(  # noqa: S603
        [shutil.which("wrk"), f"-t{threads}", f"-c{connections}", f"-d{duration}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, int(errors.group(1)) if errors else 0


def server_env(**overrides):
    """The environment of a production-like gunicorn on loopback, with the benchmark's settings."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "opsi_portal.settings_bench",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE") or "600",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


@contextmanager
def gunicorn(workers=3, env=None, options=()):
    """A gunicorn serving the portal on a free loopback port; yields its base URL and stops it after."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "opsi_portal.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            *options,
        ],
        cwd=settings.BASE_DIR,
        env=env or server_env(),
    )
    try:
        _wait_for(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def expect_ok(url):
    """Refuse to measure a URL that does not answer 200 (a redirect would be measured instead of the page)."""
    request = urllib.request.Request(url)  # noqa: S310  (loopback, built here)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        status = opener.open(request, timeout=30).status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        raise RuntimeError(f"{url} answered {status}; the figures would be meaningless")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Tally:
    """What a client saw in one run: answers by status, connection errors and the seconds it ran."""

    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rate(self):
        return sum(self.statuses.values()) / max(self.seconds, 1e-9)

    def failures(self):
        return self.errors + sum(n for status, n in self.statuses.items() if status >= 400)


def hammer(url, duration, connections, max_requests=100_000, timeout=60):
    """Fetch `url` over `connections` keep-alive connections for `duration` seconds (or `max_requests`)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    tally, lock = Tally(), threading.Lock()
    deadline = time.monotonic() + duration
    budget = iter(range(max_requests))

    def client():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        while time.monotonic() < deadline and next(budget, None) is not None:
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
                status = None
            with lock:
                if status is None:
                    tally.errors += 1
                else:
                    tally.statuses[status] += 1
        connection.close()

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    tally.seconds = time.monotonic() - started
    return tally


def requests_per_second(url, duration, threads, connections):
    """wrk's figure when wrk is installed (it is faster than any Python client), else the small client's."""
    if shutil.which("wrk"):
        return _wrk(url, duration, threads, connections)
    tally = hammer(url, duration, connections)
    return tally.rate, tally.failures()


def load_test(workers=3, duration=10, threads=2, connections=8, log=print):
    """Requests per second of /healthz and of the list page, one gunicorn, one run, loopback only."""
    if shutil.which("wrk") is None:
        log("wrk is not installed; a small Python client drives the load instead (lower ceilings).")
    results = {}
    with gunicorn(workers) as base:
        for name, path in (("minimal view /healthz", "/healthz"), ("practice list", "/practices/")):
            url = f"{base}{path}"
            expect_ok(url)
            requests_per_second(url, 2, threads, connections)  # warm every worker's connection and caches
            rate, errors = requests_per_second(url, duration, threads, connections)
            if errors:
                raise RuntimeError(f"{path} answered {errors} errors under load")
            results[name] = rate
            log(f"{name:<26} {rate:>8.0f} requests/s")
    ratio = results["practice list"] / results["minimal view /healthz"]
    log(f"{'list / minimal':<26} {ratio:>8.0%}")
    return results
