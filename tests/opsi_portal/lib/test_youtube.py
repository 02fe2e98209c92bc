"""YouTube addresses and HH:MM:SS moments."""

from opsi_portal.lib.youtube import VIDEO_ID_RE, format_timestamp, watch_url


def test_watch_url_with_and_without_a_moment():
    assert watch_url("_HySsiq_l6A") == "https://www.youtube.com/watch?v=_HySsiq_l6A"
    assert watch_url("_HySsiq_l6A", 96) == "https://www.youtube.com/watch?v=_HySsiq_l6A&t=96"


def test_format_timestamp():
    assert format_timestamp(3725) == "01:02:05"


def test_video_id_pattern():
    assert VIDEO_ID_RE.match("_HySsiq_l6A")
    assert not VIDEO_ID_RE.match("_HySsiq_l6")
