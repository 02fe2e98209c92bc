"""Slugs that are not taken yet: the one home for the -2, -3... rule."""

from django.utils.text import slugify


def unique_slug(text, taken, max_length=100, fallback="item"):
    """A slug for `text` not in `taken` (a set, updated), with -2, -3... appended when needed."""
    base = slugify(text)[:max_length].strip("-") or fallback
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
        n += 1
    taken.add(slug)
    return slug
