"""A run that fills the practices table keeps its planner statistics up with it (PostgreSQL).

Statistics that say the table is empty make PostgreSQL check each theme's and candidate phrase's
practice by reading the table (`practices.importing.statistics`); the benchmark measures the cost.
"""

import pytest
from django.db import connection

from practices.importing import import_notes
from practices.importing.statistics import PlannerStatistics

NOTE = """---
title: Practice number {n}
---
## What

The Open Policy Lab used the Common Assessment Framework (CAF) in {n} agencies. See [[Topic {a}]] and [[Topic {b}]].
"""


def requires_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans each statement as it runs it")


def rows_in_statistics():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'practices_practice'")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_first_import_leaves_statistics_that_count_its_practices(tmp_path):
    requires_postgresql()
    for n in range(40):
        (tmp_path / f"practice-{n}.md").write_text(NOTE.format(n=n, a=n % 7, b=n % 11), encoding="utf-8")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE practices_practice")  # statistics of an empty library
    assert rows_in_statistics() == 0
    result = import_notes([tmp_path])
    assert len(result.created) == 40
    # Analysed after its first batch of 32, which doubled the table; the last 8 did not double it again.
    assert rows_in_statistics() == 32


@pytest.mark.django_db
def test_the_table_is_analysed_each_time_a_run_doubles_it(monkeypatch):
    requires_postgresql()
    analysed = []
    statistics = PlannerStatistics()
    monkeypatch.setattr(statistics, "_rows_in_statistics", lambda: 0)
    monkeypatch.setattr(statistics, "_analyse", lambda: analysed.append(statistics.counted + statistics.added))
    for rows in (32, 20, 20, 40, 0, 1):
        statistics.add(rows)
    assert analysed == [32, 72]  # 32 > 0, then 40 > 32; the last 41 are not more than 72
