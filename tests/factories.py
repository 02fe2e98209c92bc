"""Small factories: each makes one valid record, with overrides."""

import itertools

from incubator.models import Country, Organisation, Participation, Partnership, PartnershipMember, Programme, Toolkit
from practices.models import Practice, Theme, Video

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
    return Theme.objects.create(**kwargs)


def practice(**kwargs):
    n = _n()
    kwargs.setdefault("title", f"Practice {n}")
    kwargs.setdefault("slug", f"practice-{n}")
    kwargs.setdefault("status", Practice.Status.PUBLISHED)
    return Practice.objects.create(**kwargs)
