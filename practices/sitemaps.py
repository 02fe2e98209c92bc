"""sitemap.xml: every public page search engines should find, and never a draft.

Each page is listed at its English and its French address, with hreflang alternates between them.

Countries and themes are listed when they have something to show (a published practice, and for
countries also a programme participation or a toolkit); the pages of the other ISO countries
exist but would be empty, so they are not advertised.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from incubator.models import Country, Organisation, Participation, Partnership, Programme, Toolkit

from .models import Practice, Theme


class I18nSitemap(Sitemap):
    """Every page in English and in French, each entry naming both and the default (x-default)."""

    i18n = True
    alternates = True
    x_default = True


# Pages without a record of their own, by URL name. Index pages added later belong here.
STATIC_PAGES = ["practices:home", "practices:practice_list", "api:docs"]


class StaticPagesSitemap(I18nSitemap):
    def items(self):
        return STATIC_PAGES

    def location(self, item):
        return reverse(item)


class PracticeSitemap(I18nSitemap):
    def items(self):
        return Practice.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, item):
        return item.updated_at


class CountrySitemap(I18nSitemap):
    def items(self):
        published = Practice.objects.published().filter(countries=OuterRef("pk"))
        return Country.objects.filter(
            Q(Exists(published))
            | Q(Exists(Participation.objects.filter(country=OuterRef("pk"))))
            | Q(Exists(Toolkit.objects.filter(country=OuterRef("pk"))))
        ).order_by("slug")


class ThemeSitemap(I18nSitemap):
    def items(self):
        published = Practice.objects.published().filter(themes=OuterRef("pk"))
        return Theme.objects.filter(Exists(published)).order_by("slug")


class RecordSitemap(I18nSitemap):
    """Every record of a reference model: each is public once a curator has entered it."""

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.order_by("slug")


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "practices": PracticeSitemap,
    "countries": CountrySitemap,
    "themes": ThemeSitemap,
    "toolkits": RecordSitemap(Toolkit),
    "programmes": RecordSitemap(Programme),
    "partnerships": RecordSitemap(Partnership),
    "organisations": RecordSitemap(Organisation),
}
