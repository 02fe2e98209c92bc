"""The portal's URLs: public pages of both apps, the API, the sitemap and the curators' admin.

Pages and the API answer in English at their addresses and in French under /fr/; the admin, the
sitemap, robots.txt and the health check have one address each.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from practices.sitemaps import SITEMAPS

from . import views

handler404 = "opsi_portal.errors.page_not_found"
handler500 = "opsi_portal.errors.server_error"

admin.site.site_header = _("OPSI practices portal: curators")
admin.site.site_title = _("OPSI practices curators")
admin.site.index_title = _("Records")

urlpatterns = [
    path("admin/", admin.site.urls),
    # An index of one sitemap per kind of page, each paged by 50,000 addresses, so none is left out.
    path("sitemap.xml", sitemaps.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path("healthz", views.healthz, name="healthz"),
]
urlpatterns += i18n_patterns(
    path("api/", include("practices.api.urls")),
    path("", include("incubator.urls")),
    path("", include("practices.urls")),
    prefix_default_language=False,
)
