"""The portal's URLs: public pages of both apps and the curators' admin."""

from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "OPSI practices portal: curators"
admin.site.site_title = "OPSI practices curators"
admin.site.index_title = "Records"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("", include("incubator.urls")),
    path("", include("practices.urls")),
]
