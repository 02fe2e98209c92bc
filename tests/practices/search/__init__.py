"""Helpers shared by the search tests."""

from django.db import connection

from practices.models import Practice
from practices.search import search


def on_postgresql():
    return connection.vendor == "postgresql"


def found(text, queryset=None):
    queryset = Practice.objects.published() if queryset is None else queryset
    return list(search(queryset, text).values_list("title", flat=True))
