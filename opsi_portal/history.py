"""How the admin shows the history of records: who made each change, and what changed.

Every content admin inherits `HistoryAdmin` (django-simple-history's admin): each row names its
actor with `actor`, short values read "old → new", long text reads as a line diff, and the revert
page shows what reverting changes before it is confirmed.
"""

import difflib

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

# Text longer than this (or on several lines) is shown as a line diff rather than "old → new".
LONG_TEXT = 100
# Unchanged lines shown around each changed one.
DIFF_CONTEXT_LINES = 2
# How each line of a unified diff is marked up: removed, added, where a hunk starts; the rest plain.
TAG_OF_MARK = {"-": "del", "+": "ins", "@": "em"}


def actor(record):
    """Who made a historical change, as curators should read it: a person's name, or the import.

    Changes made outside a signed-in request (the import, its background tasks) have no user.
    """
    user = record.history_user
    if user is None:
        return "Import"
    return user.get_full_name() or user.get_username()


def is_long_text(value):
    return isinstance(value, str) and (len(value) > LONG_TEXT or "\n" in value)


def line_diff(old, new):
    """A unified line diff of two texts as escaped HTML: removed lines in <del>, added ones in <ins>."""
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=DIFF_CONTEXT_LINES))[2:]
    marked = [(TAG_OF_MARK.get(line[:1], "span"), line) for line in lines]
    rows = format_html_join(mark_safe("<br>\n"), "<{}>{}</{}>", ((tag, line, tag) for tag, line in marked))
    # Lines, not <pre>: a Markdown paragraph is one long line, and must wrap in the history table.
    return format_html('<div class="history-diff">{}</div>', rows)


class DiffContextHelper(HistoricalRecordContextHelper):
    """simple-history's change list for a record, with a line diff for long text instead of "[198 chars]"."""

    def context_for_delta_changes(self, delta):
        rows = super().context_for_delta_changes(delta)
        for row, change in zip(rows, delta.changes, strict=True):
            if is_long_text(change.old) or is_long_text(change.new):
                row["diff"] = line_diff(change.old or "", change.new or "")
        return rows


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin of a record with history: diffs, actors, and a revert page that shows what it changes."""

    object_history_list_template = "admin/history/list.html"
    object_history_form_template = "admin/history/revert.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return DiffContextHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            record.actor = actor(record)

    def history_view(self, request, object_id, extra_context=None):
        # A curator may not open user accounts: their names are shown as text, not as links that answer 403.
        context = {"can_view_users": request.user.has_perm("auth.view_user"), **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        context = {"revert_changes": self.revert_changes(request, object_id, version_id), **(extra_context or {})}
        return super().history_form_view(request, object_id, version_id, context)

    def revert_changes(self, request, object_id, version_id):
        """What reverting to `version_id` changes, field by field, from the record as it is now."""
        history = self.model.history.filter(**{self.model._meta.pk.attname: object_id})
        version = history.filter(history_id=version_id).first()
        latest = history.order_by("-history_date", "-history_id").first()
        if version is None or latest is None or latest.pk == version.pk:
            return []
        delta = version.diff_against(latest)
        return self.get_historical_record_context_helper(request, version).context_for_delta_changes(delta)
