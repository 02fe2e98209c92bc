"""The start-up check that tells when the SQLite at hand cannot run the search."""

from practices.search import checks


def test_no_error_when_fts5_is_there():
    assert checks.fts5_available()
    assert checks.check_fts5(None) == []


def test_sqlite_without_fts5_is_reported_at_start_up(monkeypatch, settings):
    monkeypatch.setattr(checks, "fts5_available", lambda: False)
    errors = checks.check_fts5(None)
    if all(connection.vendor != "sqlite" for connection in checks.connections.all(initialized_only=False)):
        assert errors == []  # PostgreSQL needs no FTS5
        return
    assert [error.id for error in errors] == ["practices.E001"]
    assert "has no FTS5" in errors[0].msg
