"""Every page type at phone, tablet and desktop widths: no axe-core violation, nothing wider than
the screen, nothing from another host; the list's results and the practice's facts come first."""

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
    "partnership_list",
    "organisation",
    "organisation_list",
    "facet_options",
    "api_docs",
    "not_found",
]
WIDTHS = [320, 360, 768, 1280]
HEIGHT = {320: 640, 360: 740, 768: 1024, 1280: 900}


def top_of(page, selector):
    return page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().top")


def bottom_of(page, selector):
    return page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().bottom")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_fits_and_has_no_axe_violations(site, page, width):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = axe_module.Axe()
    base, urls = site
    page.set_viewport_size({"width": width, "height": HEIGHT[width]})
    reports, too_wide = {}, {}
    for name in PAGE_TYPES:
        page.goto(base + urls[name])
        results = axe.run(page)
        if results.violations_count:
            reports[name] = results.generate_report()
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[name] = scroll_width
        if name == "list" and width <= 360:
            # Phones get the results first: the first card starts within one and a half screens.
            assert top_of(page, ".results .card") <= 1.5 * HEIGHT[width]
        if name == "practice" and width == 1280:
            assert top_of(page, ".glance") < HEIGHT[width], "the facts at a glance are on the first screen"
            # The panel sits beside the page's text without pushing it down: the body follows the header.
            gap = top_of(page, ".practice-body") - bottom_of(page, ".practice-head")
            assert gap < 48, f"{gap}px of empty space under the practice's header"
    assert reports == {}, "\n\n".join(f"{name} at {width}px:\n{report}" for name, report in reports.items())
    assert too_wide == {}, f"wider than {width}px"
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
