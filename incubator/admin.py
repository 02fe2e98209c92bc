"""Curators' admin for the reference records, with the history of every change (HistoryAdmin).

Texts with a French version show it beside the English one, and "lacks French" lists what is left.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opsi_portal.history import HistoryAdmin
from opsi_portal.translation_admin import LacksFrenchFilter, TranslatedHistoryAdmin, side_by_side

from .models import Country, Organisation, Participation, Partnership, PartnershipMember, Programme, Toolkit

SOURCE_FIELDSET = (
    "Source",
    {
        "fields": ("source_note", "source_quote", "source_video_id", "source_seconds"),
        "description": "The note, sentence and moment in the video this record rests on.",
    },
)


@admin.register(Country)
class CountryAdmin(HistoryAdmin):
    list_display = ["name", "code", "slug"]
    search_fields = ["name", "code", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(TranslatedHistoryAdmin):
    list_display = ["name", "short_name", "kind", "country"]
    list_filter = [LacksFrenchFilter, "kind"]
    list_select_related = ["country"]
    search_fields = ["name_en", "name_fr", "short_name", "description_en", "description_fr"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    side_by_side("name"),
                    "slug",
                    "short_name",
                    "kind",
                    "country",
                    side_by_side("description"),
                    "url",
                ]
            },
        ),
        SOURCE_FIELDSET,
    ]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["country"]
    fields = ["country", "phase", "start_year", "end_year", "outcome", "source_seconds"]


@admin.register(Programme)
class ProgrammeAdmin(TranslatedHistoryAdmin):
    list_display = ["name", "organiser_names"]
    list_filter = [LacksFrenchFilter]
    search_fields = ["name_en", "name_fr", "summary_en", "summary_fr", "description_en", "description_fr"]
    autocomplete_fields = ["organisers"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ParticipationInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    side_by_side("name"),
                    "slug",
                    side_by_side("summary"),
                    side_by_side("description"),
                    "support_offered",
                    "organisers",
                    "url",
                ]
            },
        ),
        SOURCE_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("organisers")

    @admin.display(description=_("organisers"))
    def organiser_names(self, obj):
        return ", ".join(o.short_name or o.name for o in obj.organisers.all())


@admin.register(Participation)
class ParticipationAdmin(HistoryAdmin):
    list_display = ["country", "programme", "phase", "start_year", "end_year"]
    list_filter = ["phase", "programme"]
    list_select_related = ["country", "programme"]
    search_fields = ["country__name", "programme__name", "outcome"]
    autocomplete_fields = ["country", "programme"]
    fieldsets = [
        (None, {"fields": ["programme", "country", "phase", "start_year", "end_year", "outcome"]}),
        SOURCE_FIELDSET,
    ]


class PartnershipMemberInline(admin.TabularInline):
    model = PartnershipMember
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Partnership)
class PartnershipAdmin(TranslatedHistoryAdmin):
    list_display = ["name", "programme"]
    list_filter = [LacksFrenchFilter, "programme"]
    list_select_related = ["programme"]
    search_fields = ["name_en", "name_fr", "purpose_en", "purpose_fr"]
    autocomplete_fields = ["programme"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PartnershipMemberInline]
    fieldsets = [
        (None, {"fields": [side_by_side("name"), "slug", side_by_side("purpose"), "programme"]}),
        SOURCE_FIELDSET,
    ]


@admin.register(Toolkit)
class ToolkitAdmin(TranslatedHistoryAdmin):
    list_display = ["name", "toolkit_type", "badge", "country", "programme"]
    list_filter = [LacksFrenchFilter, "toolkit_type", "badge", "programme"]
    list_select_related = ["country", "programme"]
    search_fields = ["name_en", "name_fr", "aliases", "description_en", "description_fr", "audience"]
    autocomplete_fields = ["country", "programme", "partnership", "developers"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    side_by_side("name"),
                    "slug",
                    side_by_side("description"),
                    "audience",
                    "toolkit_type",
                    "licence",
                    "badge",
                    "url",
                    "aliases",
                    "country",
                    "programme",
                    "partnership",
                    "developers",
                ]
            },
        ),
        SOURCE_FIELDSET,
    ]
