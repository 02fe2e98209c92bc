"""axe-core finds no violation on any page type, and no page loads anything from another host."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_TYPES = [
    "home",
    "list",
    "list_error",
    "practice",
    "theme_list",
    "theme",
    "country_list",
    "country",
    "toolkit_list",
    "toolkit",
    "programme_list",
    "programme",
    "partnership",
    "organisation",
    "not_found",
]


def test_every_page_type_has_no_axe_violations(site, page):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = axe_module.Axe()
    base, urls = site
    reports = {}
    for name in PAGE_TYPES:
        page.goto(base + urls[name])
        results = axe.run(page)
        if results.violations_count:
            reports[name] = results.generate_report()
    assert reports == {}, "\n\n".join(f"{name}:\n{report}" for name, report in reports.items())
    assert page.requested_hosts == {base.split("://")[1]}


def test_axe_reports_a_known_violation(page):
    """The checker itself works: an image without a text alternative is reported."""
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    page.set_content('<!DOCTYPE html><html lang="en"><title>t</title><main><img src="data:,"></main></html>')
    assert "image-alt" in axe_module.Axe().run(page).generate_snapshot()


def test_every_page_type_has_one_h1_and_a_main_landmark(site, page):
    base, urls = site
    for name in PAGE_TYPES:
        page.goto(base + urls[name])
        assert page.locator("h1").count() == 1, name
        assert page.locator("main#main").count() == 1, name
