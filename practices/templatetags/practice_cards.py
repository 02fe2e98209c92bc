"""A practice card's facts and dates, joined in Python: a list page shows twenty cards, and the
template engine took half a millisecond for each card's loops over its countries and themes."""

from functools import lru_cache

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

register = template.Library()

# A card names its first themes; the rest are counted.
CARD_THEMES = 5


def joined_links(records):
    """The records' links, comma-separated: held records carry them (`held_records`), others are built."""
    links = (getattr(record, "held_link", None) or record.link_html() for record in records)
    return format_html_join(", ", "{}", ((link,) for link in links))


@register.simple_tag
def card_facts(practice):
    """The card's countries and themes as a description list, or nothing when it has neither."""
    countries, themes = practice.card_countries, practice.card_themes
    if not countries and not themes:
        return ""
    parts = []
    if countries:
        parts.append(format_html("<dt>{}</dt><dd>{}</dd>", gettext("Countries"), joined_links(countries)))
    if themes:
        more = len(themes) - CARD_THEMES
        counted = " " + ngettext("and %(count)s more", "and %(count)s more", more) % {"count": more} if more > 0 else ""
        parts.append(
            format_html("<dt>{}</dt><dd>{}{}</dd>", gettext("Themes"), joined_links(themes[:CARD_THEMES]), counted)
        )
    return format_html('<dl class="card-facts">{}</dl>', mark_safe("".join(parts)))  # noqa: S308 (built escaped)


def _time_element(value):
    """`value` (a date, or an aware datetime shown in the site's time zone) as a <time> element's parts."""
    if hasattr(value, "tzinfo"):
        value = timezone.template_localtime(value).date()
    return _date_parts(value, get_language())


@lru_cache(maxsize=4096)
def _date_parts(day, language):
    # Cards repeat the same few hundred days, and Django's date formatting is slow for a list of cards.
    return {"iso": escape(format_date(day, "Y-m-d")), "shown": escape(format_date(day, "j F Y"))}


@register.simple_tag
def practice_date(practice, with_added=False):
    """The date that means something: the video's when the vault gave one, else when the practice was added."""
    video_date = practice.video_date
    if not video_date:
        line = gettext('Added <time datetime="%(iso)s">%(shown)s</time>') % _time_element(practice.added_at)
    else:
        line = gettext('Video of <time datetime="%(iso)s">%(shown)s</time>') % _time_element(video_date)
        if with_added:
            line += " · " + gettext('added <time datetime="%(iso)s">%(shown)s</time>') % _time_element(
                practice.added_at
            )
    return format_html('<p class="meta">{}</p>', mark_safe(line))  # noqa: S308 (a translation with escaped dates)
