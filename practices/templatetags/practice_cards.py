"""A practice card's facts and dates, joined in Python: a list page shows twenty cards, and the
template engine took half a millisecond for each card's loops over its countries and themes."""

from functools import lru_cache

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from opsi_portal.lib.markup import escaped

register = template.Library()

# A card names its first themes; the rest are counted.
CARD_THEMES = 5


def joined_links(records):
    """The records' links, comma-separated: held records carry them (`held_records`), others are built."""
    return ", ".join(escaped(getattr(record, "held_link", None) or record.link_html()) for record in records)


@register.simple_tag
def card_facts(practice):
    """The card's countries and themes as a description list, or nothing when it has neither."""
    countries, themes = practice.card_countries, practice.card_themes
    if not countries and not themes:
        return ""
    parts = []
    if countries:
        parts.append(f"<dt>{escaped(gettext('Countries'))}</dt><dd>{joined_links(countries)}</dd>")
    if themes:
        more = len(themes) - CARD_THEMES
        counted = " " + ngettext("and %(count)s more", "and %(count)s more", more) % {"count": more} if more > 0 else ""
        parts.append(
            f"<dt>{escaped(gettext('Themes'))}</dt><dd>{joined_links(themes[:CARD_THEMES])}{escaped(counted)}</dd>"
        )
    return mark_safe(f'<dl class="card-facts">{"".join(parts)}</dl>')  # noqa: S308 (every value in it is escaped)


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
