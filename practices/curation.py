"""A curator's decisions on reference candidates: accept, merge into a record, reject.

The admin calls these. A candidate becomes a record only here, by a curator's hand; the importer
never publishes one. Saving a toolkit (new, or with new aliases) queues `practices.tasks.redetect_mentions`
(see `opsi_portal.signals`), which links the practices naming it in the background.
"""

from django.db import transaction
from django.utils import timezone

from incubator.models import Organisation, Partnership, Programme, Toolkit
from opsi_portal.lib.slugs import unique_slug

from .importing.candidates import KIND_OF_WORD, name_key
from .models import ReferenceCandidate

Kind = ReferenceCandidate.Kind
Status = ReferenceCandidate.Status
# The record model of each kind, and the candidate's field that points at it.
RECORDS = {
    Kind.TOOLKIT: (Toolkit, "toolkit"),
    Kind.ORGANISATION: (Organisation, "organisation"),
    Kind.PROGRAMME: (Programme, "programme"),
    Kind.PARTNERSHIP: (Partnership, "partnership"),
}


class CurationError(ValueError):
    """A decision that cannot be made, with the reason to show the curator."""


def aliases_of(candidate, known=()):
    """The candidate's name and variants a record should be recognised by, without repeats or bare "the X"."""
    seen = {name_key(name) for name in known}
    aliases = []
    for text in [candidate.name, *candidate.variants]:
        key = name_key(text)
        if key in seen or (" " not in key and key in KIND_OF_WORD):
            continue
        seen.add(key)
        aliases.append(text)
    return aliases


def strongest_evidence(candidate):
    """The evidence to cite for a record: a sentence using the full name, from the note that names it most."""
    rows = candidate.evidence.select_related("practice__source_video")
    named = [row for row in rows if row.role in ("name", "definition")] or list(rows)
    if not named:
        return None
    per_practice = {}
    for row in named:
        per_practice[row.practice_id] = per_practice.get(row.practice_id, 0) + 1
    return max(named, key=lambda row: (per_practice[row.practice_id], -row.pk))


def sourced_fields(evidence):
    if evidence is None:
        return {}
    video = evidence.practice.source_video
    return {
        "source_note": evidence.practice.note_key or "",
        "source_quote": evidence.sentence,
        "source_video_id": video.youtube_id if video else "",
        "source_seconds": evidence.seconds,
    }


def _check_proposed(candidate):
    if candidate.status != Status.PROPOSED:
        raise CurationError(f"“{candidate.name}” is already {candidate.get_status_display().lower()}.")


def _new_record(candidate):
    model, _ = RECORDS[candidate.kind]
    if model.objects.filter(name__iexact=candidate.name).exists():
        raise CurationError(f"A {candidate.get_kind_display().lower()} named “{candidate.name}” exists: merge into it.")
    taken = set(model.objects.values_list("slug", flat=True))
    record = model(name=candidate.name, slug=unique_slug(candidate.name, taken, 200, fallback=candidate.kind))
    evidence = strongest_evidence(candidate)
    for name, value in sourced_fields(evidence).items():
        setattr(record, name, value)
    if candidate.kind == Kind.TOOLKIT:
        record.aliases = "\n".join(aliases_of(candidate, known=[candidate.name]))
    elif candidate.kind == Kind.ORGANISATION:
        record.short_name = next((v for v in candidate.variants if v.isupper() and len(v) <= 50), "")
    elif candidate.kind == Kind.PARTNERSHIP:
        record.purpose = evidence.sentence if evidence else ""
    record.full_clean()
    record.save()
    return record


def _decide(candidate, status, record=None):
    candidate.status = status
    candidate.decided_at = timezone.now()
    if record is not None:
        setattr(candidate, RECORDS[candidate.kind][1], record)
    candidate.save()


@transaction.atomic
def accept(candidate):
    """Create the candidate's record (with its aliases and evidence); practices are linked in the background."""
    _check_proposed(candidate)
    record = _new_record(candidate)
    _decide(candidate, Status.ACCEPTED, record)
    return record


@transaction.atomic
def merge(candidate, record):
    """Make the candidate a name of an existing record: its variants become aliases; practices are linked later."""
    _check_proposed(candidate)
    model, _ = RECORDS[candidate.kind]
    if not isinstance(record, model):
        raise CurationError(f"“{candidate.name}” is a {candidate.get_kind_display().lower()}, “{record}” is not.")
    if isinstance(record, Toolkit):
        record.aliases = "\n".join([*record.alias_list, *aliases_of(candidate, known=record.names())])
        record.save()
    elif isinstance(record, Organisation) and not record.short_name:
        record.short_name = next((v for v in candidate.variants if v.isupper() and len(v) <= 50), "")
        record.save()
    _decide(candidate, Status.MERGED, record)


def reject(candidate):
    """Never propose this candidate again, whatever later imports find."""
    _check_proposed(candidate)
    _decide(candidate, Status.REJECTED)
