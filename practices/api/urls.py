"""The API under /api/: endpoints from a router, the OpenAPI description and the page for people."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("practices", views.PracticeViewSet, basename="practice")
router.register("countries", views.CountryViewSet, basename="country")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("toolkits", views.ToolkitViewSet, basename="toolkit")
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("participations", views.ParticipationViewSet, basename="participation")
router.register("partnerships", views.PartnershipViewSet, basename="partnership")
router.register("organisations", views.OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("", views.api_docs, name="docs"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *router.urls,
    # Only addresses ending in a slash, so /api/practices still redirects to /api/practices/.
    re_path(r"^(?P<path>[\s\S]*/)\Z", views.api_not_found),
]
