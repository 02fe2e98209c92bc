"""What the top of a practice page shows: its lede, and the facts "at a glance", each with a way to its evidence."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext

from opsi_portal.lib.record_languages import Translated, translated

from .importing.sentences import summary_of
from .rendering import in_page_language

MAIN_THEMES = 6
CONTENTS = re.compile(r'\s*<nav class="contents".*?</nav>\s*', re.DOTALL)
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s|$)")


@dataclass
class GlanceItem:
    name: str | Translated  # a record's name in the page's language, or a country's name
    url: str
    evidence: str  # the anchor of the evidence on the same page
    via: str = ""  # what the fact comes through, when it is not named in the note itself


@dataclass
class Glance:
    countries: list = field(default_factory=list)
    toolkits: list = field(default_factory=list)
    programmes: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    more_themes: int = 0


@dataclass
class Lede:
    text: str = ""  # the summary, when the note does not open with it
    opening_html: str = ""  # else the note's first paragraph, taken out of the note to head the page
    note_html: str = ""  # the note's HTML without that paragraph


def evidence_anchor(kind, key):
    return f"evidence-{kind}-{key}".lower()


def whole_sentences(text):
    """`text` cut after its last whole sentence when it was cut mid-sentence ("…"); unchanged if it has none."""
    if not text.endswith("…"):
        return text
    ends = list(SENTENCE_END.finditer(text))
    return text[: ends[-1].end()] if ends else text


def lede_of(practice):
    """The lede, in whole sentences and said once.

    An imported note's summary is the start of its first paragraph: that paragraph becomes the
    lede, and the note goes on from the next block. A summary of a curator's own is the lede.
    """
    summary = practice.summary.strip()
    opening = summary_of(practice.body_markdown, limit=10**6)
    body_html = in_page_language(practice.body_html)
    if summary and opening.startswith(summary.removesuffix("…")):
        first, rest = split_first_paragraph(body_html)
        if first:
            return Lede(opening_html=first, note_html=rest)
    return Lede(text=whole_sentences(summary), note_html=body_html)


def split_first_paragraph(html):
    """The rendered note's opening paragraph and the rest (its contents list kept), or ("", html).

    Only a paragraph before any heading opens the note. Paragraphs never nest, so the first </p> closes it.
    """
    contents = CONTENTS.match(html)
    start = contents.end() if contents else 0
    body = html[start:].lstrip()
    if not body.startswith("<p>"):
        return "", html
    end = body.index("</p>") + len("</p>")
    return body[:end], html[:start] + body[end:]


def _through_toolkits(toolkit_mentions):
    """Programmes and organisations the toolkits named come from, each pointing at the toolkit's evidence."""
    programmes, organisations = {}, {}
    for mention in toolkit_mentions:
        toolkit = mention.toolkit
        anchor = evidence_anchor("toolkit", toolkit.slug)
        via = gettext("through {toolkit}").format(toolkit=toolkit.name)
        for programme in (toolkit.programme, getattr(toolkit.partnership, "programme", None)):
            if programme and programme.pk not in programmes:
                programmes[programme.pk] = GlanceItem(
                    translated(programme, "name"), programme.get_absolute_url(), anchor, via
                )
        for organisation in toolkit.developers.all():
            if organisation.pk not in organisations:
                organisations[organisation.pk] = GlanceItem(
                    translated(organisation, "name"), organisation.get_absolute_url(), anchor, via
                )
    return list(programmes.values()), list(organisations.values())


def glance_of(themes, country_mentions, toolkit_mentions):
    countries = [
        GlanceItem(
            m.country.display_name, m.country.get_absolute_url(), evidence_anchor("country", m.country.code.code)
        )
        for m in country_mentions
    ]
    toolkits = [
        GlanceItem(
            translated(m.toolkit, "name"), m.toolkit.get_absolute_url(), evidence_anchor("toolkit", m.toolkit.slug)
        )
        for m in toolkit_mentions
    ]
    programmes, organisations = _through_toolkits(toolkit_mentions)
    main_themes = [
        GlanceItem(translated(t, "name"), t.get_absolute_url(), "evidence-themes") for t in themes[:MAIN_THEMES]
    ]
    return Glance(
        countries=countries,
        toolkits=toolkits,
        programmes=programmes,
        organisations=organisations,
        themes=main_themes,
        more_themes=max(0, len(themes) - MAIN_THEMES),
    )
