"""A practice's card, written in Python: a list page shows twenty cards, and the template engine
took a quarter of a millisecond for each (half of it the "Watch from here" link's blocktranslate)."""

from functools import lru_cache

from django import template
from django.template.loader import get_template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from opsi_portal.lib.markup import escaped
from opsi_portal.lib.record_languages import translated, translated_html

register = template.Library()

# A card names its first themes; the rest are counted.
CARD_THEMES = 5
# Words of the summary a card shows when it has no snippet.
CARD_SUMMARY_WORDS = 40


@register.simple_tag
def practice_card(practice, why=None):
    """The practice's card: its title, what it is about (a search's snippet, else the summary), its
    countries and themes, why a country's or toolkit's page lists it (`why`, a mention), its date."""
    title = escaped(translated_html(translated(practice, "title")))
    parts = [
        f'<h3><a href="{escaped(practice.get_absolute_url())}">{title}</a></h3>',
        _card_text(practice),
        card_facts(practice),
        _why_listed(why),
        practice_date(practice),
    ]
    inside = "\n  ".join(part for part in parts if part)
    return mark_safe(f'<article class="card">\n  {inside}\n</article>\n')  # noqa: S308 (every value in it is escaped)


def _card_text(practice):
    """The search's snippet with its "Watch from here" link, else the summary's first words."""
    snippet = getattr(practice, "snippet", None)
    if snippet:
        watch = ""
        if snippet.url:
            words = gettext("Watch from here (%(timestamp)s)") % {"timestamp": snippet.timestamp}
            watch = f' <a class="watch" href="{escaped(snippet.url)}">{escaped(words)}</a>'
        return f'<p class="snippet">{escaped(snippet.html)}{watch}</p>'
    if practice.summary:
        return f"<p>{escaped(translated_html(translated(practice, 'summary'), CARD_SUMMARY_WORDS))}</p>"
    return ""


def _why_listed(mention):
    if not mention:
        return ""
    evidence = get_template("includes/evidence.html").render({"mention": mention})
    return f'<p class="why">{escaped(gettext("Why it is listed here:"))} {evidence}</p>'


def joined_links(records):
    """The records' links, comma-separated: held records carry them (`held_records`), others are built."""
    return ", ".join(escaped(getattr(record, "held_link", None) or record.link_html()) for record in records)


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
