"""Mentions found again when reference data changes: a toolkit added or renamed, its aliases, a country's name.

Only practices whose text may name the record (by any of its names, old or new) or that mention it
now are read again, and only that record's mentions are written, in the import's three-way merge:
a curator's own mention, a removal (kept in the import snapshot) and a strength stay as they are.
`practices.tasks.redetect_mentions` runs it in the background; `opsi_portal.signals` queues it
when a toolkit or a country is saved.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from incubator.models import Country, Toolkit
from opsi_portal.caching import bump_data_version

from .importing.detection import detected_countries, detected_toolkits, matching_name
from .importing.reference import ReferenceData
from .importing.sentences import sentences_of
from .importing.writer import changed_mention_fields
from .models import CountryMention, Origin, Practice, ToolkitMention
from .search import refresh_search_vector


@dataclass(frozen=True)
class Kind:
    """One kind of reference record: its model, its mention model and field, its key field."""

    model: type
    mention: type
    field: str
    key_field: str


KINDS = {
    "toolkits": Kind(Toolkit, ToolkitMention, "toolkit", "slug"),
    "countries": Kind(Country, CountryMention, "country", "code"),
}


def names_of(kind, record):
    """The names text may call `record` by, as the detection reads them."""
    if kind == "toolkits":
        return record.names()
    return [matching_name(record.name)]


def redetect(kind, pk, old_names=()):
    """Find the mentions of one record again in the practices that may name it; returns how many changed."""
    spec = KINDS[kind]
    record = spec.model.objects.filter(pk=pk).first()
    if record is None:
        return 0
    reference = ReferenceData()
    key = str(getattr(record, spec.key_field))
    reason = f"mentions found again: {spec.model._meta.verbose_name} “{record}” changed"
    changed = [
        practice.pk
        for practice in candidates(spec, record, [*old_names, *names_of(kind, record)])
        if merge_one(practice, kind, key, record.pk, found_in(practice, kind, key, reference), reason)
    ]
    if changed:
        refresh_search_vector(changed)
        bump_data_version()
    return len(changed)


def candidates(spec, record, names):
    """Imported practices whose text holds the longest word of one of `names`, or that mention the record.

    A cheap filter (one LIKE each): the detection then decides, across line breaks and hyphens.
    """
    words = {max(name.split(), key=len) for name in names if name.split()}
    text = Q()
    for word in words:
        text |= Q(body_markdown__icontains=word)
    mentioning = spec.mention.objects.filter(**{spec.field: record}).values("practice_id")
    practices = Practice.objects.filter(note_key__isnull=False).filter(text | Q(pk__in=mentioning))
    return practices.only("pk", "title", "body_markdown", "import_snapshot").order_by("pk")


def found_in(practice, kind, key, reference):
    """The fields of the mention the practice's text gives the record, or None when it does not name it."""
    sentences = sentences_of(practice.body_markdown)
    if kind == "toolkits":
        return detected_toolkits(sentences, reference.toolkits.gazetteer).get(key)
    title = (practice.import_snapshot or {}).get("title") or practice.title
    return detected_countries(title, sentences, reference.countries.gazetteer).get(key)


@transaction.atomic
def merge_one(practice, kind, key, record_pk, wanted, reason):
    """Write the record's mention of one practice as the import would; True when something changed."""
    spec = KINDS[kind]
    locked = Practice.objects.select_for_update(of=("self",)).only("import_snapshot").get(pk=practice.pk)
    snapshot = dict(locked.import_snapshot or {})
    row = spec.mention.objects.filter(practice_id=practice.pk, **{f"{spec.field}_id": record_pk}).first()
    changed = _write_row(spec, practice.pk, record_pk, row, wanted, snapshot, key, reason)
    _record_in_snapshot(snapshot, kind, key, wanted)
    if snapshot != (locked.import_snapshot or {}):
        # As if the import had found it: a later import that no longer finds it takes it away.
        Practice.objects.filter(pk=practice.pk).update(import_snapshot=snapshot)
    return changed


def _write_row(spec, practice_pk, record_pk, row, wanted, snapshot, key, reason):
    if row is None:
        if wanted is None or key in snapshot.get(_kind_of(spec), []):
            return False  # not named, or the import wrote it and a curator removed it
        row = spec.mention(practice_id=practice_pk, origin=Origin.DETECTED, **{f"{spec.field}_id": record_pk})
        return _save(row, wanted, reason)
    if row.origin != Origin.DETECTED:
        return False  # a curator's mention
    if wanted is None:
        row._change_reason = reason
        row.delete()
        return True
    written = {"strength": snapshot.get("country_strengths", {}).get(key)}
    changes = changed_mention_fields({name: getattr(row, name) for name in wanted}, wanted, written)
    return _save(row, changes, reason) if changes else False


def _save(row, values, reason):
    for name, value in values.items():
        setattr(row, name, value)
    row._change_reason = reason
    row.save()
    return True


def _kind_of(spec):
    return next(name for name, kind in KINDS.items() if kind is spec)


def _record_in_snapshot(snapshot, kind, key, wanted):
    """The snapshot lists what the import would have written now: the key while the text names it."""
    keys = set(snapshot.get(kind, [])) - {key}
    snapshot[kind] = sorted(keys | ({key} if wanted is not None else set()))
    if kind == "countries":
        strengths = {k: v for k, v in snapshot.get("country_strengths", {}).items() if k != key}
        if wanted is not None:
            strengths[key] = wanted["strength"]
        snapshot["country_strengths"] = strengths
