"""Receivers that tie the apps together; each app connects the receivers of its own models itself."""

from django.db.models.signals import post_save, pre_save

from incubator.models import Country, Toolkit
from practices.search import refresh_search_vector


def skip_history_of_loaded_rows(sender, instance, raw, **kwargs):
    """Rows loaded from a backup bring their own history; the copies simple-history would add are noise.

    django-simple-history already skips raw saves, but not the many-to-many sets loaddata makes
    afterwards, which would add history rows whose ids collide with the restored ones.
    """
    if raw:
        instance.skip_history_when_saving = True


def refresh_on_country_rename(sender, instance, created, **kwargs):
    """A practice's search vector holds the names of the countries it mentions."""
    if not created:
        refresh_search_vector(instance.mentions.values_list("practice_id", flat=True))


def refresh_on_toolkit_rename(sender, instance, created, **kwargs):
    """A practice's search vector holds the names of the toolkits it mentions."""
    if not created:
        refresh_search_vector(instance.mentions.values_list("practice_id", flat=True))


def connect():
    pre_save.connect(skip_history_of_loaded_rows, dispatch_uid="skip_history_of_loaded_rows")
    post_save.connect(refresh_on_country_rename, sender=Country, dispatch_uid="refresh_on_country_rename")
    post_save.connect(refresh_on_toolkit_rename, sender=Toolkit, dispatch_uid="refresh_on_toolkit_rename")
