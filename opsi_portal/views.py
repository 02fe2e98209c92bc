"""Views of the project itself, outside both apps."""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

HEALTH_KEY = "healthz"


def database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.error("Health check: database unavailable: %s", error)
        return "unavailable"
    return "ok"


def cache_status():
    """The cache is optional (a failed call is a logged miss), so it is reported but never fails the check."""
    cache.set(HEALTH_KEY, "ok", 10)
    return "ok" if cache.get(HEALTH_KEY) == "ok" else "unavailable (pages are served from the database)"


@never_cache
def healthz(request):
    """200 while the process can serve pages, 503 naming the dependency that failed; for load balancers."""
    database = database_status()
    body = f"database: {database}\ncache: {cache_status()}\n"
    return HttpResponse(body, content_type="text/plain", status=200 if database == "ok" else 503)
