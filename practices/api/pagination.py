"""Pages of API lists, each carrying the data licence."""

from django.conf import settings
from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

# Past this many digits a page number is junk (and Python refuses to read 4,300 digits at all).
MAX_DIGITS = 9


class LicensedPagination(PageNumberPagination):
    """Pages of 50 records (up to 200 with ?page_size=), under the data licence."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    # A page is a number: DRF's "last" would contradict the OpenAPI description.
    last_page_strings = ()

    def get_page_size(self, request):
        """The asked page size, refused with a clear message (not silently ignored) when out of range."""
        size = self._whole_number(request, self.page_size_query_param, self.max_page_size)
        if size is None:
            return self.page_size
        if size > self.max_page_size:
            raise self._error(self.page_size_query_param, self.max_page_size)
        return size

    def get_page_number(self, request, paginator):
        """The asked page, 1 by default; a page past the end is still a 404."""
        return self._whole_number(request, self.page_query_param) or 1

    def _whole_number(self, request, name, maximum=None):
        value = request.query_params.get(name)
        if value is None:
            return None
        if not value.isascii() or not value.isdigit() or len(value) > MAX_DIGITS or int(value) < 1:
            raise self._error(name, maximum)
        return int(value)

    def _error(self, name, maximum=None):
        if maximum is None:
            return ValidationError({name: [gettext("Give a whole number from 1.")]})
        message = gettext("Give a whole number from 1 to %(maximum)s.") % {"maximum": maximum}
        return ValidationError({name: [message]})

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["schema"]["default"] = self.page_size
        return parameters

    def get_paginated_response(self, data):
        return Response(
            {
                "licence": settings.DATA_LICENCE,
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response_schema = super().get_paginated_response_schema(schema)
        response_schema["properties"] = {
            "licence": {"type": "string", "example": settings.DATA_LICENCE},
            **response_schema["properties"],
        }
        response_schema["required"] = ["licence", *response_schema.get("required", [])]
        return response_schema
