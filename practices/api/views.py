"""Read-only endpoints: lists are paginated and filtered, detail is looked up by a stable identifier."""

from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from incubator.models import Country, Organisation, Participation, Partnership, Programme, Toolkit
from practices.downloads import COLUMNS
from practices.filters import PracticeFilter
from practices.models import CountryMention, Practice, Theme

from . import serializers

# Slugs as Django's <slug:> path converter accepts them; the OpenAPI description states it too.
SLUG_REGEX = "[-a-zA-Z0-9_]+"


class SlugViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only endpoint whose records are addressed by their slug."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX


class PracticeViewSet(SlugViewSet):
    """Published practices, filtered like the list page (q, country, theme, toolkit, sort)."""

    serializer_class = serializers.PracticeSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = PracticeFilter

    def get_queryset(self):
        return (
            Practice.objects.published()
            .in_list_order()
            .select_related("source_video")
            .prefetch_related(
                Prefetch("countrymention_set", queryset=CountryMention.objects.select_related("country")),
                "themes",
                "toolkits",
                Prefetch("links_to", queryset=Practice.objects.published().only("slug")),
            )
        )


class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    """Every ISO 3166-1 country, looked up by its alpha-2 code."""

    queryset = Country.objects.all()
    serializer_class = serializers.CountrySerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Z]{2}"


class ThemeViewSet(SlugViewSet):
    queryset = Theme.objects.all()
    serializer_class = serializers.ThemeSerializer


class ToolkitViewSet(SlugViewSet):
    queryset = Toolkit.objects.select_related("country", "programme", "partnership").prefetch_related("developers")
    serializer_class = serializers.ToolkitSerializer


class ProgrammeViewSet(SlugViewSet):
    queryset = Programme.objects.prefetch_related("organisers")
    serializer_class = serializers.ProgrammeSerializer


class ParticipationFilter(filters.FilterSet):
    """Participations of one programme, country (ISO code) or phase."""

    programme = filters.ModelChoiceFilter(to_field_name="slug", queryset=Programme.objects.all())
    country = filters.ModelChoiceFilter(to_field_name="code", queryset=Country.objects.all())

    class Meta:
        model = Participation
        fields = ["programme", "country", "phase"]


class ParticipationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Participation.objects.select_related("programme", "country")
    serializer_class = serializers.ParticipationSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ParticipationFilter


class PartnershipViewSet(SlugViewSet):
    queryset = Partnership.objects.select_related("programme").prefetch_related("members__organisation")
    serializer_class = serializers.PartnershipSerializer


class OrganisationViewSet(SlugViewSet):
    queryset = Organisation.objects.select_related("country")
    serializer_class = serializers.OrganisationSerializer


@extend_schema(exclude=True)
def api_docs(request):
    """The API's page for people: endpoints, parameters, examples and the download columns."""
    return render(request, "practices/api_docs.html", {"download_columns": COLUMNS})


@extend_schema(exclude=True)
def api_not_found(request, path):
    """Any other address under /api/: a JSON 404 like the endpoints', not the site's HTML page."""
    return JsonResponse({"detail": gettext("Not found.")}, status=404)
