from django.urls import path, re_path

from . import downloads, feeds, views

app_name = "practices"

urlpatterns = [
    path("", views.home, name="home"),
    path("practices/", views.practice_list, name="practice_list"),
    re_path(r"^practices/download\.(?P<fmt>csv|json)$", downloads.practice_download, name="practice_download"),
    path("practices/feed/", feeds.LatestPracticesFeed(), name="feed"),
    path("practices/<slug:slug>/", views.practice_detail, name="practice_detail"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("themes/<slug:slug>/feed/", feeds.ThemeFeed(), name="theme_feed"),
    path("countries/<slug:slug>/feed/", feeds.CountryFeed(), name="country_feed"),
    path("toolkits/<slug:slug>/feed/", feeds.ToolkitFeed(), name="toolkit_feed"),
]
