"""Seed records that never overwrite: a record the fixture names is created when it is missing and
left exactly as curators made it when it exists, so `make run` may run every day.

`loaddata` writes every field of every record it loads; this reads the same fixture through
Django's deserializer and saves only the objects whose natural key (or primary key) is absent.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.db import transaction


class SeedError(Exception):
    """The fixture cannot be found or read."""


@dataclass
class SeedResult:
    """What one load did: the records it created and those it found and left alone."""

    created: list = field(default_factory=list)
    kept: list = field(default_factory=list)


def find_fixture(name):
    """The fixture file `name` names: a path, or a JSON fixture in FIXTURE_DIRS (`incubator`)."""
    candidates = [Path(name)] + [Path(folder) / f"{name}.json" for folder in settings.FIXTURE_DIRS]
    for path in candidates:
        if path.is_file():
            return path
    raise SeedError(f"no fixture named {name!r} (looked in {', '.join(map(str, settings.FIXTURE_DIRS))})")


def _exists(instance):
    # The deserializer fills in the primary key of a record it found by natural key.
    return instance.pk is not None and type(instance)._base_manager.filter(pk=instance.pk).exists()


def _create_if_missing(item, result, deferred):
    if _exists(item.object):
        result.kept.append(item.object)
        return
    item.save()
    result.created.append(item.object)
    if item.deferred_fields:
        deferred.append(item)


def load_seed(path, dry_run=False):
    """Create the fixture's records that are missing; a dry run does the same and rolls it back."""
    result = SeedResult()
    deferred = []
    with transaction.atomic(), path.open(encoding="utf-8") as stream:
        try:
            # Read one record at a time: a record's natural key may name one created just before it.
            for item in serializers.deserialize("json", stream, handle_forward_references=True):
                _create_if_missing(item, result, deferred)
        except serializers.base.DeserializationError as error:
            raise SeedError(f"{path.name} cannot be read: {error}") from error
        for item in deferred:
            item.save_deferred_fields()
        if dry_run:
            transaction.set_rollback(True)
    return result
