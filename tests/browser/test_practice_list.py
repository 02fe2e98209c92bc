"""Filtering the practice list in a real browser, by mouse and by keyboard alone."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def results_heading(page):
    return page.locator("#results-heading").inner_text()


def option_label(page, facet, slug):
    return page.locator(f'label[for="f-{facet}-{slug}"]').inner_text()


def test_filtering_by_country_and_theme_changes_results_and_counts(site, page):
    base, urls = site
    page.goto(base + "/practices/")
    assert results_heading(page) == "3 practices"
    assert option_label(page, "theme", "peer-learning") == "Peer learning (2)"

    page.get_by_label("Portugal (2)").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"country=portugal"))
    assert "q=" not in page.url and "sort=" not in page.url, "empty fields should stay out of the address"
    assert results_heading(page) == "2 practices"
    # Focus moves to the new count, so a screen reader announces it.
    assert page.evaluate("document.activeElement.id") == "results-heading"
    # Counts of the other facets follow the country; the country facet keeps counting without it.
    assert option_label(page, "theme", "peer-learning") == "Peer learning (1)"
    assert option_label(page, "theme", "anticipatory-innovation") == "Anticipatory innovation (2)"
    # Options of one facet are "any of": ticking Denmark too would add one practice, and says so.
    assert option_label(page, "country", "denmark") == "Denmark (+1)"

    page.get_by_label("Peer learning (1)").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"theme=peer-learning"))
    assert results_heading(page) == "1 practice"
    assert page.get_by_role("link", name="Sharing and disseminating innovative practices").is_visible()
    assert option_label(page, "country", "portugal") == "Portugal (1)"
    assert option_label(page, "country", "denmark") == "Denmark (+1)"

    page.get_by_role("link", name="Remove country Portugal").click()
    page.wait_for_url(re.compile(r"^(?!.*country=)"))
    assert results_heading(page) == "2 practices"


def test_filters_work_with_the_keyboard_alone(site, page):
    base, _ = site
    page.goto(base + "/practices/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    def tab_to(selector, limit=60):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} cannot be reached with Tab")

    tab_to("#f-country-denmark")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused checkbox shows no focus outline"
    page.keyboard.press("Space")
    assert page.is_checked("#f-country-denmark")
    tab_to("button.apply")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"country=denmark"))
    assert results_heading(page) == "2 practices"
    assert page.is_checked("#f-country-denmark")


def test_filters_work_without_javascript(site, browser):
    base, _ = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/practices/")
    # The filters are folded away so the results come first; a native disclosure opens without scripts.
    page.get_by_text("Search, filters and sort").click()
    page.get_by_label("Denmark (2)").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"country=denmark"))
    assert results_heading(page) == "2 practices"
    context.close()


def test_typing_narrows_a_facets_options_and_says_how_many(site, page):
    base, urls = site
    page.goto(base + urls["facet_options"])
    options = page.locator("#f-options li[data-words]")
    total = options.count()
    assert total >= 2
    page.get_by_label("Find countries by name or ISO code").fill("PORTU")
    visible = page.locator("#f-options li[data-words]:visible label").all_inner_texts()
    assert [label.split(" (")[0] for label in visible] == ["Portugal"]
    assert page.locator("#f-find-status").inner_text() == f"1 of {total} options match “PORTU”."
    page.get_by_label("Find countries by name or ISO code").fill("")
    assert page.locator("#f-options li[data-words]:visible").count() == total
