"""Anonymous searches, downloads and API calls past their rate get a clear 429; a dead cache lets them through."""

import json

import pytest
from rest_framework.throttling import AnonRateThrottle

from opsi_portal.throttling import heavy_slots
from tests import factories

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
}


@pytest.fixture
def rates(settings):
    settings.THROTTLE_SEARCH = "3/m"
    settings.THROTTLE_DOWNLOAD = "2/h"
    return settings


def statuses(client, url, times, **headers):
    return [client.get(url, **headers).status_code for _ in range(times)]


def test_searches_past_the_rate_get_a_clear_429(client, rates):
    factories.practice(title="Housing")
    assert statuses(client, "/practices/?q=housing", 3) == [200, 200, 200]
    response = client.get("/practices/?q=housing")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many requests" in response.content.decode()
    assert "searches" in response.content.decode()


def test_browsing_without_a_search_is_not_throttled(client, rates):
    factories.practice()
    assert set(statuses(client, "/practices/", 6)) == {200}
    assert set(statuses(client, "/practices/?sort=title&q=", 6)) == {200}


def test_each_address_has_its_own_count(client, rates):
    assert statuses(client, "/practices/?q=a", 4)[-1] == 429
    assert client.get("/practices/?q=a", REMOTE_ADDR="192.0.2.9").status_code == 200


def test_downloads_past_the_rate_get_429(client, rates):
    assert statuses(client, "/practices/download.csv", 3) == [200, 200, 429]
    assert client.get("/practices/download.json").status_code == 429  # one count for both formats


def test_curators_are_not_throttled(curator_client, rates):
    assert set(statuses(curator_client, "/practices/?q=a", 5)) == {200}


def test_the_api_past_its_rate_answers_429_in_json(client, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/min", raising=False)
    assert statuses(client, "/api/themes/", 2) == [200, 200]
    response = client.get("/api/themes/")
    assert response.status_code == 429
    assert "throttled" in json.loads(response.content)["detail"]


def test_throttling_fails_open_when_the_cache_is_down(client, rates, settings, monkeypatch):
    settings.CACHES = DEAD_REDIS
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/min", raising=False)
    assert set(statuses(client, "/practices/?q=a", 5)) == {200}
    assert set(statuses(client, "/practices/download.csv", 4)) == {200}
    assert set(statuses(client, "/api/themes/", 4)) == {200}


def test_one_costly_request_too_many_at_once_gets_a_busy_429(client, settings):
    settings.HEAVY_REQUESTS_PER_PROCESS = 1
    heavy_slots.cache_clear()
    first = client.get("/practices/download.csv")  # streaming: holds its slot until read to the end
    busy = client.get("/practices/?q=housing")
    assert busy.status_code == 429
    assert "busy" in busy.content.decode()
    b"".join(first.streaming_content)
    assert client.get("/practices/?q=housing").status_code == 200
    assert client.get("/practices/").status_code == 200  # browsing never waits for a slot
