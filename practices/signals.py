"""Keep the search vector of practices fresh when a practice, its themes or its country mentions change.

Receivers here listen to this app's models only; those that react to another app's models (a
country renamed) live in `opsi_portal.signals`. Bulk writers that skip signals (QuerySet.update,
bulk_create) call `practices.search.refresh_search_vector(ids)` and
`opsi_portal.caching.bump_data_version()` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from .importing.runs import name_history_row
from .models import CountryMention, Practice, Theme, ThemedPractice, ToolkitMention
from .search import refresh_search_vector


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


# History rows written during an import run say so ("import run N") and name who started it.
pre_create_historical_record.connect(name_history_row, dispatch_uid="practices-import-run-history")
