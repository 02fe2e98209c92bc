"""A curator's decisions on reference candidates: accept, merge into a record, reject; then link in the background.

The admin calls these; the task in `practices.tasks` calls `link_practices`. A candidate becomes a
record only here, by a curator's hand; the importer never publishes one.
"""

from django.db import transaction
from django.utils import timezone

from incubator.models import Organisation, Partnership, Programme, Toolkit
from opsi_portal.caching import bump_data_version
from opsi_portal.lib.slugs import unique_slug

from .importing import detection
from .importing.candidates import KIND_OF_WORD, name_key
from .importing.sentences import sentences_of
from .models import CandidateEvidence, Origin, Practice, ReferenceCandidate, ToolkitMention

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


def _link_later(candidate):
    from .tasks import link_reference  # the task module imports this one

    transaction.on_commit(lambda: link_reference.enqueue(candidate.pk))


@transaction.atomic
def accept(candidate):
    """Create the candidate's record (with its aliases and evidence); practices are linked in the background."""
    _check_proposed(candidate)
    record = _new_record(candidate)
    _decide(candidate, Status.ACCEPTED, record)
    _link_later(candidate)
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
    _link_later(candidate)


def reject(candidate):
    """Never propose this candidate again, whatever later imports find."""
    _check_proposed(candidate)
    _decide(candidate, Status.REJECTED)


def link_practices(candidate_pk):
    """Link the practices that name an accepted or merged candidate to its record; returns how many.

    Only those practices are read again. A toolkit gets a detected mention with the sentence and
    moment, as the importer would have made it; a curator's own mention or removal is left alone.
    Other records have no per-practice link: their evidence stays on the candidate.
    """
    candidate = ReferenceCandidate.objects.get(pk=candidate_pk)
    record = candidate.record
    if not isinstance(record, Toolkit):
        return 0
    gazetteer = detection.toolkit_gazetteer([(record.slug, record.names())])
    practice_pks = CandidateEvidence.objects.filter(candidate=candidate).values_list("practice_id", flat=True)
    linked = 0
    for practice in Practice.objects.filter(pk__in=set(practice_pks)).only("body_markdown", "import_snapshot"):
        found = detection.find(sentences_of(practice.body_markdown), gazetteer)
        if found and _add_mention(practice, record, found[0]):
            linked += 1
    if linked:
        bump_data_version()
    return linked


@transaction.atomic
def _add_mention(practice, toolkit, found):
    if ToolkitMention.objects.filter(practice=practice, toolkit=toolkit).exists():
        return False
    snapshot = dict(practice.import_snapshot or {})
    if toolkit.slug in snapshot.get("toolkits", []):
        return False  # the import made this mention and a curator removed it
    ToolkitMention.objects.create(
        practice=practice, toolkit=toolkit, origin=Origin.DETECTED, sentence=found.sentence, seconds=found.seconds
    )
    if practice.note_key:
        # As if the import had found it: a later import that no longer finds it takes it away.
        snapshot["toolkits"] = sorted({*snapshot.get("toolkits", []), toolkit.slug})
        Practice.objects.filter(pk=practice.pk).update(import_snapshot=snapshot)
    return True
