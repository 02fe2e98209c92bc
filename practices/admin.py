"""Curators' admin for the library; every change page has a history a curator can browse and revert."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from taggit.models import Tag

from opsi_portal.history import HistoryAdmin
from opsi_portal.lib.text import normalise_text
from opsi_portal.translation_admin import LacksFrenchFilter, TranslatedHistoryAdmin, side_by_side

from . import admin_imports, curation, practice_history  # noqa: F401  (admin_imports registers the import runs' pages)
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
from .themes import keep_old_address, merge_themes, slug_for_new_name, split_spelling

# The project's themes replace taggit's generic tags; hide the unused model.
admin.site.unregister(Tag)
# A candidate's page lists this many evidence sentences; the counts say how many there are.
EVIDENCE_SHOWN = 100
# A mention's sentence in the practice's inline is cut to this many characters.
EXCERPT_LENGTH = 90


class MentionInline(admin.TabularInline):
    """A practice's mentions in a few narrow columns: the sentence as a short excerpt with its moment.

    The whole sentence and the moments are edited on the mention's own page (its change link), so the
    row, with its delete box, fits a 1280 px screen.
    """

    extra = 0
    readonly_fields = ["origin", "evidence"]
    show_change_link = True

    @admin.display(description="evidence")
    def evidence(self, mention):
        if not mention.sentence:
            return "—"
        excerpt = Truncator(mention.sentence).chars(EXCERPT_LENGTH)
        url = mention.video_url if mention.practice_id else ""
        if not url:
            return excerpt
        return format_html('{} <a href="{}">[{}]</a>', excerpt, url, mention.timestamp)


class CountryMentionInline(MentionInline):
    model = CountryMention
    autocomplete_fields = ["country"]
    fields = ["country", "strength", "origin", "evidence"]


class ToolkitMentionInline(MentionInline):
    model = ToolkitMention
    autocomplete_fields = ["toolkit"]
    fields = ["toolkit", "origin", "evidence"]


class ThemedPracticeInline(admin.TabularInline):
    model = ThemedPractice
    extra = 0
    autocomplete_fields = ["tag"]
    verbose_name = "theme"
    verbose_name_plural = "themes"


class NormalisedTextField(forms.CharField):
    """A text as `Practice.save` stores it (`normalise_text`): a browser's CRLF line ends are no change."""

    def to_python(self, value):
        value = super().to_python(value)
        # A French version left empty is None (modeltranslation's empty value), not a text.
        return normalise_text(value) if isinstance(value, str) else value

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return normalise_text(initial or "") != (self.to_python(data) or "")


class ConflictFilter(admin.SimpleListFilter):
    """Practices whose note changed a field after a curator had edited it (see `Practice.import_conflicts`)."""

    title = "conflicts with the note"
    parameter_name = "conflicts"

    def lookups(self, request, model_admin):
        return [("yes", "Has conflicts"), ("no", "No conflicts")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(import_conflicts={})
        if self.value() == "no":
            return queryset.filter(import_conflicts={})
        return queryset


class TypedFilter(admin.SimpleListFilter):
    """A list filter typed in a box, suggesting only the values in use (a <datalist>: no script needed).

    For long lists (249 countries, every video) where a column of links would fill the sidebar.
    """

    template = "admin/typed_filter.html"
    lookup = ""  # the practice's field path to the value typed, e.g. "countries__name"

    def __init__(self, request, params, model, model_admin):
        # The other filters and the search stay when this one is applied: they go along as hidden fields.
        self.kept = [(k, v) for k, values in request.GET.lists() if k not in (self.parameter_name, "p") for v in values]
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        values = Practice.objects.exclude(**{f"{self.lookup}__isnull": True}).values_list(self.lookup, flat=True)
        return [(value, value) for value in values.distinct().order_by(self.lookup) if value]

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        return queryset.filter(**{f"{self.lookup}__iexact": value}).distinct() if value else queryset


class CountryFilter(TypedFilter):
    title = "country"
    parameter_name = "country"
    lookup = "countries__name"


class VideoFilter(TypedFilter):
    title = "video"
    parameter_name = "video"
    lookup = "source_video__title"


@admin.register(Practice)
class PracticeAdmin(TranslatedHistoryAdmin):
    list_display = ["title", "status", "source_video", "published_at", "updated_at"]
    # Only the videos and countries some practice has, not every video and all 249 countries.
    list_filter = [LacksFrenchFilter, "status", ConflictFilter, VideoFilter, CountryFilter]
    list_select_related = ["source_video"]
    search_fields = ["title_en", "title_fr", "summary_en", "summary_fr", "note_key"]
    autocomplete_fields = ["source_video", "links_to"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["note_key", "rendered_text", "published_at", "created_at", "updated_at", "conflicts"]
    inlines = [ThemedPracticeInline, CountryMentionInline, ToolkitMentionInline]
    # The first fieldset, then the themes and mentions, then the text (see the template).
    change_form_template = "admin/practices/practice/change_form.html"
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
        ("Text", {"fields": ["body_markdown", "rendered_text"]}),
        ("Record", {"fields": ["note_key", "published_at", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A text's English and French versions (title_en, title_fr) are normalised like the text itself.
        if db_field.name in Practice.TEXT_FIELDS or db_field.name.rsplit("_", 1)[0] in Practice.TEXT_FIELDS:
            kwargs["form_class"] = NormalisedTextField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.import_conflicts:
            return fieldsets
        # First on the page, so a curator sees what the note says before saving over it.
        notice = "Saving this form keeps the values below it and clears this notice."
        return [
            ("Changed by the note since a curator edited it", {"fields": ["conflicts"], "description": notice})
        ] + list(fieldsets)

    @admin.display(description="the note says")
    def conflicts(self, practice):
        rows = (
            (Practice._meta.get_field(name).verbose_name, linebreaksbr(value, autoescape=True))
            for name, value in sorted((practice.import_conflicts or {}).items())
        )
        return format_html_join(
            "",
            "<p><strong>{}</strong>: The note changed this field since a curator edited it; the curator's value "
            "is kept.</p><details><summary>What the note says</summary><p>{}</p></details>",
            rows,
        )

    def save_model(self, request, obj, form, change):
        # The form showed the conflicts above the fields; saving it is the curator's decision on them.
        obj.import_conflicts = {}
        super().save_model(request, obj, form, change)

    object_history_template = "admin/practices/practice/object_history.html"

    @admin.display(description="rendered text")
    def rendered_text(self, practice):
        """The text as the public page shows it, folded: it runs to thousands of pixels."""
        if not practice.body_html:
            return "—"
        # body_html is made by practices.rendering, whose sanitiser is what lets it through here and on the page.
        return format_html(
            '<details class="rendered-text"><summary>Show the rendered text</summary><div>{}</div></details>',
            mark_safe(practice.body_html),  # noqa: S308 (sanitised HTML, see above)
        )

    def get_urls(self):
        restore = self.admin_site.admin_view(require_POST(self.restore_view))
        route = "<path:object_id>/history/restore/<str:kind>/<int:history_id>/"
        return [path(route, restore, name="practices_restore"), *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        context = {"related_changes": practice_history.related_changes(object_id), **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def restore_view(self, request, object_id, kind, history_id):
        """Restore a deleted mention or theme from the practice's history page (POST only)."""
        practice = self.get_object(request, object_id)
        if practice is None or kind not in practice_history.KINDS:
            raise Http404("No such practice or kind of row")
        model_name = practice_history.KINDS[kind].model._meta.model_name
        if not (self.has_change_permission(request, practice) and request.user.has_perm(f"practices.add_{model_name}")):
            raise PermissionDenied
        try:
            row = practice_history.restore(kind, practice.pk, history_id)
            self.message_user(request, f"Restored: {row}.", messages.SUCCESS)
        except practice_history.RestoreError as error:
            self.message_user(request, str(error), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:practices_practice_history", args=[practice.pk]))

    @admin.action(description=_("Publish the selected practices"))
    def publish(self, request, queryset):
        # Saved one by one, not with update(), so each change lands in the practice's history.
        count = 0
        for practice in queryset.exclude(status=Practice.Status.PUBLISHED):
            # The model dates a first publication; publishing again keeps that date.
            practice.status = Practice.Status.PUBLISHED
            practice.save()
            count += 1
        self.message_user(request, f"{count} practice(s) published.", messages.SUCCESS)

    @admin.action(description=_("Unpublish the selected practices (back to draft)"))
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

    target = forms.ModelChoiceField(queryset=Theme.objects.none(), widget=forms.RadioSelect, label=_("Keep"))


class ThemeForm(forms.ModelForm):
    """A theme's change form: a new name gets a new slug; a name another theme has offers a merge into it."""

    merge = forms.BooleanField(
        required=False,
        label="Merge if the name is taken",
        help_text="When another theme has the new name, move this theme's practices, spellings and addresses "
        "to it; this theme's page then redirects there.",
    )

    class Meta:
        model = Theme
        fields = ["name_en", "name_fr", "slug", "description_en", "description_fr"]

    def clean(self):
        cleaned = super().clean()
        self.merge_into = None
        name = cleaned.get("name_en")  # the English name is the theme's name; it makes the slug
        if not self.instance.pk or not name:
            return cleaned
        self.merge_into = Theme.objects.exclude(pk=self.instance.pk).filter(name__iexact=name).first()
        if self.merge_into is not None and not cleaned.get("merge"):
            raise forms.ValidationError(
                {
                    "name_en": f"A theme named “{self.merge_into.name}” exists. Tick “Merge if the name is taken” "
                    "below to merge this theme into it (or select both in the list: “Merge the selected themes”)."
                }
            )
        if name != self.initial.get("name_en") and cleaned.get("slug") == self.initial.get("slug"):
            # Without JavaScript the slug field does not follow the name: a rename moves the address.
            cleaned["slug"] = slug_for_new_name(self.instance, name)
        return cleaned

    def validate_unique(self):
        # A taken name is a merge (or the error above), not a uniqueness error.
        if getattr(self, "merge_into", None) is None:
            super().validate_unique()


@admin.register(Theme)
class ThemeAdmin(TranslatedHistoryAdmin):
    form = ThemeForm
    list_display = ["name", "slug", "practice_count"]
    list_filter = [LacksFrenchFilter]
    search_fields = ["name_en", "name_fr", "slug", "spellings__key"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [side_by_side("name"), "slug", side_by_side("description"), "merge"]
    inlines = [ThemeSpellingInline, ThemeRedirectInline]
    actions = ["merge"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj is not None else [name for name in fields if name != "merge"]  # nothing to merge yet

    def save_model(self, request, obj, form, change):
        if change and form.merge_into is not None:
            merged = Theme.objects.get(pk=obj.pk)
            merge_themes(form.merge_into, [merged], by_curator=True)
            request.theme_merge = (merged.name, form.merge_into)
            return
        super().save_model(request, obj, form, change)
        if change:
            keep_old_address(obj, form.initial.get("slug"))

    def save_related(self, request, form, formsets, change):
        if not hasattr(request, "theme_merge"):  # a merged theme is gone, and its inlines with it
            super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if not hasattr(request, "theme_merge"):
            return super().construct_change_message(request, form, formsets, add)
        return f"Merged into “{request.theme_merge[1].name}”."

    def response_change(self, request, obj):
        if not hasattr(request, "theme_merge"):
            return super().response_change(request, obj)
        name, target = request.theme_merge
        self.message_user(request, f"Merged “{name}” into “{target.name}”; its address redirects.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:practices_theme_change", args=[target.pk]))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(practice_count=Count("themed_items", distinct=True))

    @admin.display(description=_("practices"), ordering="practice_count")
    def practice_count(self, theme):
        return theme.practice_count

    @admin.action(description=_("Merge the selected themes into one"), permissions=["change"])
    def merge(self, request, queryset):
        themes = list(queryset.order_by("-practice_count", "name"))
        if len(themes) < 2:
            self.message_user(request, _("Select at least two themes to merge."), messages.WARNING)
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
class ThemeSpellingAdmin(HistoryAdmin):
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

    @admin.action(
        description=_("Split the selected spellings off, each into a theme of its own"), permissions=["change"]
    )
    def split(self, request, queryset):
        made = [split_spelling(spelling) for spelling in queryset.select_related("theme")]
        names = ", ".join(theme.name for theme in made)
        self.message_user(request, f"New theme(s): {names}; their practices moved.", messages.SUCCESS)


@admin.register(Video)
class VideoAdmin(HistoryAdmin):
    list_display = ["__str__", "youtube_id", "channel", "published_on"]
    list_filter = ["channel"]
    search_fields = ["title", "youtube_id", "channel"]


@admin.register(CountryMention)
class CountryMentionAdmin(HistoryAdmin):
    # A curator's strength outlives re-imports (the importer's three-way merge), so it is editable in the list.
    list_display = ["practice", "country", "strength", "origin", "seconds"]
    list_editable = ["strength"]
    list_filter = ["strength", "origin"]
    list_select_related = ["practice", "country"]
    search_fields = ["practice__title", "country__name", "sentence"]
    autocomplete_fields = ["practice", "country"]


@admin.register(ToolkitMention)
class ToolkitMentionAdmin(HistoryAdmin):
    list_display = ["practice", "toolkit", "origin", "seconds"]
    list_filter = ["origin"]
    list_select_related = ["practice", "toolkit"]
    search_fields = ["practice__title", "toolkit__name", "sentence"]
    autocomplete_fields = ["practice", "toolkit"]


class CandidateMergeForm(forms.Form):
    """The record the selected candidates become names of."""

    record = forms.ModelChoiceField(queryset=None, label=_("Merge into"))

    def __init__(self, model, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].queryset = model.objects.order_by("name")
        self.fields["record"].label = f"Merge into this {model._meta.verbose_name}"


@admin.register(ReferenceCandidate)
class ReferenceCandidateAdmin(HistoryAdmin):
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

    @admin.display(description=_("variants"))
    def variants_list(self, candidate):
        return ", ".join(candidate.variants[:8]) + (" …" if len(candidate.variants) > 8 else "")

    @admin.display(description=_("record"))
    def record_link(self, candidate):
        record = candidate.record
        if record is None:
            return "—"
        url = reverse(f"admin:incubator_{record._meta.model_name}_change", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record)

    @admin.display(description=_("evidence (sentences and video moments)"))
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

    @admin.action(
        description=_("Accept: create the records and link the practices naming them"), permissions=["change"]
    )
    def accept_selected(self, request, queryset):
        self._decide(request, queryset, curation.accept, "accepted; their practices are being linked")

    @admin.action(description=_("Reject: never propose them again"), permissions=["change"])
    def reject_selected(self, request, queryset):
        self._decide(request, queryset, curation.reject, "rejected")

    @admin.action(description=_("Merge into an existing record…"), permissions=["change"])
    def merge_selected(self, request, queryset):
        kinds = set(queryset.values_list("kind", flat=True))
        if len(kinds) != 1:
            self.message_user(request, _("Select candidates of one kind to merge."), messages.ERROR)
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
