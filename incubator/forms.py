"""Form fields for the reference records, shared by the pages and the API of the practices app."""

import re

from django_filters.fields import ModelMultipleChoiceField

from .models import Country

ISO_CODE = re.compile(r"^[A-Za-z]{2}$")


def country_slugs_for_codes(values):
    """`values` with each ISO 3166-1 alpha-2 code (`PT`, `pt`) replaced by its country's slug.

    The API addresses countries by code and the pages by slug; filters take either. No slug has
    two letters, so a two-letter value is a code. Values without a code cost no query.
    """
    codes = {value.upper() for value in values if ISO_CODE.match(value)}
    if not codes:
        return list(values)
    slugs = dict(Country.objects.filter(code__in=codes).values_list("code", "slug"))
    return [slugs.get(value.upper(), value) if ISO_CODE.match(value) else value for value in values]


class CountryChoiceField(ModelMultipleChoiceField):
    """Countries chosen by slug or by ISO code."""

    def _check_values(self, value):
        return super()._check_values(country_slugs_for_codes([str(item) for item in value]))
