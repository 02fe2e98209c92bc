"""Caching that stays correct: a data version that every content change bumps, and helpers on it.

It lives in the project package because pages of both apps use it; `practices.signals` bumps the
version on every save or delete of content, and bulk writers call `bump_data_version()` themselves.

Cached values and ETags carry the current data version, so a save, delete or import makes them
stale at once. The version lives in the default cache: with several processes set CACHE_URL so
they share it; with the in-process cache each process keeps its own, and the version's timeout
bounds how long another process can serve what changed.
"""

import hashlib
import time
from functools import cache as memoize
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

DATA_VERSION_KEY = "data-version"
# How long a process may go without seeing a change made by another process (in-process cache only).
DATA_VERSION_TIMEOUT = 300
COUNTS_TIMEOUT = 3600
CODE_FOLDERS = ("templates", "practices", "incubator", "opsi_portal")


def _fresh_version():
    # Nanoseconds: a version made after an expiry never repeats one handed out before it.
    return time.time_ns()


def data_version():
    """The current data version: a number that changes whenever content changes."""
    version = cache.get(DATA_VERSION_KEY)
    if version is None:
        cache.add(DATA_VERSION_KEY, _fresh_version(), DATA_VERSION_TIMEOUT)
        version = cache.get(DATA_VERSION_KEY, _fresh_version())
    return version


def bump_data_version():
    """Make every cached count and every ETag stale; call after any write to content."""
    try:
        cache.incr(DATA_VERSION_KEY)
    except ValueError:
        cache.set(DATA_VERSION_KEY, _fresh_version(), DATA_VERSION_TIMEOUT)


def cached(name, compute, params=(), timeout=COUNTS_TIMEOUT):
    """`compute()`, cached under `name`, `params` and the data version."""
    digest = hashlib.sha256(repr(params).encode()).hexdigest()[:32]
    key = f"{name}:{data_version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


@memoize
def code_version():
    """A fingerprint of the templates and code, so a deploy changes every ETag even if data did not."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in CODE_FOLDERS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in {".html", ".py"}:
                stat = path.stat()
                digest.update(f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def content_etag(request, *args, **kwargs):
    """ETag of a public page that depends only on the data: data version, code and viewer."""
    # A signed-in curator may see more than the public; their pages get ETags of their own.
    viewer = request.user.pk if getattr(request, "user", None) and request.user.is_authenticated else 0
    return f"{data_version()}-{code_version()}-{viewer}"


PAGE_TIMEOUT = 600


def cache_public_page(view):
    """Serve anonymous GETs of `view` from the cache, per URL, until the data or the code changes.

    Pages that used a CSP nonce are never cached: a nonce must differ on every response.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        # The page prints its own address (canonical link), so the key holds scheme and host too.
        path = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32]
        key = f"page:{data_version()}:{code_version()}:{path}"
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not getattr(request, "_csp_nonce", None):
                cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
        # The page differs for signed-in curators, who are told apart by their cookie.
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapper
