"""The admin of records with a French version: both languages side by side, and who lacks French."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .history import HistoryAdmin
from .lib.record_languages import lacks_french


def side_by_side(field):
    """One row of the change form: the English and the French version of `field`."""
    return (f"{field}_en", f"{field}_fr")


class LacksFrenchFilter(admin.SimpleListFilter):
    """Records with an English text whose French version is still empty, for curators to translate."""

    title = _("French version")
    parameter_name = "french"

    def lookups(self, request, model_admin):
        return [("missing", _("lacks French")), ("complete", _("fully translated"))]

    def queryset(self, request, queryset):
        condition = lacks_french(queryset.model)
        if self.value() == "missing":
            return queryset.filter(condition)
        if self.value() == "complete":
            return queryset.exclude(condition)
        return queryset


class TranslatedHistoryAdmin(HistoryAdmin, TranslationAdmin):
    """A record's admin with its history and its texts in English and French."""
