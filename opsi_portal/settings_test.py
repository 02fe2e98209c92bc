"""Settings for the test suite: production-like, with a fast hasher and plain static storage."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Playwright's sync API runs an event loop in the test thread; live_server tests need this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ["STATIC_MANIFEST"] = "false"
# The test client speaks plain HTTP; tests that need HTTPS pass secure=True.
os.environ["SECURE_SSL_REDIRECT"] = "false"
# Tests make many requests from one address; the throttling tests set the rates they test.
os.environ.setdefault("THROTTLE_SEARCH", "100000/m")
os.environ.setdefault("THROTTLE_DOWNLOAD", "100000/m")
os.environ.setdefault("THROTTLE_API", "100000/min")
# Tests leave streamed downloads unread (their slots are released only when a response is closed).
os.environ.setdefault("HEAVY_REQUESTS_PER_PROCESS", "100000")

from opsi_portal.settings import *  # noqa: E402, F403

# The benchmark commands are tested too; production settings never install them.
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whitenoise warns when the collected static folder is missing; tests serve from finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(exist_ok=True)  # noqa: F405
