"""Dates that mean something: "Video of" when the video is dated, "Added" otherwise, and sorts that say which."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from practices.models import Practice
from tests import factories

pytestmark = pytest.mark.django_db

LIST_URL = "/practices/"


@pytest.fixture
def library():
    """Three practices: two from dated videos, one added most recently from an undated video."""
    now = timezone.now()

    def make(title, video_date, days_ago):
        video = factories.video(published_on=video_date)
        practice = factories.practice(title=title, slug=title.lower().replace(" ", "-"), source_video=video)
        Practice.objects.filter(pk=practice.pk).update(published_at=now - datetime.timedelta(days=days_ago))
        return practice

    return {
        "old video": make("Old video", datetime.date(2019, 5, 2), days_ago=1),
        "new video": make("New video", datetime.date(2024, 1, 9), days_ago=3),
        "undated": make("Undated video", None, days_ago=0),
    }


def titles(response):
    return [practice.title for practice in response.context["page"].object_list]


def test_cards_say_video_of_or_added(client, library):
    html = client.get(LIST_URL).content.decode()
    assert 'Video of <time datetime="2024-01-09">9 January 2024</time>' in html
    assert 'Video of <time datetime="2019-05-02">2 May 2019</time>' in html
    added = library["undated"].added_at
    assert f'Added <time datetime="{added:%Y-%m-%d}">' in html
    assert "Published <time" not in html


def test_the_practice_page_says_both_when_the_video_is_dated(client, library):
    html = client.get(library["new video"].get_absolute_url()).content.decode()
    added = Practice.objects.get(pk=library["new video"].pk).added_at
    assert (
        f'Video of <time datetime="2024-01-09">9 January 2024</time> · added <time datetime="{added:%Y-%m-%d}">' in html
    )


def test_the_default_order_is_by_date_added_and_says_so(client, library):
    response = client.get(LIST_URL)
    assert titles(response) == ["Undated video", "Old video", "New video"]
    assert '<option value="" selected>Recently added first</option>' in response.content.decode()


def test_newest_video_first_puts_undated_videos_last(client, library):
    response = client.get(LIST_URL, {"sort": "-video"})
    assert titles(response) == ["New video", "Old video", "Undated video"]
    assert '<option value="-video" selected>Newest video first</option>' in response.content.decode()
    assert titles(client.get(LIST_URL, {"sort": "video"})) == ["Old video", "New video", "Undated video"]


def test_downloads_feeds_and_the_api_give_the_video_date(client, library):
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get("/practices/download.csv").streaming_content).decode())))
    assert {row["title_en"]: row["video_date"] for row in rows} == {
        "Undated video": "",
        "Old video": "2019-05-02",
        "New video": "2024-01-09",
    }
    feed = client.get("/practices/feed/").content.decode()
    assert "Video of 9 January 2024." in feed
    api = client.get(f"/api/practices/{library['new video'].slug}/").json()
    assert api["source_video"]["published_on"] == "2024-01-09"
