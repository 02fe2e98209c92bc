"""The abuse load test: does the portal keep serving while a few clients hammer its costly pages?

One production-like gunicorn on loopback (threaded workers and the throttles as `serve.sh` and the
settings have them) serves, for a bounded time, at once: abusive searches (30 `or` terms, a new
search every time), back-to-back downloads, and two probes that a user or a load balancer would
be: `/healthz` and the cached practice list. Each kind of client gets its statuses and times.
"""

import random
import threading
from dataclasses import dataclass
from urllib.parse import urlencode

from .dataset import DOMAIN_WORDS, SYLLABLES
from .load import expect_ok, gunicorn, hammer, server_env

OR_TERMS = 30
# Short words and word starts, so 30 alternatives fit the search box's 200 characters: each matches
# many texts, which is what makes such a search costly.
SHORT_WORDS = sorted(set(SYLLABLES) | {word for word in DOMAIN_WORDS if len(word) <= 4})
MAX_REQUESTS_PER_KIND = 20_000
# As scripts/serve.sh starts gunicorn: threads, so a long download or search holds a thread, not a worker.
GUNICORN_OPTIONS = ("--worker-class=gthread", "--threads=4", "--timeout=30")
# The production defaults of opsi_portal.settings, whatever the benchmark settings say.
PRODUCTION_THROTTLES = {"THROTTLE_SEARCH": "30/m", "THROTTLE_DOWNLOAD": "10/h", "STATEMENT_TIMEOUT": "10000"}


@dataclass
class Client:
    """One kind of client: how many run at once and what each asks for."""

    name: str
    connections: int
    path: str = ""
    next_path: object = None


def abusive_search(rng):
    words = rng.sample(SHORT_WORDS, OR_TERMS)
    return "/practices/?" + urlencode({"q": " or ".join(words)})


def clients(searches, downloads, seed=1):
    rng, lock = random.Random(seed), threading.Lock()  # noqa: S311  (varied queries, not secrets)

    def next_search():
        with lock:
            return abusive_search(rng)

    formats = iter(["csv", "json"] * MAX_REQUESTS_PER_KIND)
    return [
        Client("abusive search", searches, next_path=next_search),
        Client("download", downloads, next_path=lambda: f"/practices/download.{next(formats)}"),
        Client("probe: /healthz", 1, path="/healthz"),
        Client("probe: cached list", 1, path="/practices/"),
    ]


HEADER = (
    f"{'client':<20} {'conns':>5} {'requests':>8} {'2xx':>6} {'429':>5} {'5xx':>5} {'errors':>6}"
    f" {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
)


def row(client, tally):
    return (
        f"{client.name:<20} {client.connections:>5} {tally.requests:>8} {tally.count(200, 300):>6}"
        f" {tally.statuses[429]:>5} {tally.count(500, 600):>5} {tally.errors:>6}"
        f" {tally.percentile(0.5):>8.0f} {tally.percentile(0.95):>8.0f} {max(tally.times_ms, default=0):>8.0f}"
    )


def abuse_test(duration, searches=3, downloads=6, workers=3, log=print):
    """Run every client at once for `duration` seconds; returns {client name: Tally}."""
    env = server_env(**PRODUCTION_THROTTLES)
    with gunicorn(workers, env=env, options=GUNICORN_OPTIONS) as base:
        expect_ok(f"{base}/practices/")  # the probe's page is in the cache before the abuse starts
        results, threads = {}, []
        for client in clients(searches, downloads):

            def run(client=client):
                results[client.name] = hammer(
                    base + (client.path or "/"),
                    duration,
                    client.connections,
                    max_requests=MAX_REQUESTS_PER_KIND,
                    next_path=client.next_path,
                )

            threads.append(threading.Thread(target=run))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    log(HEADER)
    for client in clients(searches, downloads):
        log(row(client, results[client.name]))
    return results
