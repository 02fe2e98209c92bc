"""A practice's history beyond its own fields: its country and toolkit mentions and its themes.

Each of those rows keeps its own history (django-simple-history); the practice's history page lists
them together, and a deleted one can be restored from there. The admin calls these.
"""

from dataclasses import dataclass

from opsi_portal.history import actor

from .models import CountryMention, ThemedPractice, ToolkitMention


@dataclass(frozen=True)
class RelatedKind:
    """A kind of row tied to a practice: its model, the field naming the practice, and what it links to."""

    model: type
    practice_field: str
    target_field: str
    label: str


KINDS = {
    "country": RelatedKind(CountryMention, "practice_id", "country", "Country"),
    "toolkit": RelatedKind(ToolkitMention, "practice_id", "toolkit", "Toolkit"),
    "theme": RelatedKind(ThemedPractice, "content_object_id", "tag", "Theme"),
}
# The related changes shown on a practice's history page, newest first.
SHOWN = 200


@dataclass(frozen=True)
class RelatedChange:
    """One change to a mention or theme of a practice, as its history page lists it."""

    kind: str
    label: str
    target: str
    history_id: int
    date: object
    action: str
    actor: str
    reason: str
    sentence: str
    restorable: bool


def _target_name(record, field):
    try:
        return str(getattr(record, field))
    except Exception:  # noqa: BLE001 (the record it linked to was deleted since: say so, do not fail the page)
        return "(deleted record)"


def _changes_of(kind, spec, practice_pk):
    history = spec.model.history.filter(**{spec.practice_field: practice_pk})
    records = history.select_related("history_user").order_by("-history_date", "-history_id")[:SHOWN]
    rows = spec.model.objects.filter(**{spec.practice_field: practice_pk})
    current = set(rows.values_list(f"{spec.target_field}_id", flat=True))
    for record in records:
        target_pk = getattr(record, f"{spec.target_field}_id")
        yield RelatedChange(
            kind=kind,
            label=spec.label,
            target=_target_name(record, spec.target_field),
            history_id=record.history_id,
            date=record.history_date,
            action=record.get_history_type_display(),
            actor=actor(record),
            reason=record.history_change_reason or "",
            sentence=getattr(record, "sentence", ""),
            restorable=record.history_type == "-" and target_pk not in current,
        )


def related_changes(practice_pk):
    """Changes to the practice's mentions and themes, newest first (at most `SHOWN`)."""
    changes = [change for kind, spec in KINDS.items() for change in _changes_of(kind, spec, practice_pk)]
    return sorted(changes, key=lambda change: (change.date, change.history_id), reverse=True)[:SHOWN]


class RestoreError(ValueError):
    """A row that cannot be restored, with the reason to show the curator."""


def restore(kind, practice_pk, history_id):
    """Bring back a deleted mention or theme of the practice as it was; returns the restored row."""
    spec = KINDS.get(kind)
    if spec is None:
        raise RestoreError("Nothing of that kind can be restored.")
    record = (
        spec.model.history.filter(history_id=history_id, history_type="-", **{spec.practice_field: practice_pk})
        .select_related(spec.target_field)
        .first()
    )
    if record is None:
        raise RestoreError("That change is not a deletion of this practice's.")
    target_pk = getattr(record, f"{spec.target_field}_id")
    if not spec.model._meta.get_field(spec.target_field).related_model.objects.filter(pk=target_pk).exists():
        raise RestoreError(f"The {spec.label.lower()} it linked to was deleted since.")
    rows = spec.model.objects.filter(**{spec.practice_field: practice_pk, f"{spec.target_field}_id": target_pk})
    if rows.exists():
        raise RestoreError(f"{spec.label} “{_target_name(record, spec.target_field)}” is there already.")
    row = record.instance
    row._change_reason = "restored from the practice's history"
    row.save()
    return row
