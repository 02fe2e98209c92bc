"""The data version and the caches keyed on it: a change to content is never served stale."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from opsi_portal import caching
from opsi_portal.models import DataVersion
from tests import factories

pytestmark = pytest.mark.django_db


def test_data_version_is_stable_until_bumped():
    first = caching.data_version()
    assert caching.data_version() == first
    caching.bump_data_version()
    assert caching.data_version() != first


def test_a_version_stored_after_a_flush_never_repeats_an_old_one(django_capture_on_commit_callbacks):
    before = caching.stored_data_version()
    DataVersion.objects.all().delete()  # what a flush or a restore of an older database does
    with django_capture_on_commit_callbacks(execute=True):
        caching.bump_data_version()
    after = caching.stored_data_version()
    assert after > before
    assert caching.data_version() == str(after)


def test_code_fingerprint_covers_the_project_apps_and_templates_only():
    folders = {folder.name for folder in caching.code_folders()}
    assert {"practices", "incubator", "opsi_portal", "templates"} <= folders
    assert not folders & {"django", "rest_framework", "taggit", "axes"}


def test_cached_value_is_computed_once_per_version():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert caching.cached("counts", compute) == 1
    assert caching.cached("counts", compute) == 1
    caching.bump_data_version()
    assert caching.cached("counts", compute) == 2


def test_cached_values_are_kept_apart_by_params():
    assert caching.cached("counts", lambda: "a", params=("theme", "x")) == "a"
    assert caching.cached("counts", lambda: "b", params=("theme", "y")) == "b"


def test_cached_values_and_etags_are_kept_apart_by_language():
    """Records' names read in the active language, so nothing cached in one serves the other."""
    with translation.override("en"):
        assert caching.cached("facets", lambda: "English names") == "English names"
        english_tag = caching.content_etag(anonymous_request())
        english_key = caching.page_cache_key(anonymous_request(), ())
    with translation.override("fr"):
        assert caching.cached("facets", lambda: "noms français") == "noms français"
        assert caching.content_etag(anonymous_request()) != english_tag
        assert caching.page_cache_key(anonymous_request(), ()) != english_key


def anonymous_request():
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    request.user = type("Anonymous", (), {"is_authenticated": False, "pk": None})()
    return request


def test_saving_content_bumps_the_version():
    before = caching.data_version()
    practice = factories.practice()
    after_save = caching.data_version()
    assert after_save != before
    practice.themes.add("Foresight")
    after_theme = caching.data_version()
    assert after_theme != after_save
    practice.delete()
    assert caching.data_version() != after_theme


def test_saving_a_reference_record_bumps_the_version():
    before = caching.data_version()
    factories.toolkit()
    assert caching.data_version() != before


def test_etag_changes_with_the_data_and_the_viewer(curator):
    request = RequestFactory().get("/")
    request.user = type("Anonymous", (), {"is_authenticated": False, "pk": None})()
    anonymous = caching.content_etag(request)
    request.user = curator
    assert caching.content_etag(request) != anonymous
    request.user = type("Anonymous", (), {"is_authenticated": False, "pk": None})()
    factories.practice()
    assert caching.content_etag(request) != anonymous


def test_list_page_is_served_from_the_cache_until_the_data_changes(client, django_assert_num_queries):
    factories.practice(title="First")
    client.get("/practices/")
    with django_assert_num_queries(1):  # the data version, read from the database once per request
        cached_page = client.get("/practices/")
    assert "First" in cached_page.content.decode()
    factories.practice(title="Second")
    assert "Second" in client.get("/practices/").content.decode()


def test_list_page_is_not_cached_for_curators(curator_client):
    factories.practice(title="First")
    curator_client.get("/practices/")
    with CaptureQueriesContext(connection) as again:
        curator_client.get("/practices/")
    assert len(again.captured_queries) > 0


def test_the_version_is_bumped_again_when_the_write_commits(django_capture_on_commit_callbacks):
    """A page read between a write and its commit must not stay cached under the new version."""
    with django_capture_on_commit_callbacks() as callbacks:
        factories.practice()
        during = caching.data_version()
    assert callbacks, "no bump was scheduled for the commit"
    for callback in callbacks:
        callback()
    assert caching.data_version() != during


def test_cached_list_pages_keep_their_own_host(client):
    factories.practice()
    first = client.get("/practices/", HTTP_HOST="localhost").content.decode()
    second = client.get("/practices/", HTTP_HOST="127.0.0.1").content.decode()
    assert 'href="http://localhost/practices/"' in first
    assert 'href="http://127.0.0.1/practices/"' in second


def page_keys():
    return [key for key in cache._cache if ":page:" in key]  # the in-process cache's own store


def test_junk_parameters_and_host_ports_add_no_cached_pages(client):
    factories.practice(title="First")
    client.get("/practices/")
    for n in range(20):
        assert client.get(f"/practices/?utm_source={n}").status_code == 200
        page = client.get("/practices/", HTTP_HOST=f"localhost:{8000 + n}")
        assert f'href="http://localhost:{8000 + n}/practices/"' in page.content.decode()
    assert len(page_keys()) == 1


def test_the_order_of_known_parameters_shares_one_cached_page(client):
    factories.practice(title="First")
    client.get("/practices/?sort=title&page=1")
    client.get("/practices/?page=1&sort=title")
    assert len(page_keys()) == 1


def test_the_port_the_server_listens_on_is_cached(client):
    factories.practice(title="First")
    client.get("/practices/", HTTP_HOST="localhost:8000", SERVER_PORT="8000")
    assert len(page_keys()) == 1


def test_writes_inside_data_version_once_raise_the_version_once_when_it_ends(django_capture_on_commit_callbacks):
    before = caching.stored_data_version()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        with caching.data_version_once():
            for title in ("One", "Two", "Three"):
                factories.practice(title=title)
        assert caching.stored_data_version() == before  # not yet: the block's commit comes next
    assert caching.stored_data_version() > before
    table = DataVersion._meta.db_table
    assert len([q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and table in q["sql"]]) == 1


def test_a_data_version_once_block_without_writes_keeps_the_version():
    before = caching.stored_data_version()
    with caching.data_version_once():
        pass
    assert caching.stored_data_version() == before
