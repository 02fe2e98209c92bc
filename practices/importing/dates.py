"""The dates of the videos, when the vault gives them: a note's front matter or the channel's index.

A note may say when its video was published (`date`, `published`, `uploadDate`, `upload_date`...);
the index may carry a `Date: ...` line under a video's heading. The date is stored on the video,
only where none is stored yet, so a date a curator set or corrected in the admin is never replaced.
"""

import datetime
import re
from dataclasses import dataclass

from ..models import Video
from .parser import HEADING_RE, INDEX_VIDEO_RE, Problem

# Front matter keys that name the video's date, compared without case, "_" or "-".
DATE_KEYS = ("date", "published", "publishedat", "publishdate", "datepublished", "uploaddate", "uploaded")
# Under a video's heading in the index note: "Date: 2023-03-04", "- **Published:** 4 March 2023".
INDEX_DATE_RE = re.compile(
    r"^\s*(?:[-*+]\s+)?\**(?:date|published|uploaded|upload date)\**\s*:\s*\**\s*(?P<value>[^*]+?)\s*\**\s*$",
    re.IGNORECASE,
)
WRITTEN_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y")
# YouTube took its first upload in April 2005; an earlier date is a mistake, and so is one ahead of today.
FIRST_VIDEO_DATE = datetime.date(2005, 4, 23)


@dataclass(frozen=True)
class VideoDate:
    """The date the vault gives a video, and the file and line that give it."""

    youtube_id: str
    date: datetime.date
    file: str
    line: int


def read_date(value):
    """The date in a front matter or index value (a YAML date, ISO 8601, YYYYMMDD, "4 March 2023"), or None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if isinstance(value, int) or re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:8]}"
    for parse in (_iso_date, _written_date):
        found = parse(text)
        if found is not None:
            return found if FIRST_VIDEO_DATE <= found <= datetime.date.today() else None
    return None


def _iso_date(text):
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _written_date(text):
    for form in WRITTEN_FORMATS:
        try:
            return datetime.datetime.strptime(text, form).date()  # noqa: DTZ007 (a calendar date, no zone)
        except ValueError:
            continue
    return None


def front_matter_date(front):
    """(key, value) of the first front matter entry that names a date, or None."""
    for key, value in front.items():
        if isinstance(key, str) and re.sub(r"[_\-\s]", "", key).lower() in DATE_KEYS and value not in (None, ""):
            return key, value
    return None


def note_dates(notes, videos):
    """The video dates the parsed topic `notes` give; an unreadable date is reported on its note.

    `videos` maps note keys to the video the index lists them under, for notes without a videoId.
    """
    found = []
    for note in notes:
        entry = front_matter_date(note.front_matter)
        video_id = note.video_id or videos.get(note.key, "")
        if entry is None or not video_id:
            continue
        date = read_date(entry[1])
        if date is None:
            message = f"{entry[0]}: {entry[1]!r} is not a date a video can have; the video stays undated"
            note.problems.append(Problem(note.file, 2, "date-invalid", message))
            continue
        found.append(VideoDate(video_id, date, note.file, 2))
    return found


def index_dates(index_note):
    """The dates the index note gives its videos, on a `Date: ...` line under each video's heading."""
    found, current = [], None
    for offset, line in enumerate(index_note.body.split("\n")):
        video = INDEX_VIDEO_RE.match(line)
        if video or HEADING_RE.match(line):
            current = video.group("id") if video else None
            continue
        written = INDEX_DATE_RE.match(line) if current else None
        date = read_date(written.group("value")) if written else None
        if date is not None:
            found.append(VideoDate(current, date, index_note.file, offset + 1))
            current = None
    return found


def record(dates, problems):
    """Store each video's date where none is stored; report a date the vault contradicts.

    Returns how many videos got a date. The first date given for a video wins within a run.
    """
    by_video = {}
    for given in dates:
        by_video.setdefault(given.youtube_id, given)
    videos = Video.objects.filter(youtube_id__in=list(by_video)).only("youtube_id", "published_on")
    undated = []
    for video in videos:
        given = by_video[video.youtube_id]
        if video.published_on is None:
            video.published_on = given.date
            undated.append(video)
        elif video.published_on != given.date:
            message = f"the vault dates video {video.youtube_id} {given.date}; the stored {video.published_on} is kept"
            problems.append(Problem(given.file, given.line, "video-date-kept", message))
    Video.objects.bulk_update(undated, ["published_on"])
    return len(undated)
