"""The home, list and practice pages, map included, load in at most 8 requests and 60 KB compressed."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_REQUESTS = 8
MAX_BYTES = 60_000


@pytest.mark.parametrize("name", ["home", "list", "practice"])
def test_page_weight(site, browser, name):
    base, urls = site
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, extra_http_headers={"Accept-Encoding": "gzip"}
    )
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(base + urls[name], wait_until="networkidle")
    sizes = {request.url: request.sizes() for request in finished}
    total = sum(size["responseBodySize"] + size["responseHeadersSize"] for size in sizes.values())
    context.close()
    assert len(sizes) <= MAX_REQUESTS, list(sizes)
    assert total <= MAX_BYTES, sizes
    assert any("flags" in url for url in sizes) is False, "flags are inline, not one request each"


def test_printed_timestamps_show_the_time_not_the_address(site, page):
    base, urls = site
    page.goto(base + urls["practice"])
    page.emulate_media(media="print")
    after = "(el) => getComputedStyle(el, '::after').content"
    assert page.locator(".note a.timestamp").first.evaluate(after) in ("none", "normal")
    assert page.locator(".note a.timestamp").first.inner_text() == "[00:01:36]"
