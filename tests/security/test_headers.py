"""Every response carries the security headers; cookies are Secure, HttpOnly and SameSite."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ONE_YEAR = 365 * 24 * 3600


def csp_directives(response):
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def urls(seed):
    practice = factories.practice(title="Sharing practices", source_video=factories.video())
    theme = factories.theme(name="Innovation")
    practice.themes.add(theme)
    return [
        "/",
        reverse("practices:practice_list"),
        practice.get_absolute_url(),
        theme.get_absolute_url(),
        "/countries/portugal/",
        "/practices/no-such-practice/",
        reverse("admin:login"),
        "/static/css/site.css",
    ]


def test_every_response_carries_the_security_headers(client, urls):
    for url in urls:
        response = client.get(url, secure=True)
        assert response.status_code in {200, 404}, url
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "same-origin", url
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", url
        assert headers["X-Frame-Options"] == "DENY", url
        hsts = [part.strip() for part in headers["Strict-Transport-Security"].split(";")]
        assert int(hsts[0].removeprefix("max-age=")) >= ONE_YEAR, url
        assert "includeSubDomains" in hsts, url


def test_content_security_policy_allows_only_own_scripts_and_no_framing(client, urls):
    for url in urls:
        directives = csp_directives(client.get(url, secure=True))
        assert directives["default-src"] == ["'self'"], url
        assert directives["script-src"] == ["'self'"], url
        assert directives["frame-ancestors"] == ["'none'"], url
        assert directives["object-src"] == ["'none'"], url
        assert directives["base-uri"] == ["'self'"], url
        assert directives["form-action"] == ["'self'"], url
        assert not any("unsafe" in value for values in directives.values() for value in values), url


def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/practices/?page=2")
    assert response.status_code == 301
    assert response.url == "https://testserver/practices/?page=2"


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(client, curator):
    login_page = client.get(reverse("admin:login"), secure=True)
    csrf = login_page.cookies["csrftoken"]
    response = client.post(
        reverse("admin:login"),
        {"username": "curator", "password": "a-long-curator-password", "next": "/admin/"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
