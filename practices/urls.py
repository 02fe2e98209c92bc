from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.home, name="home"),
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/<slug:slug>/", views.practice_detail, name="practice_detail"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme_detail"),
]
