"""Curators' admin for the library; every change page has a history a curator can browse and revert."""

from django.contrib import admin, messages
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from taggit.models import Tag

from .models import CountryMention, Practice, Theme, ThemedPractice, ToolkitMention, Video

# The project's themes replace taggit's generic tags; hide the unused model.
admin.site.unregister(Tag)


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
class PracticeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "status", "source_video", "published_at", "updated_at"]
    list_filter = ["status", "source_video", "countries"]
    list_select_related = ["source_video"]
    search_fields = ["title", "summary", "note_key"]
    autocomplete_fields = ["source_video", "links_to"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["note_key", "body_html", "published_at", "created_at", "updated_at"]
    inlines = [ThemedPracticeInline, CountryMentionInline, ToolkitMentionInline]
    exclude = ["themes"]
    actions = ["publish", "unpublish"]
    date_hierarchy = "published_at"
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "status", "source_video", "links_to"]}),
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


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


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
