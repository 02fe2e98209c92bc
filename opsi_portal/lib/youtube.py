"""YouTube addresses and the HH:MM:SS moments the notes cite: the one home for both."""

import re

# An id is 11 letters, digits, - or _; the pattern is embedded in larger ones (index-note links).
VIDEO_ID_PATTERN = r"[A-Za-z0-9_-]{11}"
VIDEO_ID_RE = re.compile(rf"^{VIDEO_ID_PATTERN}$")


def watch_url(video_id, seconds=None):
    """The watch URL of a video, at a moment when `seconds` is given."""
    url = f"https://www.youtube.com/watch?v={video_id}"
    if seconds is not None:
        url += f"&t={int(seconds)}"
    return url


def format_timestamp(seconds):
    """Seconds as the notes write them: HH:MM:SS."""
    seconds = int(seconds)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
