from django.urls import path

from . import views

app_name = "incubator"

urlpatterns = [
    path("countries/", views.country_list, name="country_list"),
    path("countries/<slug:slug>/", views.country_detail, name="country_detail"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme_detail"),
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership_detail"),
    path("toolkits/", views.toolkit_list, name="toolkit_list"),
    path("toolkits/<slug:slug>/", views.toolkit_detail, name="toolkit_detail"),
]
