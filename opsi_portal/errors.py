"""Answers for failures: JSON under /api/, a plain page elsewhere; a database outage is a 503, never a 500.

`DatabaseUnavailableMiddleware` turns a lost connection or a cancelled statement (the statement
timeout) into a 503 with Retry-After; `handler404` and `handler500` (named in opsi_portal.urls)
keep API clients in JSON.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.template.response import SimpleTemplateResponse
from django.utils.translation import gettext
from django.views import defaults

from .lib.languages import path_without_language

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"  # after the language prefix, if any
RETRY_AFTER_SECONDS = 30


def is_api(request):
    return path_without_language(request.path).startswith(API_PREFIX)


def error_response(request, status, message, template, context=None):
    """`message` as JSON for the API, else `template` rendered without the database."""
    if is_api(request):
        return JsonResponse({"detail": message}, status=status)
    response = SimpleTemplateResponse(template, context or {}, status=status)
    return response.render()


def database_unavailable(request):
    response = error_response(
        request, 503, gettext("The database is busy or unavailable; try again in a minute."), "503.html"
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """A database that is down, or a query past the statement timeout, answers 503 and is logged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable for %s: %s", request.path, exception)
            return database_unavailable(request)
        return None


def page_not_found(request, exception):
    if is_api(request):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return JsonResponse({"detail": gettext("A server error occurred; it has been logged.")}, status=500)
    return defaults.server_error(request)
