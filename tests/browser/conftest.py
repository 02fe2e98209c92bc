"""Playwright's Chromium against pytest-django's live server; skipped where Chromium is absent."""

from importlib import import_module
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command

from incubator.models import Country
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.sample_site import build_sample_site


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium: scripts/system-deps.sh installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def restore_countries():
    """Put back every country, as the data migration creates them.

    Live-server tests are transactional, so each ends by emptying every table. pytest-django's
    serialized rollback would restore them, but Playwright's greenlets give the test a fresh
    connection object that lacks the serialized copy (pytest-django issue 1117).
    """
    if not Country.objects.exists():
        import_module("incubator.migrations.0002_all_countries").create_countries(apps, None)


# The data migrations that make the Curators group and grant it its permissions, in order.
CURATORS_MIGRATIONS = [
    ("practices.migrations.0002_curators_group", "create_group"),
    ("practices.migrations.0006_theme_spellings", "allow_curators"),
    ("practices.migrations.0007_reference_candidates_curators", "grant"),
    ("practices.migrations.0013_import_runs_review", "grant"),
]


def restore_curators():
    """Put back the Curators group, which the flush after an earlier live-server test removed (see above)."""
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name="Curators").exists():
        for module, function in CURATORS_MIGRATIONS:
            getattr(import_module(module), function)(apps, None)


@pytest.fixture
def site(live_server):
    """The sample portal served by the live server: its base URL and the path of each page type."""
    restore_countries()
    restore_curators()
    call_command("loaddata", "incubator", verbosity=0)
    return live_server.url, build_sample_site()


@pytest.fixture
def page(browser, live_server):
    """A fresh page that records every host it requests; nothing may come from elsewhere."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requested_hosts = set()
    page.on("request", lambda request: page.requested_hosts.add(urlsplit(request.url).netloc))
    yield page
    context.close()
