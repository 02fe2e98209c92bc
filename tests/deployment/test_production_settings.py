"""With production variables the portal passes Django's deployment checks; without them it refuses to start."""

import os
import secrets
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT


def production_env(**overrides):
    """The environment an operator sets, with nothing inherited from the test settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "STATIC_", "DEBUG"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="opsi_portal.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.org",
        DEBUG="false",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_manage_py_prints_no_banner_of_its_own():
    result = manage("check", env=production_env())
    assert "AXES" not in result.stdout + result.stderr


def test_production_never_installs_the_benchmarks():
    result = manage("bench_pages", "--help", env=production_env())
    assert result.returncode != 0
    assert "Unknown command: 'bench_pages'" in result.stderr


def test_the_benchmark_settings_serve_plain_http_on_loopback(tmp_path):
    """With DEBUG off the portal redirects to HTTPS; the benchmarks measure the page, not a 301."""
    env = production_env(
        DJANGO_SETTINGS_MODULE="opsi_portal.settings_bench", ALLOWED_HOSTS="localhost", SECURE_SSL_REDIRECT=None,
        DATABASE_URL=f"sqlite:///{tmp_path / 'bench.sqlite3'}",
    )  # fmt: skip
    code = "from django.test import Client; print(Client(HTTP_HOST='localhost').get('/healthz').status_code)"
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "200"
    assert "AXES" not in result.stdout + result.stderr


def test_check_deploy_passes_behind_a_tls_proxy():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=production_env(BEHIND_TLS_PROXY="true"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_complains_when_hardening_is_switched_off():
    # Proves the check above can fail: it sees what the environment turns off.
    env = production_env(SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0", SECURE_COOKIES="false")
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=env)
    assert result.returncode != 0
    for check_id in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check_id in result.stderr + result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_refuses_to_start_without(missing):
    result = manage("check", env=production_env(**{missing: None}))
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


def test_a_typo_in_a_flag_is_refused_not_guessed():
    result = manage("check", env=production_env(SECURE_SSL_REDIRECT="ture"))
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT must be true or false" in result.stderr
