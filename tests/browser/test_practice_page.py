"""Following a timestamp from a practice to its moment in the video; nothing third-party before that."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_timestamp_link_opens_the_video_at_that_second(site, page):
    base, urls = site
    # No network in tests: YouTube is answered by a stub so the navigation itself can be checked.
    page.route("https://www.youtube.com/**", lambda route: route.fulfill(body="video", content_type="text/html"))
    page.goto(base + urls["practice"])
    assert page.requested_hosts == {base.split("://")[1]}, "the practice page loaded something from another host"

    page.locator(".note a.timestamp", has_text="[00:01:36]").click()
    page.wait_for_url("https://www.youtube.com/**")
    assert page.url == "https://www.youtube.com/watch?v=_HySsiq_l6A&t=96"


def test_evidence_link_opens_the_video_at_the_sentence(site, page):
    base, urls = site
    page.route("https://www.youtube.com/**", lambda route: route.fulfill(body="video", content_type="text/html"))
    page.goto(base + urls["practice"])
    page.get_by_role("link", name="video at 00:01:16").first.click()
    page.wait_for_url("https://www.youtube.com/**")
    assert page.url.endswith("&t=76")


def test_contents_link_moves_to_the_section(site, page):
    base, urls = site
    page.goto(base + urls["practice"])
    page.get_by_role("navigation", name="Contents").get_by_role("link", name="How it works").click()
    assert page.url.endswith("#note-how-it-works")
    assert page.locator("#note-how-it-works").is_visible()
