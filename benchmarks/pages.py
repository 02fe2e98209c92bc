"""Time each page type through Django's test client: server time, database time and SQL queries."""

import math
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.http import urlencode

from incubator.models import Country
from practices.models import CountryMention

from .dataset import Vocabulary
from .guard import PREFIX, bench_practices

# Transaction control and a search's planner setting are sent too, but read no data.
CONTROL = ("SAVEPOINT", "RELEASE", "SET ", "BEGIN", "COMMIT")


@dataclass
class Timing:
    """What one page type measured: server time, queries and database time per request."""

    name: str
    times_ms: list
    queries: list
    db_ms: list

    @staticmethod
    def percentile(values, fraction):
        ordered = sorted(values)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]

    def row(self):
        return (
            f"{self.name:<26} {self.percentile(self.times_ms, 0.5):>8.1f} {self.percentile(self.times_ms, 0.95):>8.1f}"
            f" {self.percentile(self.db_ms, 0.5):>8.1f} {self.percentile(self.db_ms, 0.95):>8.1f}"
            f" {min(self.queries):>5}-{max(self.queries):<3}"
        )


HEADER = f"{'page':<26} {'p50 ms':>8} {'p95 ms':>8} {'db p50':>8} {'db p95':>8} {'queries':>9}"


def allowed_host():
    """A Host header the site accepts, so the test client's requests pass ALLOWED_HOSTS."""
    for host in settings.ALLOWED_HOSTS:
        if host == "*":
            return "localhost"
        return host.lstrip(".")
    raise CommandError("ALLOWED_HOSTS is empty; set it (or DEBUG=true) to run the benchmark.")


def bench_client():
    return Client(HTTP_HOST=allowed_host())


# Ranks of the dataset's vocabulary (a Zipf law, so rank decides how many practices hold a word):
# the first words are in nearly every practice, those around 200 in about a tenth, the tail in few.
FREQUENCY_BANDS = {"common": (0, 5), "mid": (150, 400), "rare": (3000, 6000)}


def search_words(seed):
    """Words of each frequency band, from the same vocabulary the dataset was written with."""
    words = Vocabulary(random.Random(seed)).words  # noqa: S311  (repeatable synthetic data)
    return {band: words[start:stop] for band, (start, stop) in FREQUENCY_BANDS.items()}


def search_urls(rng, requests, seed, combos):
    """Searches for a word of each frequency, alone and with two filters, for two and three words and a phrase."""
    bands = search_words(seed)
    urls = {}
    for band, words in bands.items():
        urls[f"search, {band} word"] = [f"/practices/?{urlencode({'q': rng.choice(words)})}" for _ in range(requests)]
    for k in (2, 3):
        urls[f"search, {k} words"] = [
            f"/practices/?{urlencode({'q': ' '.join(rng.choice(bands[b]) for b in rng.sample(list(bands), k))})}"
            for _ in range(requests)
        ]
    for band, words in bands.items():
        chosen = [combos[i % len(combos)] for i in range(requests)]
        urls[f"search {band} + 2 filters"] = [
            f"/practices/?{urlencode({'q': rng.choice(words), 'country': country, 'theme': theme})}"
            for country, theme, _toolkit in chosen
        ]
    # Two words of the most common band in quotes ("public sector"): a phrase whose words most
    # practices hold. Drawn after the other searches, which keep the words of earlier runs.
    phrases = ['"{}"'.format(" ".join(rng.sample(bands["common"], 2))) for _ in range(requests)]
    urls["search, phrase"] = [f"/practices/?{urlencode({'q': phrase})}" for phrase in phrases]
    return urls


def page_urls(rng, requests, seed=1):
    """URLs of each page type, varied so each request asks for something a user plausibly would."""
    practices = list(bench_practices().order_by("?").values_list("pk", "slug", "title", "summary")[: max(requests, 50)])
    combos = list(
        CountryMention.objects.filter(practice__slug__startswith=PREFIX, practice__toolkitmention__isnull=False)
        .values_list("country__slug", "practice__themed_items__tag__slug", "practice__toolkitmention__toolkit__slug")
        .order_by("?")[:requests]
    )
    busiest_country = (
        Country.objects.annotate(n=Count("mentions")).order_by("-n").values_list("slug", flat=True).first()
    )
    countries = list(
        Country.objects.annotate(n=Count("mentions")).filter(n__gt=0).order_by("?").values_list("slug", flat=True)
    )

    def filters(combo):
        country, theme, toolkit = combo
        return f"country={country}&theme={theme}&toolkit={toolkit}"

    return {
        # An unknown parameter makes each URL a page of its own, so the page is rendered every time
        # (its counts stay cached); the next row is the same page served whole from the cache.
        "list, unfiltered": [f"/practices/?r={i}" for i in range(requests)],
        "list, page cached": ["/practices/"] * requests,
        "list, three filters": [f"/practices/?{filters(combos[i % len(combos)])}" for i in range(requests)],
        **search_urls(rng, requests, seed, combos),
        "practice page": [f"/practices/{practices[i % len(practices)][1]}/" for i in range(requests)],
        # The busiest country's page first: it lists the most practices.
        "country page": [f"/countries/{busiest_country}/"]
        + [f"/countries/{rng.choice(countries)}/" for _ in range(requests - 1)],
    }


def measure(urls_by_type, log=print):
    """Fetch every URL through Django's test client; time it and count its queries."""
    client = bench_client()
    timings = []
    for name, urls in urls_by_type.items():
        # Warm the template loader and connection with a URL of its own, so no measured page is cached by it.
        client.get(urls[0] + ("&" if "?" in urls[0] else "?") + "warm=1")
        times, queries, db = [], [], []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}; the figures would be meaningless")
            times.append(elapsed * 1000)
            # Transaction control and a search's planner setting are sent too, but read no data.
            queries.append(sum(1 for q in captured.captured_queries if not q["sql"].startswith(CONTROL)))
            db.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        timing = Timing(name, times, queries, db)
        timings.append(timing)
        log(timing.row())
    return timings
