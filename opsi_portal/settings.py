"""Settings of the OPSI practices portal, read from the environment.

Defaults give a development portal on SQLite; production sets DEBUG=false, SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL. See the README for every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_float(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

# A development key is tolerated only while DEBUG is on; production must set its own.
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-secret-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, so its admin classes show records' English and French fields side by side.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # full-text search fields and lookups (used only on PostgreSQL)
    "django_countries",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "taggit",
    "csp",
    "axes",
    "simple_history",
    "django_ratelimit",
    "django_tasks",  # background tasks (the backport of Django 6's django.tasks)
    "django_tasks_db",  # their database backend and its worker, used when TASKS_BACKEND=database
    "incubator",
    "practices",
    "opsi_portal.apps.PortalConfig",  # receivers that tie the two apps together
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # OPTIONS answers the allowed methods, TRACE and other methods 405, before any view renders.
    "opsi_portal.methods.HttpMethodsMiddleware",
    # Compresses what the middleware below it returns; pages that could hold a secret are left alone.
    "opsi_portal.compression.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address: /fr/... is French, every other address English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # ?lang=fr picks the language of the API, feeds and downloads (after any LocaleMiddleware).
    "opsi_portal.language_parameter.LanguageParameterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A database outage or a statement past its timeout answers 503 (JSON under /api/), not 500.
    "opsi_portal.errors.DatabaseUnavailableMiddleware",
    # Anonymous searches and downloads past their rate answer 429.
    "opsi_portal.throttling.ThrottleMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opsi_portal.urls"
WSGI_APPLICATION = "opsi_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opsi_portal.context_processors.site",
                "opsi_portal.context_processors.languages",
            ],
        },
    },
]

# SQLite in a git-ignored file by default; DATABASE_URL (postgres://...) for production.
DEFAULT_SQLITE_PATH = BASE_DIR / "var" / "db.sqlite3"
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DEFAULT_SQLITE_PATH.parent.mkdir(exist_ok=True)
    # SQLite connections are cheap and persistent ones would pin a file handle per thread.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": ""}

# PostgreSQL cancels any statement of this process that runs longer than STATEMENT_TIMEOUT
# milliseconds (0: never); scripts/serve.sh sets it for the web server only, so a slow query ends
# as a 503 instead of pinning a worker, while migrations and imports run unbounded.
STATEMENT_TIMEOUT = env_int("STATEMENT_TIMEOUT", 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and STATEMENT_TIMEOUT:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c statement_timeout={STATEMENT_TIMEOUT}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes checks for a lock-out before any other backend sees the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed sign-ins for one user name from one address lock that pair out for 30 minutes.
# Failures are counted over the cool-off (30 minutes), so five within 15 minutes always lock.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Without this every manage.py call prints django-axes' configuration banner.
AXES_VERBOSE = False
# Behind N reverse proxies the client address is the N-th from the right in X-Forwarded-For.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "opsi_portal.proxy.client_address"

# English at the addresses the portal always had, French under /fr/ (opsi_portal/urls.py). The code
# is "en", as in LANGUAGES, so URLs reversed in English carry no prefix; templates spell dates out.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True

# Records' French versions (django-modeltranslation): each translated field gets `_en` and `_fr`
# columns; a missing French value reads as the English one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Slugs come from the English name or title, so a French version never moves a page.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Transport and browser hardening; production defaults, each overridable from the environment.
# Behind a proxy that terminates TLS, set BEHIND_TLS_PROXY=true so Django trusts its
# X-Forwarded-Proto header (only when the proxy always sets or strips that header).
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF token from the cookie; forms carry it in a hidden field.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp 4): only the site's own scripts, styles and images, no
# inline script, no plugins, and no framing by anyone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}


def static_security_headers(headers, path, url):
    """Whitenoise answers before the CSP and framing middleware; give static files the same headers."""
    from csp.utils import build_policy

    headers["Content-Security-Policy"] = build_policy()
    headers["X-Frame-Options"] = X_FRAME_OPTIONS


WHITENOISE_ADD_HEADERS_FUNCTION = static_security_headers

CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    # The cache is an optimisation: when Redis is down or slow, every cache call (pages, counts,
    # throttling) behaves as a miss, the page comes from the database and the failure is logged.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                # Fail fast: a Redis that does not answer must not hold a worker.
                "SOCKET_CONNECT_TIMEOUT": env_float("CACHE_TIMEOUT", 0.5),
                "SOCKET_TIMEOUT": env_float("CACHE_TIMEOUT", 0.5),
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "opsi_portal.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Without CACHE_URL each process counts for itself: fine for development, not for production.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Throttling (opsi_portal/throttling.py, django-ratelimit): requests per client address and period
# (s, m, h, d); the API's rate is DRF's (sec, min, hour, day). A cache outage lets requests through.
THROTTLE_SEARCH = env_str("THROTTLE_SEARCH", "30/m")
THROTTLE_DOWNLOAD = env_str("THROTTLE_DOWNLOAD", "10/h")
THROTTLE_API = env_str("THROTTLE_API", "120/min")
RATELIMIT_FAIL_OPEN = True
# Searches and downloads one process runs at once; keep it under gunicorn's threads per worker so
# light pages always find a thread.
HEAVY_REQUESTS_PER_PROCESS = env_int("HEAVY_REQUESTS_PER_PROCESS", 2)

# Countries outside ISO 3166-1 proper that django-countries would otherwise add are not used.
COUNTRIES_FLAG_URL = "flags/{code}.gif"

TAGGIT_CASE_INSENSITIVE = True

# Marked with gettext_noop so the pages (opsi_portal.context_processors.site) show them translated.
SITE_NAME = gettext_noop("OPSI practices portal")
DATA_LICENCE = env_str(
    "DATA_LICENCE",
    gettext_noop("Practice texts and records: Creative Commons Attribution 4.0 International (CC BY 4.0)"),
)

# The read-only API: JSON only (no browsable API, whose inline scripts a strict CSP would block),
# anonymous, filtered with django-filter and described with OpenAPI by drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "practices.api.pagination.LicensedPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": THROTTLE_API},
    # The client address behind PROXY_COUNT proxies, as the sign-in lock-out reads it (0: REMOTE_ADDR).
    "NUM_PROXIES": PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": "Read-only access to the practices and the records they refer to. Data licence: " + DATA_LICENCE,
    "VERSION": "1",
    "LICENSE": {"name": DATA_LICENCE},
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "practices.api.schema.document_error_responses",
    ],
}

# Background tasks (linking practices to an accepted reference candidate): run at once in the
# request unless TASKS_BACKEND=database, which queues them for `manage.py db_worker`.
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASKS_BACKEND!r}")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# Vaults uploaded in the admin are unpacked here, one folder per import run, and removed when the run
# ends. Private: never served. With several machines, workers must see this folder too (shared disk).
IMPORT_UPLOAD_ROOT = Path(env_str("IMPORT_UPLOAD_ROOT") or BASE_DIR / "var" / "uploads")
IMPORT_UPLOAD_MAX_BYTES = env_int("IMPORT_UPLOAD_MAX_BYTES", 50_000_000)  # uploaded and unpacked, each
IMPORT_UPLOAD_MAX_FILES = env_int("IMPORT_UPLOAD_MAX_FILES", 5000)  # files in a .zip
IMPORT_UPLOAD_MAX_RATIO = env_int("IMPORT_UPLOAD_MAX_RATIO", 100)  # unpacked bytes per zipped byte
# Processes an import parses and renders notes in (`practices/importing/workers.py`); 0 = one per CPU,
# 1 (the default) = none besides the importer's own: on a busy 2-core machine a pool took 72 s where
# one process took 53, so set it where an import has idle cores to itself.
IMPORT_WORKERS = env_int("IMPORT_WORKERS", 1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
