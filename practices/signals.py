"""Keep derived data fresh: the search vector of practices and the data version of caches.

Bulk writers that skip signals (QuerySet.update, bulk_create) call
`practices.search.refresh_search_vector(ids)` and `practices.caching.bump_data_version()` themselves.
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from incubator.models import Country, Toolkit

from .caching import bump_data_version
from .models import CountryMention, Practice, Theme, ThemedPractice, ToolkitMention
from .search import refresh_search_vector

CONTENT_APPS = ("practices", "incubator")


def bump_now_and_on_commit():
    """Bump at once, and again when the transaction commits.

    A page read between the write and the commit sees the old rows and would be cached under the
    first bump's version; the second bump makes that copy unreachable.
    """
    bump_data_version()
    transaction.on_commit(bump_data_version)


def bump_on_content_change(sender, **kwargs):
    bump_now_and_on_commit()


def bump_on_link_change(sender, action, **kwargs):
    if action.startswith("post_"):
        bump_now_and_on_commit()


def connect_data_version():
    """Bump the data version on every write to a content model, and only those (others stay fast to delete)."""
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model.__name__.startswith("Historical"):
                continue  # history rows follow a content write that already bumped
            post_save.connect(bump_on_content_change, sender=model, dispatch_uid=f"bump-save-{model._meta.label}")
            post_delete.connect(bump_on_content_change, sender=model, dispatch_uid=f"bump-delete-{model._meta.label}")
            m2m_changed.connect(bump_on_link_change, sender=model, dispatch_uid=f"bump-m2m-{model._meta.label}")


@receiver(post_save, sender=Practice)
def refresh_practice(sender, instance, **kwargs):
    refresh_search_vector([instance.pk])


@receiver(post_save, sender=ThemedPractice)
@receiver(post_delete, sender=ThemedPractice)
def refresh_on_theme_link(sender, instance, **kwargs):
    refresh_search_vector([instance.content_object_id])


@receiver(post_save, sender=CountryMention)
@receiver(post_delete, sender=CountryMention)
def refresh_on_country_mention(sender, instance, **kwargs):
    refresh_search_vector([instance.practice_id])


@receiver(post_save, sender=ToolkitMention)
@receiver(post_delete, sender=ToolkitMention)
def refresh_on_toolkit_mention(sender, instance, **kwargs):
    refresh_search_vector([instance.practice_id])


@receiver(m2m_changed, sender=ThemedPractice)
@receiver(m2m_changed, sender=CountryMention)
@receiver(m2m_changed, sender=ToolkitMention)
def refresh_on_m2m(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        refresh_search_vector([instance.pk])
    elif pk_set:
        refresh_search_vector(pk_set)


@receiver(post_save, sender=Theme)
def refresh_on_theme_rename(sender, instance, created, **kwargs):
    if not created:
        refresh_search_vector(instance.themed_items.values_list("content_object_id", flat=True))


@receiver(post_save, sender=Country)
def refresh_on_country_rename(sender, instance, created, **kwargs):
    if not created:
        refresh_search_vector(instance.mentions.values_list("practice_id", flat=True))


@receiver(post_save, sender=Toolkit)
def refresh_on_toolkit_rename(sender, instance, created, **kwargs):
    if not created:
        refresh_search_vector(instance.mentions.values_list("practice_id", flat=True))
