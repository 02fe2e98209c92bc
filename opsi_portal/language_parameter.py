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
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        value = request.GET.get(PARAMETER)
        if value is None or not MACHINE_READ.match(request.path_info):
            return self.get_response(request)
        if value not in dict(settings.LANGUAGES):
            return refusal(request, value)
        with translation.override(value):
            request.LANGUAGE_CODE = value
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", value)
        return response
