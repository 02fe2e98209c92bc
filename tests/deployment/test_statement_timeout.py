"""On PostgreSQL the web server's statements are cut at STATEMENT_TIMEOUT; other processes are not limited."""

import pytest
from django.db import connection

from tests.deployment.test_load_during_import import database_url
from tests.deployment.test_production_settings import manage, production_env

pytestmark = pytest.mark.django_db

SLOW_QUERY = (
    "from django.db import connection\n"
    "try:\n"
    "    connection.cursor().execute('SELECT pg_sleep(3)')\n"
    "    print('finished')\n"
    "except Exception as error:\n"
    "    print(type(error).__name__, str(error).splitlines()[0])\n"
)


@pytest.fixture
def postgresql(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("statement timeouts are PostgreSQL's")
    return database_url(tmp_path)


def test_a_statement_past_the_timeout_is_cancelled(postgresql):
    result = manage("shell", "-c", SLOW_QUERY, env=production_env(DATABASE_URL=postgresql, STATEMENT_TIMEOUT="200"))
    assert result.stdout.strip().splitlines()[-1] == (
        "OperationalError canceling statement due to statement timeout"
    ), result.stderr[-2000:]


def test_without_the_setting_statements_run_to_the_end(postgresql):
    code = (
        "from django.db import connection; cursor = connection.cursor(); "
        "cursor.execute('SHOW statement_timeout'); print(cursor.fetchone()[0])"
    )
    result = manage("shell", "-c", code, env=production_env(DATABASE_URL=postgresql))
    assert result.stdout.strip().splitlines()[-1] == "0", result.stderr[-2000:]
