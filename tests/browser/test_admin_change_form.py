"""A practice's change form at 1280 px: every mention row's delete box is on the screen."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.browser.conftest import restore_countries

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_SENTENCE = (
    "Portugal's Anticipatory Innovation Starter Kit, which the Portuguese government and OPSI developed together "
    "over two years of pilots in three ministries, was presented at the closing session [00:12:30]."
)


def signed_in_page(browser, live_server):
    user = User.objects.create_superuser("admin", password="a-long-admin-password")
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context, context.new_page()


def test_the_delete_box_of_each_mention_row_is_within_1280_px(browser, live_server):
    restore_countries()
    practice = factories.practice(source_video=factories.video(), body_markdown="Long text.\n\n" * 400)
    practice.themes.add(factories.theme(name="Anticipatory innovation governance in the public sector"))
    factories.country_mention(practice, factories.country("PT"), sentence=LONG_SENTENCE, moments=[750, 800, 900])
    toolkit = factories.toolkit(name="Anticipatory Innovation Starter Kit for governments and their partners")
    factories.toolkit_mention(practice, toolkit, sentence=LONG_SENTENCE)
    context, page = signed_in_page(browser, live_server)
    try:
        page.goto(live_server.url + reverse("admin:practices_practice_change", args=[practice.pk]))
        for prefix in ("countrymention_set", "toolkitmention_set", "themed_items"):
            box = page.locator(f'input[name="{prefix}-0-DELETE"]').bounding_box()
            assert box is not None, prefix
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, (prefix, box)
        # The mentions come before the text, which is folded.
        mentions_top = page.locator("#countrymention_set-group").bounding_box()["y"]
        text_top = page.locator('textarea[name="body_markdown"]').bounding_box()["y"]
        assert mentions_top < text_top
        assert not page.locator("details.rendered-text").get_attribute("open")
    finally:
        context.close()
