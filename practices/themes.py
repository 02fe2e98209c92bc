"""Curators' decisions on themes: rename, merge themes into one, split a spelling off into a theme of its own.

The admin and the importer call these; both record who decided in `ThemeSpelling.origin`, so the
next import follows the decision. Every moved practice-theme row is saved one by one, so the change
history of themes and of their practices shows the merge or split with its reason.
"""

from dataclasses import dataclass

from django.db import transaction

from opsi_portal.lib.slugs import unique_slug

from .models import Practice, Theme, ThemedPractice, ThemeRedirect, ThemeSpelling


@dataclass
class MergeResult:
    """What a merge did: the theme kept, the themes merged into it and how many practices moved."""

    theme: Theme
    merged: list
    moved: int


def _move_item(item, target, have, reason):
    """Move one practice-theme row to `target`; a practice that already has it keeps one row."""
    item._change_reason = reason
    if item.content_object_id in have:
        if item.is_topic:
            ThemedPractice.objects.filter(tag=target, content_object_id=item.content_object_id).update(is_topic=True)
        item.delete()
        return 0
    item.tag = target
    item.save()
    have.add(item.content_object_id)
    return 1


@transaction.atomic
def merge_themes(target, others, by_curator=False):
    """Merge `others` into `target`: practices, spellings and addresses (old slugs redirect) move to it."""
    others = [theme for theme in others if theme.pk != target.pk]
    reason = f"theme merged into “{target.name}”"
    have = set(ThemedPractice.objects.filter(tag=target).values_list("content_object_id", flat=True))
    moved = sum(
        _move_item(item, target, have, reason) for item in ThemedPractice.objects.filter(tag__in=others).order_by("pk")
    )
    for spelling in ThemeSpelling.objects.filter(theme__in=others):
        spelling.theme = target
        if by_curator:
            spelling.origin = ThemeSpelling.Origin.CURATOR
        spelling._change_reason = reason
        spelling.save()
    for redirect in ThemeRedirect.objects.filter(theme__in=others):
        redirect.theme = target
        redirect.save()
    for theme in others:
        ThemeRedirect.objects.update_or_create(old_slug=theme.slug, defaults={"theme": target})
        theme._change_reason = reason
        theme.delete()
    if others:
        target._change_reason = "merged into it: " + ", ".join(f"“{theme.name}”" for theme in others)
        target.save()
    return MergeResult(target, others, moved)


def slug_for_new_name(theme, name):
    """A free slug for `theme` renamed to `name`; an old address of its own may be taken back."""
    taken = set(Theme.objects.exclude(pk=theme.pk).values_list("slug", flat=True))
    taken |= set(ThemeRedirect.objects.exclude(theme=theme).values_list("old_slug", flat=True))
    return unique_slug(name, taken, Theme._meta.get_field("slug").max_length, fallback="theme")


def keep_old_address(theme, old_slug):
    """After `theme`'s slug changed from `old_slug`: the old address redirects to it (301)."""
    if not old_slug or old_slug == theme.slug:
        return
    ThemeRedirect.objects.filter(old_slug=theme.slug).delete()  # its own address again: no redirect
    ThemeRedirect.objects.update_or_create(old_slug=old_slug, defaults={"theme": theme})


def _keys_of(snapshot_keys):
    return set(snapshot_keys) if isinstance(snapshot_keys, list) else set()


@transaction.atomic
def split_spelling(spelling, name=""):
    """Give `spelling` a theme of its own; practices whose notes link with that spelling move to it.

    A practice that also links to the old theme with another spelling keeps both themes.
    """
    old = spelling.theme
    name = (name or spelling.key).strip()
    name = name[:1].upper() + name[1:]
    taken = set(Theme.objects.values_list("slug", flat=True)) | set(
        ThemeRedirect.objects.values_list("old_slug", flat=True)
    )
    theme = Theme(name=name, slug=unique_slug(name, taken, fallback="theme"))
    theme._change_reason = f"split from “{old.name}” (spelling “{spelling.key}”)"
    theme.save()
    spelling.theme, spelling.origin = theme, ThemeSpelling.Origin.CURATOR
    spelling.save()
    remaining = set(ThemeSpelling.objects.filter(theme=old).values_list("key", flat=True))
    rows = Practice.objects.filter(themed_items__tag=old).values_list(
        "pk", "import_snapshot__theme_keys", "import_snapshot__topic"
    )
    for practice_pk, keys, topic in rows:
        keys = _keys_of(keys)
        if spelling.key not in keys:
            continue
        ThemedPractice(content_object_id=practice_pk, tag=theme, is_topic=topic == spelling.key).save()
        if not keys & remaining:
            for item in ThemedPractice.objects.filter(content_object_id=practice_pk, tag=old):
                item._change_reason = theme._change_reason
                item.delete()
    return theme
