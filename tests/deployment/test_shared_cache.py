"""With CACHE_URL pointing at Redis, separate app processes share one cache (how the portal scales out)."""

import secrets
import socket
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT
from tests.deployment.test_production_settings import production_env

REDIS = ("127.0.0.1", 6379)


def redis_reachable():
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")


def in_new_process(code):
    """Run `code` in a fresh Django process configured for production with a Redis cache."""
    env = production_env(CACHE_URL=f"redis://{REDIS[0]}:{REDIS[1]}/0")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_value_cached_by_one_process_is_read_by_another():
    key, value = f"opsi-test-{secrets.token_hex(8)}", secrets.token_hex(8)
    backend = in_new_process(
        "from django.core.cache import caches; cache = caches['default']; "
        f"cache.set({key!r}, {value!r}, 60); "
        "print(type(cache).__module__ + '.' + type(cache).__name__)"
    )
    assert backend == "django_redis.cache.RedisCache"
    try:
        assert in_new_process(f"from django.core.cache import cache; print(cache.get({key!r}))") == value
    finally:
        in_new_process(f"from django.core.cache import cache; print(cache.delete({key!r}))")
