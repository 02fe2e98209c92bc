"""Receivers that tie the apps together; each app connects the receivers of its own models itself."""

from django.db import transaction
from django.db.models.signals import post_save, pre_save

from incubator.models import Country, Toolkit
from practices.redetection import names_of
from practices.search import refresh_search_vector
from practices.tasks import redetect_mentions

# Reference models whose names the import looks for in notes, by their kind in `practices.redetection`.
DETECTED_KINDS = {Toolkit: "toolkits", Country: "countries"}


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


def remember_names(sender, instance, raw, **kwargs):
    """The names the record had before this save, to tell on post_save whether practices must be read again."""
    before = sender.objects.filter(pk=instance.pk).first() if instance.pk and not raw else None
    instance._names_before = names_of(DETECTED_KINDS[sender], before) if before else []


def redetect_on_new_names(sender, instance, created, raw, **kwargs):
    """A new toolkit, alias or country name: find its mentions again, in the background, once committed.

    Rows loaded from fixtures or backups (raw) come with their mentions.
    """
    before = getattr(instance, "_names_before", [])
    if raw or (not created and set(before) == set(names_of(DETECTED_KINDS[sender], instance))):
        return
    kind, pk = DETECTED_KINDS[sender], instance.pk
    transaction.on_commit(lambda: redetect_mentions.enqueue(kind, pk, before))


def connect():
    pre_save.connect(skip_history_of_loaded_rows, dispatch_uid="skip_history_of_loaded_rows")
    post_save.connect(refresh_on_country_rename, sender=Country, dispatch_uid="refresh_on_country_rename")
    post_save.connect(refresh_on_toolkit_rename, sender=Toolkit, dispatch_uid="refresh_on_toolkit_rename")
    for model in DETECTED_KINDS:
        pre_save.connect(remember_names, sender=model, dispatch_uid=f"remember_names_{model.__name__}")
        post_save.connect(redetect_on_new_names, sender=model, dispatch_uid=f"redetect_{model.__name__}")
