"""Atom feeds of new practices: all of them, and those of one country, theme or toolkit."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from incubator.models import Country, Toolkit

from .models import CountryMention, Practice, Theme

# Entries per feed: readers poll often, so the newest few are enough.
FEED_LENGTH = 30


def with_site_name(title):
    return f"{title} · {gettext(settings.SITE_NAME)}"


class LatestPracticesFeed(Feed):
    """The newest published practices, with the data licence as the feed's rights."""

    feed_type = Atom1Feed
    subtitle = _("Innovative public-sector practices, newest first.")

    def title(self, obj=None):
        return with_site_name(gettext("New practices"))

    def link(self, obj=None):
        return reverse("practices:practice_list")

    def author_name(self):
        return gettext(settings.SITE_NAME)

    def feed_copyright(self):
        return gettext(settings.DATA_LICENCE)

    def practices(self, obj):
        return Practice.objects.published()

    def items(self, obj=None):
        return (
            self.practices(obj).in_list_order().select_related("source_video").prefetch_related("themes")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # The entry's own dates say when it joined the library; the video's date is told in words.
        video_date = item.video_date
        if video_date is None:
            return item.summary
        video_of = gettext("Video of {date}.").format(date=format_date(video_date, "j F Y"))
        return f"{video_of} {item.summary}".strip()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [theme.name for theme in item.themes.all()]


class CountryFeed(LatestPracticesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Country, slug=slug)

    def title(self, obj):
        return with_site_name(gettext("New practices in {name}").format(name=obj.display_name))

    def link(self, obj):
        return obj.get_absolute_url()

    def practices(self, obj):
        # Like the country's page: the practices about it.
        return Practice.objects.published().filter(
            pk__in=CountryMention.objects.about().filter(country=obj).values("practice")
        )


class ThemeFeed(LatestPracticesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Theme, slug=slug)

    def title(self, obj):
        return with_site_name(gettext("New practices about {name}").format(name=obj.name))

    def link(self, obj):
        return obj.get_absolute_url()

    def practices(self, obj):
        return Practice.objects.published().filter(themes=obj)


class ToolkitFeed(LatestPracticesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Toolkit, slug=slug)

    def title(self, obj):
        return with_site_name(gettext("New practices naming {name}").format(name=obj.name))

    def link(self, obj):
        return obj.get_absolute_url()

    def practices(self, obj):
        return Practice.objects.published().filter(toolkits=obj)
