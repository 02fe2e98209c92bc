"""Addresses of records by slug, without walking the URL resolver for each one.

A list page links to a few hundred records (practices, their countries, their themes), and
Django's `reverse()` takes some 30 µs each. The address of one kind of record differs only by its
slug, so it is reversed once per kind, language, script prefix and URLconf, and the slug put in place.
"""

import re
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# What `reverse()` writes unchanged (the slug path converter's characters); others take the slow way.
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
PLACEHOLDER = "0slug0placeholder0"


@lru_cache(maxsize=256)
def _address_pattern(name, language, script_prefix, urlconf):
    return reverse(name, urlconf=urlconf, args=[PLACEHOLDER])


def slug_address(name, slug):
    """`reverse(name, args=[slug])`, for a URL whose one argument is a slug."""
    if not PLAIN_SLUG.match(slug):
        return reverse(name, args=[slug])
    return _address_pattern(name, get_language(), get_script_prefix(), get_urlconf()).replace(PLACEHOLDER, slug)
