"""Health, outages and failures: /healthz names what failed, the database going away is a 503, the API stays JSON."""

import json

import pytest
from django.db import OperationalError, connection

from tests import factories

pytestmark = pytest.mark.django_db


def database_down(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def test_healthz_checks_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.decode().splitlines() == ["database: ok", "cache: ok"]


def test_healthz_says_the_database_failed(client):
    with connection.execute_wrapper(database_down):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "database: unavailable" in response.content.decode()


@pytest.mark.parametrize("url", ["/practices/", "/practices/download.csv", "/practices/download.json"])
def test_pages_and_downloads_answer_503_while_the_database_is_down(client, url):
    factories.practice()
    with connection.execute_wrapper(database_down):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Temporarily unavailable" in response.content.decode()


def test_the_api_answers_json_while_the_database_is_down(client):
    with connection.execute_wrapper(database_down):
        response = client.get("/api/practices/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "database" in json.loads(response.content)["detail"]


def test_unknown_api_addresses_answer_json(client):
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert json.loads(response.content) == {"detail": "Not found."}


def test_a_server_error_in_the_api_answers_json(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("practices.api.views.PracticeViewSet.list", broken)
    client.raise_request_exception = False
    response = client.get("/api/practices/")
    assert response.status_code == 500
    assert json.loads(response.content)["detail"].startswith("A server error occurred")
