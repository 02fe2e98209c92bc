"""Curators' admin for the library; every change page has a history a curator can browse and revert."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin
from taggit.models import Tag

from opsi_portal.translation_admin import LacksFrenchFilter, TranslatedHistoryAdmin, side_by_side

from . import curation
from .curation import CurationError
from .importing.parser import normalise_target
from .importing.themes import join_key
from .models import (
    CountryMention,
    Practice,
    ReferenceCandidate,
    Theme,
    ThemedPractice,
    ThemeRedirect,
    ThemeSpelling,
    ToolkitMention,
    Video,
)
from .themes import merge_themes, split_spelling

# The project's themes replace taggit's generic tags; hide the unused model.
admin.site.unregister(Tag)
# A candidate's page lists this many evidence sentences; the counts say how many there are.
EVIDENCE_SHOWN = 100


class CountryMentionInline(admin.TabularInline):
    model = CountryMention
    extra = 0
    autocomplete_fields = ["country"]
    fields = ["country", "strength", "origin", "sentence", "seconds", "moments"]


class ToolkitMentionInline(admin.TabularInline):
    model = ToolkitMention
    extra = 0
    autocomplete_fields = ["toolkit"]
    fields = ["toolkit", "origin", "sentence", "seconds"]


class ThemedPracticeInline(admin.TabularInline):
    model = ThemedPractice
    extra = 0
    autocomplete_fields = ["tag"]
    verbose_name = "theme"
    verbose_name_plural = "themes"


@admin.register(Practice)
class PracticeAdmin(TranslatedHistoryAdmin):
    list_display = ["title", "status", "source_video", "published_at", "updated_at"]
    list_filter = [LacksFrenchFilter, "status", "source_video", "countries"]
    list_select_related = ["source_video"]
    search_fields = ["title_en", "title_fr", "summary_en", "summary_fr", "note_key"]
    autocomplete_fields = ["source_video", "links_to"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["note_key", "body_html", "published_at", "created_at", "updated_at"]
    inlines = [ThemedPracticeInline, CountryMentionInline, ToolkitMentionInline]
    exclude = ["themes"]
    actions = ["publish", "unpublish"]
    date_hierarchy = "published_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    side_by_side("title"),
                    "slug",
                    side_by_side("summary"),
                    "status",
                    "source_video",
                    "links_to",
                ]
            },
        ),
        ("Text", {"fields": ["body_markdown", "body_html"]}),
        ("Record", {"fields": ["note_key", "published_at", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.action(description="Publish the selected practices")
    def publish(self, request, queryset):
        # Saved one by one, not with update(), so each change lands in the practice's history.
        count = 0
        for practice in queryset.exclude(status=Practice.Status.PUBLISHED):
            practice.status, practice.published_at = Practice.Status.PUBLISHED, timezone.now()
            practice.save()
            count += 1
        self.message_user(request, f"{count} practice(s) published.", messages.SUCCESS)

    @admin.action(description="Unpublish the selected practices (back to draft)")
    def unpublish(self, request, queryset):
        count = 0
        for practice in queryset.exclude(status=Practice.Status.DRAFT):
            practice.status = Practice.Status.DRAFT
            practice.save()
            count += 1
        self.message_user(request, f"{count} practice(s) unpublished.", messages.SUCCESS)


class ThemeSpellingInline(admin.TabularInline):
    model = ThemeSpelling
    extra = 0
    fields = ["key", "origin"]
    readonly_fields = ["key", "origin"]
    can_delete = False
    show_change_link = True
    verbose_name_plural = "spellings (split one off from the spellings list)"

    def has_add_permission(self, request, obj=None):
        return False


class ThemeRedirectInline(admin.TabularInline):
    """Addresses of themes merged into this one; they redirect here (made by merges, not typed)."""

    model = ThemeRedirect
    extra = 0
    fields = ["old_slug", "created_at"]
    readonly_fields = ["old_slug", "created_at"]
    can_delete = False
    verbose_name_plural = "old addresses that redirect here"

    def has_add_permission(self, request, obj=None):
        return False


class ThemeMergeForm(forms.Form):
    """The theme the selected themes are merged into."""

    target = forms.ModelChoiceField(queryset=Theme.objects.none(), widget=forms.RadioSelect, label="Keep")


@admin.register(Theme)
class ThemeAdmin(TranslatedHistoryAdmin):
    list_display = ["name", "slug", "practice_count"]
    list_filter = [LacksFrenchFilter]
    search_fields = ["name_en", "name_fr", "slug", "spellings__key"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [side_by_side("name"), "slug", side_by_side("description")]
    inlines = [ThemeSpellingInline, ThemeRedirectInline]
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(practice_count=Count("themed_items", distinct=True))

    @admin.display(description="practices", ordering="practice_count")
    def practice_count(self, theme):
        return theme.practice_count

    @admin.action(description="Merge the selected themes into one", permissions=["change"])
    def merge(self, request, queryset):
        themes = list(queryset.order_by("-practice_count", "name"))
        if len(themes) < 2:
            self.message_user(request, "Select at least two themes to merge.", messages.WARNING)
            return None
        form = ThemeMergeForm(request.POST if "apply" in request.POST else None, initial={"target": themes[0]})
        form.fields["target"].queryset = queryset
        if form.is_valid():
            target = form.cleaned_data["target"]
            result = merge_themes(target, [t for t in themes if t.pk != target.pk], by_curator=True)
            names = ", ".join(theme.name for theme in result.merged)
            message = f"Merged {names} into {target.name}; {result.moved} practice(s) moved, old addresses redirect."
            self.message_user(request, message, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge themes",
            "opts": self.model._meta,
            "themes": themes,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/practices/theme/merge.html", context)


@admin.register(ThemeSpelling)
class ThemeSpellingAdmin(SimpleHistoryAdmin):
    list_display = ["key", "theme", "origin"]
    list_filter = ["origin"]
    list_select_related = ["theme"]
    search_fields = ["key", "theme__name"]
    autocomplete_fields = ["theme"]
    readonly_fields = ["join_key"]
    actions = ["split"]

    def save_model(self, request, obj, form, change):
        # Moving a spelling by hand is a curator's decision: the import follows it from now on.
        obj.origin = ThemeSpelling.Origin.CURATOR
        obj.key = normalise_target(obj.key)
        obj.join_key = join_key(obj.key)
        super().save_model(request, obj, form, change)

    @admin.action(description="Split the selected spellings off, each into a theme of its own", permissions=["change"])
    def split(self, request, queryset):
        made = [split_spelling(spelling) for spelling in queryset.select_related("theme")]
        names = ", ".join(theme.name for theme in made)
        self.message_user(request, f"New theme(s): {names}; their practices moved.", messages.SUCCESS)


@admin.register(Video)
class VideoAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "youtube_id", "channel", "published_on"]
    list_filter = ["channel"]
    search_fields = ["title", "youtube_id", "channel"]


@admin.register(CountryMention)
class CountryMentionAdmin(SimpleHistoryAdmin):
    # A curator's strength outlives re-imports (the importer's three-way merge), so it is editable in the list.
    list_display = ["practice", "country", "strength", "origin", "seconds"]
    list_editable = ["strength"]
    list_filter = ["strength", "origin"]
    list_select_related = ["practice", "country"]
    search_fields = ["practice__title", "country__name", "sentence"]
    autocomplete_fields = ["practice", "country"]


@admin.register(ToolkitMention)
class ToolkitMentionAdmin(SimpleHistoryAdmin):
    list_display = ["practice", "toolkit", "origin", "seconds"]
    list_filter = ["origin"]
    list_select_related = ["practice", "toolkit"]
    search_fields = ["practice__title", "toolkit__name", "sentence"]
    autocomplete_fields = ["practice", "toolkit"]


class CandidateMergeForm(forms.Form):
    """The record the selected candidates become names of."""

    record = forms.ModelChoiceField(queryset=None, label="Merge into")

    def __init__(self, model, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].queryset = model.objects.order_by("name")
        self.fields["record"].label = f"Merge into this {model._meta.verbose_name}"


@admin.register(ReferenceCandidate)
class ReferenceCandidateAdmin(SimpleHistoryAdmin):
    """Toolkits, organisations, programmes and partnerships the notes name, ranked for curators to decide on."""

    list_display = ["name", "kind", "note_count", "sentence_count", "variants_list", "status", "record_link"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "key"]
    list_per_page = 50
    fields = ["name", "kind", "status", "record_link", "variants_list", "note_count", "sentence_count", "evidence"]
    readonly_fields = ["status", "record_link", "variants_list", "note_count", "sentence_count", "evidence"]
    actions = ["accept_selected", "merge_selected", "reject_selected"]
    list_select_related = ["toolkit", "organisation", "programme", "partnership"]

    def has_add_permission(self, request):
        return False  # candidates come from the import

    @admin.display(description="variants")
    def variants_list(self, candidate):
        return ", ".join(candidate.variants[:8]) + (" …" if len(candidate.variants) > 8 else "")

    @admin.display(description="record")
    def record_link(self, candidate):
        record = candidate.record
        if record is None:
            return "—"
        url = reverse(f"admin:incubator_{record._meta.model_name}_change", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record)

    @admin.display(description="evidence (sentences and video moments)")
    def evidence(self, candidate):
        rows = candidate.evidence.select_related("practice__source_video").order_by("practice__title", "id")
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a>: “{}” {}</li>',
            (
                (
                    reverse("admin:practices_practice_change", args=[row.practice_id]),
                    row.practice.title,
                    row.sentence,
                    _moment(row),
                )
                for row in rows[:EVIDENCE_SHOWN]
            ),
        )
        more = candidate.sentence_count - EVIDENCE_SHOWN
        return format_html("<ul>{}</ul>{}", items, f"and {more} more sentences" if more > 0 else "")

    def _decide(self, request, queryset, decision, verb):
        done = 0
        for candidate in queryset:
            try:
                decision(candidate)
                done += 1
            except CurationError as error:
                self.message_user(request, str(error), messages.ERROR)
        if done:
            self.message_user(request, f"{done} candidate(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Accept: create the records and link the practices naming them", permissions=["change"])
    def accept_selected(self, request, queryset):
        self._decide(request, queryset, curation.accept, "accepted; their practices are being linked")

    @admin.action(description="Reject: never propose them again", permissions=["change"])
    def reject_selected(self, request, queryset):
        self._decide(request, queryset, curation.reject, "rejected")

    @admin.action(description="Merge into an existing record…", permissions=["change"])
    def merge_selected(self, request, queryset):
        kinds = set(queryset.values_list("kind", flat=True))
        if len(kinds) != 1:
            self.message_user(request, "Select candidates of one kind to merge.", messages.ERROR)
            return None
        model = curation.RECORDS[kinds.pop()][0]
        form = CandidateMergeForm(model, request.POST if "record" in request.POST else None)
        if form.is_valid():
            self._decide(request, queryset, lambda c: curation.merge(c, form.cleaned_data["record"]), "merged")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge candidates into a record",
            "candidates": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/practices/referencecandidate/merge.html", context)


def _moment(row):
    url = row.practice.source_video.url_at(row.seconds) if row.practice.source_video and row.seconds is not None else ""
    return format_html('<a href="{}">[{}]</a>', url, row.timestamp) if url else ""
