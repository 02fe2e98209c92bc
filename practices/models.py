"""The library: practices, the themes and videos they come with, and why each is linked where."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from incubator.models import YOUTUBE_ID_VALIDATOR, Country, Toolkit, format_timestamp, youtube_url

from .rendering import render_markdown


class Theme(TagBase):
    """A subject practices share, from the notes' [[wiki links]]; curators rename and merge them."""

    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "theme"
        verbose_name_plural = "themes"

    def get_absolute_url(self):
        return reverse("practices:theme_detail", args=[self.slug])


class Video(models.Model):
    """A YouTube video that notes were made from; every timestamp of those notes points into it."""

    youtube_id = models.CharField("YouTube id", max_length=11, unique=True, validators=[YOUTUBE_ID_VALIDATOR])
    title = models.CharField(max_length=300, blank=True)
    channel = models.CharField(max_length=200, blank=True, help_text="The channel's index note name.")

    class Meta:
        ordering = ["title", "youtube_id"]
        verbose_name = "video"
        verbose_name_plural = "videos"

    def __str__(self):
        return self.title or self.youtube_id

    def natural_key(self):
        return (self.youtube_id,)

    @property
    def url(self):
        return youtube_url(self.youtube_id)

    def url_at(self, seconds):
        return youtube_url(self.youtube_id, seconds)


class PracticeQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what the public may see."""
        return self.filter(status=Practice.Status.PUBLISHED)


class Practice(models.Model):
    """One practice of the library: an imported note or an entry a curator wrote."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True, help_text="One or two sentences shown in lists and search results.")
    body_markdown = models.TextField("text (Markdown)", blank=True)
    body_html = models.TextField("rendered text", blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    source_video = models.ForeignKey(Video, on_delete=models.SET_NULL, null=True, blank=True, related_name="practices")
    note_key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The file name of the note it was imported from; empty for curated entries.",
    )
    note_hash = models.CharField(max_length=64, blank=True, editable=False)
    # What the last import wrote, so a re-import can tell a curator's edit from its own.
    import_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    themes = TaggableManager(through="ThemedPractice", blank=True)
    countries = models.ManyToManyField(Country, through="CountryMention", related_name="practices", blank=True)
    toolkits = models.ManyToManyField(Toolkit, through="ToolkitMention", related_name="practices", blank=True)
    links_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="linked_from",
        blank=True,
        help_text="Practices this one's text links to.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Title (A), summary (B), themes and countries (C), text (D), kept by practices.search.
    # PostgreSQL only; its GIN index is made by migration 0003 there and nowhere else.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "title"]
        verbose_name = "practice"
        verbose_name_plural = "practices"
        indexes = [
            # The public list: published practices, newest first.
            models.Index(fields=["status", "-published_at"], name="practice_status_published_idx"),
            # Sorting the list by title.
            models.Index(fields=["title"], name="practice_title_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("practices:practice_detail", args=[self.slug])

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body_markdown, video_id=getattr(self.source_video, "youtube_id", None))
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)


class ThemedPractice(TaggedItemBase):
    """A practice's theme."""

    content_object = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="themed_items")
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="themed_items")

    class Meta:
        verbose_name = "theme of a practice"
        verbose_name_plural = "themes of practices"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="themed_practice_unique"),
        ]
        indexes = [
            # Theme pages and "related practices": the newest practices of one theme.
            models.Index(fields=["tag", "-content_object"], name="themed_practice_tag_idx"),
        ]


class Origin(models.TextChoices):
    DETECTED = "detected", "Detected in the note"
    CURATOR = "curator", "Set by a curator"


class Mention(models.Model):
    """Why a practice is linked to a record: found in a sentence of its note, or set by a curator."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.CURATOR)
    sentence = models.TextField(blank=True, help_text="The sentence of the note that names it.")
    seconds = models.PositiveIntegerField(
        "moment in the video (seconds)", null=True, blank=True, help_text="The nearest timestamp to that sentence."
    )

    class Meta:
        abstract = True

    @property
    def timestamp(self):
        return "" if self.seconds is None else format_timestamp(self.seconds)

    @property
    def video_url(self):
        video = self.practice.source_video
        if video is None or self.seconds is None:
            return ""
        return video.url_at(self.seconds)


class CountryMention(Mention):
    """A practice concerns a country."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="mentions")

    class Meta:
        ordering = ["country__name"]
        verbose_name = "country mention"
        verbose_name_plural = "country mentions"
        constraints = [
            models.UniqueConstraint(fields=["practice", "country"], name="country_mention_unique"),
            models.CheckConstraint(
                condition=Q(origin__in=[o.value for o in Origin]), name="country_mention_origin_valid"
            ),
        ]
        indexes = [
            # Country pages and the country filter: practices of one country.
            models.Index(fields=["country", "practice"], name="country_mention_country_idx"),
        ]

    def __str__(self):
        return f"{self.practice} mentions {self.country}"


class ToolkitMention(Mention):
    """A practice names a toolkit."""

    toolkit = models.ForeignKey(Toolkit, on_delete=models.CASCADE, related_name="mentions")

    class Meta:
        ordering = ["toolkit__name"]
        verbose_name = "toolkit mention"
        verbose_name_plural = "toolkit mentions"
        constraints = [
            models.UniqueConstraint(fields=["practice", "toolkit"], name="toolkit_mention_unique"),
            models.CheckConstraint(
                condition=Q(origin__in=[o.value for o in Origin]), name="toolkit_mention_origin_valid"
            ),
        ]
        indexes = [
            # Toolkit pages and the toolkit filter: practices naming one toolkit.
            models.Index(fields=["toolkit", "practice"], name="toolkit_mention_toolkit_idx"),
        ]

    def __str__(self):
        return f"{self.practice} mentions {self.toolkit}"
