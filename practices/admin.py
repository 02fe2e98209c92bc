"""Curators' admin for the library; every change page has a history a curator can browse and revert."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from taggit.models import Tag

from .importing.parser import normalise_target
from .importing.themes import join_key
from .models import CountryMention, Practice, Theme, ThemedPractice, ThemeRedirect, ThemeSpelling, ToolkitMention, Video
from .themes import merge_themes, split_spelling

# The project's themes replace taggit's generic tags; hide the unused model.
admin.site.unregister(Tag)


class CountryMentionInline(admin.TabularInline):
    model = CountryMention
    extra = 0
    autocomplete_fields = ["country"]
    fields = ["country", "origin", "sentence", "seconds"]


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


class MergeForm(forms.Form):
    """The theme the selected themes are merged into."""

    target = forms.ModelChoiceField(queryset=Theme.objects.none(), widget=forms.RadioSelect, label="Keep")


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "practice_count"]
    search_fields = ["name", "slug", "spellings__key"]
    prepopulated_fields = {"slug": ["name"]}
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
        form = MergeForm(request.POST if "apply" in request.POST else None, initial={"target": themes[0]})
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
    list_display = ["__str__", "youtube_id", "channel"]
    list_filter = ["channel"]
    search_fields = ["title", "youtube_id", "channel"]


@admin.register(CountryMention)
class CountryMentionAdmin(SimpleHistoryAdmin):
    list_display = ["practice", "country", "origin", "seconds"]
    list_filter = ["origin"]
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
