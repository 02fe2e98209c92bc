"""Searches never asked before (each URL once, caches as they are): page, CPU and database time.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=opsi_portal.settings_bench .venv/bin/python -m benchmarks.cold_search 10

Ten words (the first argument) of each band, alone and with a country and a theme; the page cache and
the search's count and facets are missed every time; what does not depend on the words (the facet
totals of the filters) is cached from the first request on. Run it on the library `bench_pages` built.
"""

import math
import random
import sys
import time

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils.http import urlencode  # noqa: E402

from benchmarks.dataset import Vocabulary  # noqa: E402
from benchmarks.pages import bench_client  # noqa: E402

COMBOS = [("japan", "bench-0"), ("romania", "bench-0"), ("colombia", "bench-0"), ("portugal", "bench-3")]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def main(n, seed=7):
    words = Vocabulary(random.Random(1)).words  # noqa: S311  (the dataset's vocabulary)
    rng = random.Random(seed)  # noqa: S311
    client = bench_client()
    client.get("/practices/?warm=1")
    for band, pool in {"common": words[0:20], "mid": words[150:400]}.items():
        for filtered in (False, True):
            walls, cpus, dbs = [], [], []
            for i, word in enumerate(rng.sample(pool, n)):
                params = {"q": word, "r": rng.random()}
                if filtered:
                    params["country"], params["theme"] = COMBOS[i % len(COMBOS)]
                with CaptureQueriesContext(connection) as captured:
                    cpu, wall = time.process_time(), time.perf_counter()
                    response = client.get("/practices/?" + urlencode(params))
                    cpus.append((time.process_time() - cpu) * 1000)
                    walls.append((time.perf_counter() - wall) * 1000)
                assert response.status_code == 200, response.status_code  # noqa: S101
                dbs.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            name = f"{band} word" + (" + country + theme" if filtered else "")
            print(  # noqa: T201
                f"{name:<32} page {percentile(walls, 0.5):6.0f} / {percentile(walls, 0.95):6.0f}"
                f"   db {percentile(dbs, 0.5):6.0f} / {percentile(dbs, 0.95):6.0f}"
                f"   cpu {percentile(cpus, 0.5):5.0f} / {percentile(cpus, 0.95):5.0f}"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
