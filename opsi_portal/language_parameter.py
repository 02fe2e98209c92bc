"""`?lang=fr` or `?lang=en` picks the language of the API, the feeds and the downloads.

Pages take their language from the address (`/fr/...`); machine-read addresses may stay as they
are and say `lang` instead. Records then come in that language, English where a French version is
missing. Any other value answers 400 (JSON under /api/), never a 500.
"""

import re

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation

PARAMETER = "lang"
# The API, the Atom feeds and the downloads, with or without a language prefix.
MACHINE_READ = re.compile(r"^(/[a-z]{2})?/(api/|.*/feed/$|practices/download\.)")


def refusal(request, value):
    codes = ", ".join(code for code, _name in settings.LANGUAGES)
    message = f"Unknown language {value!r}: give one of {codes}."
    if request.path_info.startswith("/api/"):
        return JsonResponse({PARAMETER: [message]}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class LanguageParameterMiddleware:
    """Checks `lang` before anything runs; switches the language only once the URL is resolved.

    The URL must resolve in the language of its address: with French active, an unprefixed English
    address would not resolve (i18n_patterns expects /fr/). So the switch happens in `process_view`,
    and the language the request started with comes back once the response is rendered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        value = request.GET.get(PARAMETER)
        if value is None or not MACHINE_READ.match(request.path_info):
            return self.get_response(request)
        if value not in dict(settings.LANGUAGES):
            return refusal(request, value)
        request.language_parameter = value  # checked once here; process_view switches to it
        started_in = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            translation.activate(started_in)
        response.headers.setdefault("Content-Language", value)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        value = getattr(request, "language_parameter", None)
        if value is not None:
            translation.activate(value)
            request.LANGUAGE_CODE = value
