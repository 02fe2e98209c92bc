"""PostgreSQL: an import refreshes each batch's search data on a connection of its own while it writes the next.

What the run leaves is exactly what refreshing every practice afresh gives, also when a refresh
fails (the run's end does it again); inside a transaction, and on SQLite, a batch is refreshed at once.
"""

import logging
import threading

import pytest
from django.db import connection, transaction

from benchmarks.dataset import write_vault
from practices.importing import import_notes
from practices.search import index, rebuild_search_index, refreshing_alongside, search
from tests import factories

NOTES = 80  # batches of 32 and then 48: two refreshes handed over


def search_data():
    """Every practice's stored search data, as text, by id."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT p.id, p.search_rank_vector::text, p.theme_ids, s.vector::text,"
                " s.rank_vector::text, s.theme_ids FROM practices_practice AS p"
                " JOIN practices_search_row AS s ON s.id = p.id ORDER BY p.id"
            )
        else:
            cursor.execute(f"SELECT * FROM {index.DOCUMENT_TABLE} ORDER BY id")  # noqa: S608 (a constant)
        return cursor.fetchall()


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: it refreshes in the importer's connection")


@pytest.fixture
def generated_vault(tmp_path, settings):
    settings.IMPORT_WORKERS = 1
    write_vault(tmp_path, NOTES)
    return tmp_path


def connections_to_this_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_batches_are_refreshed_on_another_connection_and_left_as_a_full_refresh_would(
    postgresql_only, generated_vault, monkeypatch
):
    threads = []
    refresh = index._refresh_in_a_transaction

    def spied(ids):
        threads.append(threading.current_thread().name)
        return refresh(ids)

    monkeypatch.setattr(index, "_refresh_in_a_transaction", spied)
    before = connections_to_this_database()
    result = import_notes([generated_vault])
    assert len(result.created) == NOTES
    assert len(threads) >= 2
    assert all(name.startswith("search-refresh") for name in threads)
    assert connections_to_this_database() == before  # the thread's connection is closed
    written = search_data()
    assert len(written) == NOTES and all(row[1] and row[4] for row in written)
    rebuild_search_index()
    assert search_data() == written


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refresh_that_fails_is_done_again_by_the_run(postgresql_only, generated_vault, monkeypatch, caplog):
    refresh, failed = index._refresh_in_a_transaction, []

    def failing_once(ids):
        if not failed:
            failed.append(ids)
            raise RuntimeError("the server went away")
        return refresh(ids)

    monkeypatch.setattr(index, "_refresh_in_a_transaction", failing_once)
    with caplog.at_level(logging.WARNING, logger=index.__name__):
        result = import_notes([generated_vault])
    assert len(result.created) == NOTES and failed
    assert "refreshed again: the server went away" in caplog.text
    written = search_data()
    assert all(row[1] and row[4] for row in written)
    rebuild_search_index()
    assert search_data() == written


@pytest.mark.django_db
def test_inside_a_transaction_a_batch_is_refreshed_at_once():
    practice = factories.practice(title="Quinquennial review of budgets")
    with transaction.atomic(), refreshing_alongside() as alongside:
        practice.title = "Triennial review of budgets"
        type(practice).objects.filter(pk=practice.pk).update(title_en=practice.title, title=practice.title)
        alongside.refresh([practice.pk])
        assert alongside.executor is None
        assert list(search(type(practice).objects.published(), "triennial")) == [practice]
