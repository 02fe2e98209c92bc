from django.urls import path, re_path

from . import downloads, facet_pages, feeds, views

app_name = "practices"

urlpatterns = [
    path("", views.home, name="home"),
    path("practices/", views.practice_list, name="practice_list"),
    re_path(r"^practices/download\.(?P<fmt>csv|json)$", downloads.practice_download, name="practice_download"),
    path("practices/options/<slug:name>/", facet_pages.facet_options, name="facet_options"),
    path("practices/feed/", feeds.LatestPracticesFeed(), name="feed"),
    path("practices/<slug:slug>/", views.practice_detail, name="practice_detail"),
    re_path(
        r"^practices/(?P<slug>[-a-zA-Z0-9_]+)/cite\.(?P<fmt>bib|ris|csl\.json)$",
        views.practice_citation,
        name="practice_citation",
    ),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("themes/<slug:slug>/feed/", feeds.ThemeFeed(), name="theme_feed"),
    path("countries/<slug:slug>/feed/", feeds.CountryFeed(), name="country_feed"),
    path("toolkits/<slug:slug>/feed/", feeds.ToolkitFeed(), name="toolkit_feed"),
]
