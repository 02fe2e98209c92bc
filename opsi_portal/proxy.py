"""The client's address as the sign-in lock-out should see it, behind any number of trusted proxies."""

from django.conf import settings


def client_address(request):
    """REMOTE_ADDR; behind PROXY_COUNT proxies, the address the outermost proxy saw (clients cannot forge it)."""
    if settings.PROXY_COUNT:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        # Each proxy appends the address it received from; anything further left came from the client.
        if len(forwarded) >= settings.PROXY_COUNT:
            return forwarded[-settings.PROXY_COUNT]
    return request.META.get("REMOTE_ADDR")
