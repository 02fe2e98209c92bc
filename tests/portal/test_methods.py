"""OPTIONS answers which methods are allowed, not with the page; TRACE and other methods get 405."""

import json

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/practices/", "/api/"])
def test_options_lists_the_methods_without_the_page(client, url):
    factories.practice(title="A practice with a title")
    response = client.options(url)
    assert response.status_code == 204
    assert response.content == b""
    assert response["Allow"] == "GET, HEAD, POST, OPTIONS"


def test_options_on_an_api_endpoint_is_its_short_description(client):
    response = client.options("/api/practices/")
    assert response.status_code == 200
    assert "results" not in response.json()


@pytest.mark.parametrize("url", ["/", "/practices/"])
def test_trace_is_refused(client, url):
    response = client.generic("TRACE", url)
    assert response.status_code == 405
    assert b"<html" not in response.content.lower()


def test_trace_on_the_api_is_refused_in_json(client):
    response = client.generic("TRACE", "/api/practices/")
    assert response.status_code == 405
    assert "TRACE" in json.loads(response.content)["detail"]
