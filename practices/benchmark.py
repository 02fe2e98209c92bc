"""The page benchmark: a realistic synthetic library, timings per page type, and a load test.

Every record it writes has a slug starting with `bench-`, so the data is easy to tell apart and to
remove; `build_dataset` refuses a database that holds other practices unless forced.
"""

import math
import random
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode

from incubator.models import Country, Toolkit

from .caching import bump_data_version
from .models import CountryMention, Practice, Theme, ThemedPractice, ToolkitMention, Video
from .search import refresh_search_vector

PREFIX = "bench-"
CONTROL = ("SAVEPOINT", "RELEASE", "SET ", "BEGIN", "COMMIT")
BATCH = 2000


def _words(text):
    return text.split()


# Words of the field, most frequent first; a Zipf law over them gives text that reads like notes'.
DOMAIN_WORDS = _words("""
innovation public sector government governments policy services service citizens users design
data digital future anticipatory foresight strategy systems change learning experiment experiments
programme countries country portfolio mission missions challenge challenges evidence impact
capacity capability teams team leaders leadership network networks collaboration partnership
partners stakeholders community communities transparency accountability trust participation
engagement open standards platform platforms infrastructure procurement regulation regulatory
sandbox sandboxes pilot pilots scale scaling adoption tools toolkit methods method approach
approaches framework frameworks practice practices lessons insights behavioural research
analysis measurement indicators outcomes value budget budgeting finance funding investment
risk risks uncertainty resilience crisis crises recovery climate environment sustainability
energy transport health education employment welfare housing cities local regional national
international cooperation oecd observatory opsi incubator accelerator lab labs unit units
civil servants managers officials ministry ministries agency agencies administration
administrative burden burdens simplification automation artificial intelligence algorithms
ethics privacy security identity interoperability cloud computing supercomputing models
scenarios horizon scanning signals trends futures literacy imagination creativity culture
mindset skills training mentorship youth women inclusion diversity equity accessibility
co-design codesign prototyping testing iteration feedback evaluation monitoring reporting
""")
CONNECTORS = _words("""the of and to in a for that is with on as by are this it from an be can which
their its at or has have more new how they these also into will through across about""")
SYLLABLES = _words("ka lo mi ne ru sa te vi po da fe gi hu ja ko le ma no pi re si tu va we xo yo za")
THEME_HEADS = _words("""innovation governance design policy services data government strategy foresight
participation regulation procurement leadership evaluation infrastructure""")
COUNTRY_FAVOURITES = _words("PT DK RO EE FI FR DE GB US CA NZ AU NL SE NO IE ES IT CL CO KR JP BR IN")


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


class Vocabulary:
    """Weighted words: the field's words first, then made-up words for the long tail of real text."""

    def __init__(self, rng, size=6000):
        words = list(dict.fromkeys(DOMAIN_WORDS))
        while len(words) < size:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            if word not in words:
                words.append(word)
        self.words = words
        self.cum_weights = list(_cumulative(1 / (rank + 1) ** 1.05 for rank in range(len(words))))

    def sample(self, rng, k):
        return rng.choices(self.words, cum_weights=self.cum_weights, k=k)


def _cumulative(values):
    total = 0.0
    for value in values:
        total += value
        yield total


def _sentence(rng, vocabulary):
    words = []
    for word in vocabulary.sample(rng, rng.randint(8, 22)):
        words.append(word)
        if rng.random() < 0.45:
            words.append(rng.choice(CONNECTORS))
    return " ".join(words).capitalize() + "."


def _body(rng, vocabulary, video_id):
    """Markdown and HTML of a few KB, with headings and timestamps like the notes have."""
    markdown, html, seconds = [], [], 0
    for _section in range(rng.randint(2, 5)):
        heading = " ".join(vocabulary.sample(rng, 3)).capitalize()
        markdown.append(f"## {heading}")
        html.append(f"<h2>{escape(heading)}</h2>")
        for _paragraph in range(rng.randint(1, 3)):
            sentences_md, sentences_html = [], []
            for _ in range(rng.randint(2, 4)):
                seconds += rng.randint(3, 40)
                stamp = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
                sentence = _sentence(rng, vocabulary)
                sentences_md.append(f'{sentence} <a class="yt-timestamp" data-t="{stamp}">[{stamp}]</a>')
                url = f"https://www.youtube.com/watch?v={video_id}&amp;t={seconds}"
                sentences_html.append(f'{escape(sentence)} <a class="yt-timestamp" href="{url}">[{stamp}]</a>')
            markdown.append(" ".join(sentences_md))
            html.append(f"<p>{' '.join(sentences_html)}</p>")
    return "\n\n".join(markdown), "\n".join(html)


def foreign_practices():
    return Practice.objects.exclude(slug__startswith=PREFIX)


def bench_practices():
    return Practice.objects.filter(slug__startswith=PREFIX)


def remove_dataset():
    """Delete every record the benchmark made, in plain SQL: per-row signals would take hours at this size."""
    practices = f"(SELECT id FROM {Practice._meta.db_table} WHERE slug LIKE %s)"  # noqa: S608  (a table name)
    toolkits = f"(SELECT id FROM {Toolkit._meta.db_table} WHERE slug LIKE %s)"  # noqa: S608
    themes = f"(SELECT id FROM {Theme._meta.db_table} WHERE slug LIKE %s)"  # noqa: S608
    deletions = [
        (ThemedPractice, f"content_object_id IN {practices} OR tag_id IN {themes}", 2),
        (CountryMention, f"practice_id IN {practices}", 1),
        (ToolkitMention, f"practice_id IN {practices} OR toolkit_id IN {toolkits}", 2),
        (Practice.links_to.through, f"from_practice_id IN {practices} OR to_practice_id IN {practices}", 2),
        (Practice, "slug LIKE %s", 1),
        (Toolkit, "slug LIKE %s", 1),
        (Theme, "slug LIKE %s", 1),
        (Video, "youtube_id LIKE %s", 1),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for model, where, placeholders in deletions:
            pattern = "bench%" if model is Video else f"{PREFIX}%"
            # Table names come from the models; the only value is a parameter.
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", [pattern] * placeholders)  # noqa: S608
    bump_data_version()


def build_dataset(n, seed=1, log=print):
    """Write `n` published practices with themes, countries, toolkits and mentions in batches."""
    rng = random.Random(seed)  # noqa: S311  (repeatable synthetic data, not secrets)
    vocabulary = Vocabulary(rng)
    themes = _make_themes(rng, vocabulary)
    theme_weights = list(_cumulative(1 / (rank + 1) ** 0.8 for rank in range(len(themes))))
    countries = list(Country.objects.all())
    favourites = [c for c in countries if c.code in COUNTRY_FAVOURITES]
    toolkits = [
        Toolkit.objects.create(name=f"Benchmark toolkit {i}", slug=f"{PREFIX}toolkit-{i}", aliases="")
        for i in range(60)
    ]
    started = time.monotonic()
    now = timezone.now()
    for start in range(0, n, BATCH):
        size = min(BATCH, n - start)
        with transaction.atomic():
            videos = Video.objects.bulk_create(
                # Eleven characters, like a YouTube id: batch number and video number in the batch.
                Video(youtube_id=f"bench{start // BATCH:03d}{i:03d}", title=f"Benchmark video {start // BATCH}-{i}")
                for i in range(math.ceil(size / 9))
            )
            practices = []
            for i in range(size):
                number = start + i
                video = videos[i // 9]
                markdown, html = _body(rng, vocabulary, video.youtube_id)
                title = " ".join(vocabulary.sample(rng, rng.randint(3, 7))).capitalize()
                practices.append(
                    Practice(
                        title=title,
                        slug=f"{PREFIX}{number}",
                        summary=_sentence(rng, vocabulary),
                        body_markdown=markdown,
                        body_html=html,
                        status=Practice.Status.PUBLISHED,
                        published_at=now - timezone.timedelta(minutes=number),
                        source_video=video,
                        note_key=f"{PREFIX}{number}",
                    )
                )
            practices = Practice.objects.bulk_create(practices)
            themed, mentioned, named = [], [], []
            for practice in practices:
                for theme in set(rng.choices(themes, cum_weights=theme_weights, k=rng.randint(5, 10))):
                    themed.append(ThemedPractice(content_object=practice, tag=theme))
                count = rng.choices([0, 1, 2, 3, 4], weights=[25, 35, 20, 12, 8])[0]
                pool = favourites if rng.random() < 0.7 else countries
                for country in rng.sample(pool, count):
                    mentioned.append(
                        CountryMention(practice=practice, country=country, origin="detected", sentence=title, seconds=5)
                    )
                if rng.random() < 0.35:
                    named.append(
                        ToolkitMention(practice=practice, toolkit=rng.choice(toolkits), origin="detected", seconds=9)
                    )
            ThemedPractice.objects.bulk_create(themed)
            CountryMention.objects.bulk_create(mentioned)
            ToolkitMention.objects.bulk_create(named)
            refresh_search_vector([p.pk for p in practices])
        done = start + size
        rate = done / max(time.monotonic() - started, 0.001)
        log(f"  {done}/{n} practices ({rate:.0f}/s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    bump_data_version()


def _make_themes(rng, vocabulary):
    names = set()
    while len(names) < 300:
        names.add(f"{rng.choice(DOMAIN_WORDS[:120])} {rng.choice(THEME_HEADS)}".capitalize())
    themes = [Theme(name=name, slug=f"{PREFIX}{i}") for i, name in enumerate(sorted(names))]
    return Theme.objects.bulk_create(themes)


# -- Measuring -----------------------------------------------------------------------------------


def _host():
    for host in settings.ALLOWED_HOSTS:
        if host not in {"*"} and not host.startswith("."):
            return host.strip("[]") if host.startswith("[") else host
    return "localhost"


def page_urls(rng, requests):
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
    # Search words come from practices' own titles and summaries, as a user would type them.
    phrases = [re.findall(r"[a-z]{4,}", f"{title} {summary}".lower()) for _, _, title, summary in practices]
    phrases = [words for words in phrases if len(words) >= 3]

    def words(k):
        return " ".join(rng.sample(rng.choice(phrases), k))

    def filters(combo):
        country, theme, toolkit = combo
        return f"country={country}&theme={theme}&toolkit={toolkit}"

    return {
        # An unknown parameter makes each URL a page of its own, so the page is rendered every time
        # (its counts stay cached); the next row is the same page served whole from the cache.
        "list, unfiltered": [f"/practices/?r={i}" for i in range(requests)],
        "list, page cached": ["/practices/"] * requests,
        "list, three filters": [f"/practices/?{filters(combos[i % len(combos)])}" for i in range(requests)],
        "search, 1 word": [f"/practices/?{urlencode({'q': words(1)})}" for _ in range(requests)],
        "search, 2 words": [f"/practices/?{urlencode({'q': words(2)})}" for _ in range(requests)],
        "search, 3 words": [f"/practices/?{urlencode({'q': words(3)})}" for _ in range(requests)],
        "search + two filters": [
            f"/practices/?{urlencode({'q': words(1)})}&{filters(combos[i % len(combos)]).rsplit('&', 1)[0]}"
            for i in range(requests)
        ],
        "practice page": [f"/practices/{practices[i % len(practices)][1]}/" for i in range(requests)],
        # The busiest country's page first: it lists the most practices.
        "country page": [f"/countries/{busiest_country}/"]
        + [f"/countries/{rng.choice(countries)}/" for _ in range(requests - 1)],
    }


def measure(urls_by_type, log=print):
    """Fetch every URL through Django's test client; time it and count its queries."""
    client = Client(SERVER_NAME=_host())
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


# -- Load test -----------------------------------------------------------------------------------


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


def load_test(env, workers=3, duration=10, threads=2, connections=8, log=print):
    """Requests per second of /healthz and of the list page, one gunicorn, one run, loopback only."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed; install it or run with --no-load")
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [str(gunicorn), "opsi_portal.wsgi", f"--workers={workers}", f"--bind=127.0.0.1:{port}", "--log-level=warning"],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        _wait_for(port)
        results = {}
        for name, path in (("minimal view /healthz", "/healthz"), ("practice list", "/practices/")):
            url = f"http://127.0.0.1:{port}{path}"
            _wrk(url, 2, threads, connections)  # warm every worker's connection and caches
            rate, errors = _wrk(url, duration, threads, connections)
            if errors:
                raise RuntimeError(f"{path} answered {errors} errors under load")
            results[name] = rate
            log(f"{name:<26} {rate:>8.0f} requests/s")
        ratio = results["practice list"] / results["minimal view /healthz"]
        log(f"{'list / minimal':<26} {ratio:>8.0%}")
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)
