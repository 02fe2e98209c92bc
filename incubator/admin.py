"""Curators' admin for the reference records, with the history of every change (HistoryAdmin)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opsi_portal.history import HistoryAdmin

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
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "kind", "country"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = ["name", "short_name", "description"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "short_name", "kind", "country", "description", "url"]}),
        SOURCE_FIELDSET,
    ]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["country"]
    fields = ["country", "phase", "start_year", "end_year", "outcome", "source_seconds"]


@admin.register(Programme)
class ProgrammeAdmin(HistoryAdmin):
    list_display = ["name", "organiser_names"]
    search_fields = ["name", "summary", "description"]
    autocomplete_fields = ["organisers"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ParticipationInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "description", "support_offered", "organisers", "url"]}),
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
class PartnershipAdmin(HistoryAdmin):
    list_display = ["name", "programme"]
    list_filter = ["programme"]
    list_select_related = ["programme"]
    search_fields = ["name", "purpose"]
    autocomplete_fields = ["programme"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PartnershipMemberInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "purpose", "programme"]}),
        SOURCE_FIELDSET,
    ]


@admin.register(Toolkit)
class ToolkitAdmin(HistoryAdmin):
    list_display = ["name", "toolkit_type", "badge", "country", "programme"]
    list_filter = ["toolkit_type", "badge", "programme"]
    list_select_related = ["country", "programme"]
    search_fields = ["name", "aliases", "description", "audience"]
    autocomplete_fields = ["country", "programme", "partnership", "developers"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "description",
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
