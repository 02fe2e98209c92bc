"""Template context shared by every page."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from .lib.languages import language_name, path_in


def site(request):
    return {"SITE_NAME": gettext(settings.SITE_NAME), "DATA_LICENCE": gettext(settings.DATA_LICENCE)}


def languages(request):
    """This page in every language: absolute addresses for hreflang, and the switch to the others.

    The switch keeps the query string (filters, search, page); hreflang names the page itself, like
    the canonical link.
    """
    current = translation.get_language()
    query = request.META.get("QUERY_STRING", "")
    alternates = []
    for code, _name in settings.LANGUAGES:
        path = path_in(request.path, code)
        alternates.append(
            {
                "code": code,
                "name": language_name(code),
                "url": request.build_absolute_uri(path),
                "switch": f"{path}?{query}" if query else path,
                "current": code == current,
            }
        )
    default = request.build_absolute_uri(path_in(request.path, settings.LANGUAGE_CODE))
    return {"language_alternates": alternates, "x_default_url": default}
