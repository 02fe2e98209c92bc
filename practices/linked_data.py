"""schema.org JSON-LD for a practice page: the article, the countries it is about, its video with key moments."""

import json

from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .importing.sentences import sentences_of

CLIP_NAME_LENGTH = 110
# What a JSON text needs so that no part of it can end or open markup inside <script>.
SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def clips(practice):
    """One Clip per moment the note cites, named by the first sentence said there, in video order."""
    video = practice.source_video
    moments = {}
    for sentence in sentences_of(practice.body_markdown):
        if sentence.seconds is not None and sentence.seconds not in moments:
            moments[sentence.seconds] = sentence.text
    starts = sorted(moments)
    result = []
    for index, start in enumerate(starts):
        name = moments[start]
        clip = {
            "@type": "Clip",
            "name": name if len(name) <= CLIP_NAME_LENGTH else name[: CLIP_NAME_LENGTH - 1].rstrip() + "…",
            "startOffset": start,
            "url": video.url_at(start),
        }
        if index + 1 < len(starts):
            clip["endOffset"] = starts[index + 1]
        result.append(clip)
    return result


def video_object(practice):
    video = practice.source_video
    data = {
        "@type": "VideoObject",
        "name": video.title or practice.title,
        "description": practice.summary or practice.title,
        "url": video.url,
        "embedUrl": f"https://www.youtube.com/embed/{video.youtube_id}",
        "thumbnailUrl": f"https://i.ytimg.com/vi/{video.youtube_id}/hqdefault.jpg",
        "uploadDate": practice.published_at.date().isoformat() if practice.published_at else None,
    }
    moments = clips(practice)
    if moments:
        data["hasPart"] = moments
    return {key: value for key, value in data.items() if value is not None}


def article(practice, url, country_mentions, themes):
    places = [
        {"@type": "Country", "name": m.country.display_name, "identifier": m.country.code.code}
        for m in country_mentions
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "@id": url,
        "url": url,
        "headline": practice.title[:110],
        "name": practice.title,
        "description": practice.summary,
        "inLanguage": "en",
        # To the second: a backup keeps milliseconds at most, and a restored page must read the same.
        "datePublished": practice.published_at.isoformat(timespec="seconds") if practice.published_at else None,
        "dateModified": practice.updated_at.isoformat(timespec="seconds") if practice.updated_at else None,
        "author": {"@type": "Organization", "name": gettext(settings.SITE_NAME)},
        "publisher": {"@type": "Organization", "name": gettext(settings.SITE_NAME)},
        "license": settings.DATA_LICENCE,
        "keywords": [theme.name for theme in themes],
        "spatialCoverage": places,
        "about": places,
    }
    if practice.source_video:
        data["video"] = video_object(practice)
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def script_json(data):
    """`data` as JSON safe inside <script>: `</script>` or `<!--` in a note cannot close or open anything."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(SCRIPT_SAFE))  # noqa: S308
