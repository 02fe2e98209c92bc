"""Throttling of the costly anonymous requests: searches and downloads here, the API through DRF.

Counters live in the shared cache (django-ratelimit), per client address as the sign-in lock-out
sees it (`opsi_portal.proxy.client_address`). When the cache is down the counters cannot be read
and requests go through (RATELIMIT_FAIL_OPEN): an outage of the cache never becomes one of the site.
Signed-in curators are never throttled.

Each process also runs at most HEAVY_REQUESTS_PER_PROCESS of them at once (whoever asks): a
threaded worker then always has threads left for /healthz and cached pages, and one more costly
request waits for nothing but gets a 429 "busy" at once.
"""

import threading
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.template.response import SimpleTemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from .proxy import client_address


@dataclass(frozen=True)
class Throttle:
    """One throttled kind of request: its counter's group, its rate setting and what users call it."""

    group: str
    rate_setting: str
    what: str  # lazy: translated when the page is rendered
    only_with_parameter: str = ""  # the list page is a search only when `q` is given

    def applies(self, request):
        return not self.only_with_parameter or request.GET.get(self.only_with_parameter, "").strip()


# URL name -> its throttle; the API's own (DRF) throttles are set in REST_FRAMEWORK.
THROTTLES = {
    "practices:practice_list": Throttle("search", "THROTTLE_SEARCH", _("searches"), only_with_parameter="q"),
    "practices:practice_download": Throttle("download", "THROTTLE_DOWNLOAD", _("downloads")),
}


BUSY_RETRY_SECONDS = 5


def client_key(group, request):
    return client_address(request)


@cache
def heavy_slots():
    return threading.BoundedSemaphore(settings.HEAVY_REQUESTS_PER_PROCESS)


def too_many_requests(request, throttle, seconds, busy=False):
    what = gettext("%(what)s at once (the portal is busy)") % {"what": throttle.what} if busy else throttle.what
    retry_after = ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    context = {"what": what, "retry_after": retry_after}
    response = SimpleTemplateResponse("429.html", context, status=429).render()
    response["Retry-After"] = str(seconds)
    return response


class ThrottleMiddleware:
    """Count each throttled request before its view runs and answer 429 past the rate."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "holds_heavy_slot", False):
            # Released when the server closes the response: after the last byte of a streamed download.
            response._resource_closers.append(heavy_slots().release)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        throttle = THROTTLES.get(match.view_name) if match else None
        if throttle is None or not throttle.applies(request):
            return None
        if not request.user.is_authenticated:
            rate = getattr(settings, throttle.rate_setting)
            usage = get_usage(request, group=throttle.group, key=client_key, rate=rate, increment=True)
            if usage and usage["should_limit"]:
                return too_many_requests(request, throttle, max(int(usage["time_left"]), 1))
        if not heavy_slots().acquire(blocking=False):
            return too_many_requests(request, throttle, BUSY_RETRY_SECONDS, busy=True)
        request.holds_heavy_slot = True
        return None
