"""GZip for public pages only, so compression cannot leak a secret (BREACH).

BREACH recovers a secret from the sizes of compressed responses that also reflect text an attacker
chose (a search query). Public pages carry no secret: their forms use GET and hold no CSRF token,
and anonymous visitors have no session. So they are compressed (a list page shrinks about five
times), while any response that rendered a CSRF token (the admin's forms, the sign-in page) or
answers a request with a session cookie goes out uncompressed.
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware


def may_hold_a_secret(request):
    return (
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # get_token() ran: the page embeds a CSRF token
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or request.path.startswith("/admin/")
    )


class PublicGZipMiddleware(GZipMiddleware):
    """Compresses HTML pages; the API, downloads and feeds are left to the serving layer's own choices."""

    def process_response(self, request, response):
        if may_hold_a_secret(request) or not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
