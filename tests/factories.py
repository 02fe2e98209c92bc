"""Small factories: each makes one valid record, with overrides."""

import itertools

from incubator.models import Country, Organisation, Participation, Partnership, PartnershipMember, Programme, Toolkit
from opsi_portal.caching import bump_data_version
from practices.models import (
    CountryMention,
    Origin,
    Practice,
    ReferenceCandidate,
    Theme,
    ThemeRedirect,
    ThemeSpelling,
    ToolkitMention,
    Video,
)
from practices.rendering import render_note
from practices.search import refresh_search_vector

_counter = itertools.count(1)


def _n():
    return next(_counter)


def country(code="PT"):
    return Country.objects.get(code=code)


def organisation(**kwargs):
    n = _n()
    kwargs.setdefault("name", f"Organisation {n}")
    kwargs.setdefault("slug", f"organisation-{n}")
    return Organisation.objects.create(**kwargs)


def programme(**kwargs):
    n = _n()
    kwargs.setdefault("name", f"Programme {n}")
    kwargs.setdefault("slug", f"programme-{n}")
    return Programme.objects.create(**kwargs)


def participation(**kwargs):
    kwargs.setdefault("programme", programme())
    kwargs.setdefault("country", country("DK"))
    return Participation.objects.create(**kwargs)


def partnership(**kwargs):
    n = _n()
    kwargs.setdefault("name", f"Partnership {n}")
    kwargs.setdefault("slug", f"partnership-{n}")
    kwargs.setdefault("purpose", "To share what works.")
    return Partnership.objects.create(**kwargs)


def partnership_member(**kwargs):
    kwargs.setdefault("partnership", partnership())
    kwargs.setdefault("organisation", organisation())
    return PartnershipMember.objects.create(**kwargs)


def toolkit(**kwargs):
    n = _n()
    kwargs.setdefault("name", f"Toolkit {n}")
    kwargs.setdefault("slug", f"toolkit-{n}")
    return Toolkit.objects.create(**kwargs)


def video(**kwargs):
    n = _n()
    kwargs.setdefault("youtube_id", f"vid{n:08d}")
    kwargs.setdefault("title", f"Video {n}")
    return Video.objects.create(**kwargs)


def theme(**kwargs):
    n = _n()
    kwargs.setdefault("name", f"Theme {n}")
    kwargs.setdefault("slug", f"theme-{n}")
    theme = Theme.objects.create(**kwargs)
    # As the import makes it: the link target it stands for.
    ThemeSpelling.objects.create(key=theme.slug.replace("-", " "), join_key=theme.slug.replace("-", ""), theme=theme)
    return theme


def theme_spelling(theme, key, **kwargs):
    return ThemeSpelling.objects.create(theme=theme, key=key, join_key=key.replace(" ", ""), **kwargs)


def theme_redirect(theme=None, **kwargs):
    """The old address of a theme merged into `theme`."""
    kwargs.setdefault("old_slug", f"merged-{_n()}")
    return ThemeRedirect.objects.create(theme=theme or globals()["theme"](), **kwargs)


def practice(body_html=None, **kwargs):
    """A published practice; `body_html` stands in for what the renderer would make of a note."""
    n = _n()
    kwargs.setdefault("title", f"Practice {n}")
    kwargs.setdefault("slug", f"practice-{n}")
    kwargs.setdefault("status", Practice.Status.PUBLISHED)
    created = Practice.objects.create(**kwargs)
    if body_html is not None:
        # save() renders body_markdown; set the rendered form directly, as an import would leave it.
        Practice.objects.filter(pk=created.pk).update(body_html=body_html)
        # What an import does after writing around save().
        refresh_search_vector([created.pk])
        bump_data_version()
        created.body_html = body_html
    return created


def note_html(video_id="_HySsiq_l6A", seconds=96):
    """What the renderer makes of a note with sections, a sub-section and a timestamp into the video."""
    stamp = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return render_note(
        "## Overview\n\nGovernments share what works through peer learning.\n\n"
        f"## How it works\n\n### First steps\n\nTeams start small [{stamp}] and then scale.\n",
        video_id=video_id,
    )


def country_mention(practice, country, **kwargs):
    kwargs.setdefault("origin", Origin.DETECTED)
    kwargs.setdefault("sentence", f"{country.name} tried this first.")
    kwargs.setdefault("seconds", 76)
    return CountryMention.objects.create(practice=practice, country=country, **kwargs)


def toolkit_mention(practice, toolkit, **kwargs):
    kwargs.setdefault("origin", Origin.DETECTED)
    kwargs.setdefault("sentence", f"They used the {toolkit.name}.")
    kwargs.setdefault("seconds", 130)
    return ToolkitMention.objects.create(practice=practice, toolkit=toolkit, **kwargs)


def rich_practice(themes=(), countries=(), toolkits=(), **kwargs):
    """A published practice from a video, with a note, themes, country and toolkit mentions."""
    kwargs.setdefault("source_video", video())
    kwargs.setdefault("summary", "How a government learnt from its peers.")
    created = practice(body_html=note_html(kwargs["source_video"].youtube_id), **kwargs)
    created.themes.add(*themes)
    for each in countries:
        country_mention(created, each)
    for each in toolkits:
        toolkit_mention(created, each)
    return created


def reference_candidate(**kwargs):
    n = _n()
    kwargs.setdefault("name", f"Candidate Toolkit {n}")
    kwargs.setdefault("key", kwargs["name"].casefold())
    kwargs.setdefault("kind", ReferenceCandidate.Kind.TOOLKIT)
    kwargs.setdefault("note_count", 1)
    kwargs.setdefault("sentence_count", 1)
    return ReferenceCandidate.objects.create(**kwargs)
