"""The filters of the public practice list, reused by downloads, feeds and the API."""

import django_filters
from django import forms

from incubator.models import Country, Toolkit

from .models import Practice, Theme
from .search import search


class PracticeFilter(django_filters.FilterSet):
    """Country, theme, toolkit and free text, combinable; the state lives in the query string."""

    q = django_filters.CharFilter(
        method="filter_text", label="Search", widget=forms.TextInput(attrs={"type": "search"})
    )
    country = django_filters.ModelMultipleChoiceFilter(
        field_name="countries__slug", to_field_name="slug", queryset=Country.objects.all(), conjoined=True
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        field_name="themes__slug", to_field_name="slug", queryset=Theme.objects.all(), conjoined=True
    )
    toolkit = django_filters.ModelMultipleChoiceFilter(
        field_name="toolkits__slug", to_field_name="slug", queryset=Toolkit.objects.all(), conjoined=True
    )
    sort = django_filters.OrderingFilter(
        fields=(("published_at", "published"), ("title", "title")),
        field_labels={"published": "Oldest first", "-published": "Newest first", "title": "Title A–Z"},
        label="Sort by",
    )

    class Meta:
        model = Practice
        fields = ["q", "country", "theme", "toolkit"]

    def filter_text(self, queryset, name, value):
        return search(queryset, value)
