"""Caching that stays correct: a data version that every content change bumps, and helpers on it.

It lives in the project package because pages of both apps use it. Each content app connects
`connect_data_version(self)` in its AppConfig, so every save or delete of its models bumps the
version; bulk writers that skip signals call `bump_data_version()` themselves.

Cached values and ETags carry the current data version, so a save, delete or import makes them
stale at once. The version is a row in the database (`DataVersion`), so every process sees a change
when it commits, with the in-process cache as with Redis; a request reads it once. A write inside a
transaction raises the stored version when the transaction commits (a page another process reads
meanwhile, with the old rows, is cached under the old version); until then the writer's own
connection, which already sees its rows, reads a version of its own.
"""

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from functools import cache as memoize
from functools import wraps
from pathlib import Path

from asgiref.local import Local
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from .models import DataVersion

COUNTS_TIMEOUT = 3600
CODE_SUFFIXES = {".html", ".py"}
# Per thread (and async task): the version read for the current request, and a version of the
# writer's own while its transaction is open.
_local = Local()


def stored_data_version():
    """The version in the database, read once per request (at every call outside requests)."""
    version = getattr(_local, "request_version", None)
    if version is None:
        version = DataVersion.objects.values_list("value", flat=True).first() or 0
        if getattr(_local, "in_request", False):
            _local.request_version = version
    return version


def data_version():
    """The current data version: a string that changes whenever content changes."""
    stored = stored_data_version()
    uncommitted = getattr(_local, "uncommitted", None)
    return f"{stored}.{uncommitted}" if uncommitted and _store_scheduled() else str(stored)


def _store_scheduled():
    """Whether this thread's open transaction will raise the stored version when it commits.

    A rolled-back transaction (or savepoint) drops its commit callbacks, and with them its own version.
    """
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(
        callback is _store_new_version for _, callback, _ in connection.run_on_commit
    )


def _store_new_version():
    _local.uncommitted = None
    _local.request_version = None
    # At least the clock in nanoseconds: after a restore or a flush the version never repeats one
    # handed out before, so a cache that outlived the database (Redis) serves nothing stale.
    raised = Value(time.time_ns())
    if not DataVersion.objects.filter(pk=1).update(value=Greatest(F("value") + 1, raised)):
        DataVersion.objects.get_or_create(pk=1, defaults={"value": time.time_ns()})


def bump_data_version():
    """Make every cached count and every ETag stale; call after any write to content.

    Outside a transaction the stored version is raised at once; inside one, when it commits (once
    per transaction, however many writes); inside `data_version_once`, when that block ends.
    """
    if getattr(_local, "deferred", None) is not None:
        _local.deferred = True
        return
    _local.uncommitted = uuid.uuid4().hex
    if not _store_scheduled():
        transaction.on_commit(_store_new_version)


@contextmanager
def data_version_once():
    """Writes inside the block raise the data version once, when it ends, not once per transaction.

    For a run of many small transactions (an import writes each note in its own): pages cached
    meanwhile may miss the block's writes until it ends, so a block should take seconds, not minutes.
    """
    if getattr(_local, "deferred", None) is not None:  # already inside one: the outer block raises it
        yield
        return
    _local.deferred = False
    try:
        yield
    finally:
        wrote, _local.deferred = _local.deferred, None
        if wrote:
            bump_data_version()


def _start_request(**kwargs):
    _local.in_request, _local.request_version = True, None


def _finish_request(**kwargs):
    _local.in_request, _local.request_version = False, None


request_started.connect(_start_request, dispatch_uid="data-version-request-started")
request_finished.connect(_finish_request, dispatch_uid="data-version-request-finished")


def cached(name, compute, params=(), timeout=COUNTS_TIMEOUT):
    """`compute()`, cached under `name`, `params`, the data version and the active language."""
    digest = hashlib.sha256(repr(params).encode()).hexdigest()[:32]
    # Records' names and titles read in the active language (django-modeltranslation).
    key = f"{name}:{data_version()}:{get_language()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


# Per process, records pages have asked for by id under the current data version:
# {(model, language): (version, {id: record})}.
_held_records = {}
_held_records_lock = threading.Lock()


def held_records(model, ids):
    """{id: record} of `model` holding at least `ids`, loading only those not held under this data version.

    For named records many pages show (a facet's options, a card's themes and countries): a page
    then builds no model instances for them. Each has `held_name`, its name in the active language
    (django-modeltranslation reads names per language, so each language holds records of its own),
    and `held_link`, its `link_html()` when its model has one (cards join them without a template).
    Held records are shared by every thread of the process, so nothing may change them; what a
    page adds belongs on an object of its own.
    """
    version, key = data_version(), (model, get_language())
    with _held_records_lock:
        held_version, held = _held_records.get(key, (None, None))
        if held_version != version:
            held = {}
            _held_records[key] = (version, held)
    missing = [record_id for record_id in ids if record_id not in held]
    if missing:
        loaded = model.objects.in_bulk(missing)
        for record in loaded.values():
            record.held_name = str(record.name)
            record.held_link = record.link_html() if hasattr(record, "link_html") else None
        # Another thread may load the same records meanwhile: both store equal records.
        held.update(loaded)
    return held


def held_value(name, build):
    """`build()`, held by this process until the data version changes; shared by its threads, never changed.

    The version is read before `build()` reads the data, so a value is never older than its version.
    """
    return held_recent(name, None, build, keep=1)


# Per process, values costly to build that pages read: {name: OrderedDict({key: (version, value)})}.
_held_recent = {}


def held_recent(name, key, build, keep):
    """`build()` for `key`, held by this process until the data version changes, for the last `keep` keys asked.

    For values a page may ask for again with other filters (a search's scores): each is rebuilt
    only once it is among the least recently asked, or its data version is past.
    """
    version = data_version()
    with _held_records_lock:
        held = _held_recent.setdefault(name, OrderedDict())
        entry = held.get(key)
        if entry is not None and entry[0] == version:
            held.move_to_end(key)
            return entry[1]
    value = build()
    with _held_records_lock:
        held[key] = (version, value)
        held.move_to_end(key)
        while len(held) > keep:
            held.popitem(last=False)
    return value


def held_recent_if_any(name, key):
    """What `held_recent(name, key, ...)` holds under the current data version, or None; builds nothing."""
    version = data_version()
    with _held_records_lock:
        entry = _held_recent.get(name, {}).get(key)
    return entry[1] if entry is not None and entry[0] == version else None


def forget_held_records():
    """Drop every held record and value (tests change data without always raising the data version)."""
    with _held_records_lock:
        _held_records.clear()
        _held_recent.clear()


def _bump_on_content_change(sender, **kwargs):
    bump_data_version()


def _bump_on_link_change(sender, action, **kwargs):
    if action.startswith("post_"):
        bump_data_version()


def connect_data_version(app_config):
    """Bump the data version on every write to the models of `app_config`; other models stay fast to delete."""
    for model in app_config.get_models(include_auto_created=True):
        if model.__name__.startswith("Historical"):
            continue  # history rows follow a content write that already bumped
        label = model._meta.label
        post_save.connect(_bump_on_content_change, sender=model, dispatch_uid=f"bump-save-{label}")
        post_delete.connect(_bump_on_content_change, sender=model, dispatch_uid=f"bump-delete-{label}")
        m2m_changed.connect(_bump_on_link_change, sender=model, dispatch_uid=f"bump-m2m-{label}")


def code_folders():
    """The project's own code: every installed app that lives in the project, and the template folders."""
    base = Path(settings.BASE_DIR).resolve()
    folders = [Path(config.path).resolve() for config in apps.get_app_configs()]
    folders += [Path(folder).resolve() for engine in settings.TEMPLATES for folder in engine.get("DIRS", ())]
    # A virtualenv inside the checkout holds installed packages, not the project's code.
    return sorted({folder for folder in folders if folder.is_relative_to(base) and "site-packages" not in folder.parts})


@memoize
def code_version():
    """A fingerprint of the templates and code, so a deploy changes every ETag even if data did not."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR).resolve()
    for folder in code_folders():
        for path in sorted(folder.rglob("*")):
            if path.suffix in CODE_SUFFIXES:
                stat = path.stat()
                digest.update(f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def content_etag(request, *args, **kwargs):
    """ETag of a public page that depends only on the data: data version, code and viewer."""
    # A signed-in curator may see more than the public; their pages get ETags of their own.
    viewer = request.user.pk if getattr(request, "user", None) and request.user.is_authenticated else 0
    # Records' texts come in the page's language.
    return f"{data_version()}-{code_version()}-{viewer}-{get_language()}"


PAGE_TIMEOUT = 600


def is_canonical_host(request):
    """A host ALLOWED_HOSTS names literally, with no port or the port this server listens on.

    Django accepts any port on an allowed host; caching each would let junk Host headers fill the
    cache, so only these (a bounded set) are cached.
    """
    domain, port = split_domain_port(request.get_host())
    literal = {host.lower() for host in settings.ALLOWED_HOSTS if host != "*" and not host.startswith(".")}
    return domain in literal and (not port or port == request.META.get("SERVER_PORT"))


def page_cache_key(request, parameters):
    """The cache key of an anonymous page, or None when the request should not be cached.

    Keys stay bounded: only a canonical host, and only a query string made of the page's own
    parameters, in a normal order; junk parameters are served, not stored.
    """
    if not is_canonical_host(request) or set(request.GET) - set(parameters):
        return None
    query = sorted((name, request.GET.getlist(name)) for name in request.GET)
    # The page prints its own address (canonical link), so the key holds scheme and host too.
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query!r}:{get_language()}"
    return f"page:{data_version()}:{code_version()}:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def cache_public_page(parameters=()):
    """Serve anonymous GETs of the view from the cache, per page, until the data or the code changes.

    `parameters` names the query parameters the page understands. Pages that used a CSP nonce are
    never cached: a nonce must differ on every response.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            anonymous = request.method in ("GET", "HEAD") and not request.user.is_authenticated
            key = page_cache_key(request, parameters) if anonymous else None
            stored = cache.get(key) if key else None
            if stored is not None:
                content, content_type = stored
                response = HttpResponse(content, content_type=content_type)
            else:
                response = view(request, *args, **kwargs)
                if key and _storable(request, response):
                    cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
            # The page differs for signed-in curators, who are told apart by their cookie.
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapper

    return decorator


def _storable(request, response):
    return response.status_code == 200 and not response.streaming and not getattr(request, "_csp_nonce", None)
