"""A run that fills the practices table keeps its planner statistics up with it (PostgreSQL).

Statistics that say the table is empty make PostgreSQL check each theme's and candidate phrase's
practice by reading the table (`practices.importing.statistics`); the benchmark measures the cost.
"""

from types import SimpleNamespace

import pytest
from django.db import connection

from practices.importing import import_notes, statistics
from practices.importing.statistics import PlannerStatistics
from practices.models import Practice

NOTE = """---
title: Practice number {n}
---
## What

The Open Policy Lab used the Common Assessment Framework (CAF) in {n} agencies. See [[Topic {a}]] and [[Topic {b}]].
"""


def rows_in_statistics():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'practices_practice'")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_first_import_leaves_statistics_that_count_its_practices(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans each statement as it runs it")
    for n in range(40):
        (tmp_path / f"practice-{n}.md").write_text(NOTE.format(n=n, a=n % 7, b=n % 11), encoding="utf-8")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE practices_practice")  # statistics of an empty library
    assert rows_in_statistics() == 0
    analysed = []
    analyse = PlannerStatistics._analyse
    monkeypatch.setattr(PlannerStatistics, "_analyse", lambda self: analysed.append(1) or analyse(self))
    result = import_notes([tmp_path])
    assert len(result.created) == 40
    # Analysed after its first batch of 32, which doubled the table; the last 8 did not double it again.
    assert analysed == [1]
    assert rows_in_statistics() >= 32  # (or 40, had autovacuum analysed it since)


@pytest.fixture
def on_postgresql(monkeypatch):
    """A `PlannerStatistics` that takes the database for PostgreSQL, with statistics counting no row."""
    monkeypatch.setattr(statistics, "connection", SimpleNamespace(vendor="postgresql"))
    monkeypatch.setattr(PlannerStatistics, "_rows_in_statistics", lambda self: 0)


def test_the_table_is_analysed_each_time_a_run_doubles_it(on_postgresql, monkeypatch):
    analysed = []
    planner = PlannerStatistics()
    monkeypatch.setattr(planner, "_analyse", lambda: analysed.append(planner.counted + planner.added))
    for rows in (32, 20, 20, 40, 0, 1):
        planner.add(rows)
    assert analysed == [32, 72]  # 32 > 0, then 40 > 32; the last 41 are not more than 72


@pytest.mark.django_db
def test_a_failed_analyse_is_logged_and_the_run_goes_on(monkeypatch, caplog):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite is never analysed")
    missing = SimpleNamespace(_meta=SimpleNamespace(db_table="practices_no_such_table"))
    planner = PlannerStatistics(missing)
    monkeypatch.setattr(planner, "_rows_in_statistics", lambda: 0)
    planner.add(32)  # the ANALYZE fails: there is no such table
    assert "not analysed" in caplog.text
    assert not Practice.objects.exists()  # the run's transaction is still usable


@pytest.mark.django_db(transaction=True)
def test_an_analyse_that_would_wait_for_a_vacuum_gives_up(monkeypatch, caplog):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite is never analysed")
    holder = connection.get_new_connection(connection.get_connection_params())  # a second connection
    try:
        # The lock a vacuum or another ANALYZE of the table holds.
        holder.execute("LOCK TABLE practices_practice IN SHARE UPDATE EXCLUSIVE MODE")
        monkeypatch.setattr(statistics, "ANALYZE_LOCK_WAIT", "100ms")
        planner = PlannerStatistics()
        monkeypatch.setattr(planner, "_rows_in_statistics", lambda: 0)
        planner.add(32)
    finally:
        holder.close()
    assert "not analysed" in caplog.text
