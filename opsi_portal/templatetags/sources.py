"""Where a curated record's fact comes from, in words: the video's title and the note's title.

Reference records (`incubator.models.Sourced`) keep the note's key and the video's id; a page shows
their titles instead, with the note linked to its practice when the public may see it.
"""

from dataclasses import dataclass

from django import template

from practices.importing.parser import humanise
from practices.models import Practice, Video

register = template.Library()


@dataclass(frozen=True)
class Source:
    video_title: str
    note_title: str
    note_url: str


@register.simple_tag(takes_context=True)
def source_of(context, record):
    """The `Source` of a `Sourced` record; looked up once per note and video for the whole page."""
    request = context.get("request")
    memo = getattr(request, "_sources", None) if request is not None else None
    if memo is None:
        memo = {}
        if request is not None:
            request._sources = memo
    key = (record.source_note, record.source_video_id)
    if key not in memo:
        memo[key] = _lookup(*key)
    return memo[key]


def _lookup(note_key, video_id):
    video_title = ""
    if video_id:
        video_title = Video.objects.filter(youtube_id=video_id).values_list("title", flat=True).first() or ""
    if not note_key:
        return Source(video_title, "", "")
    practice = Practice.objects.published().filter(note_key=note_key).only("slug", "title", "import_snapshot").first()
    if practice is not None:
        return Source(video_title, practice.note_title or practice.title, practice.get_absolute_url())
    note_title = humanise(note_key)
    return Source(video_title, note_title[:1].upper() + note_title[1:], "")
