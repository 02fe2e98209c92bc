"""Public pages are sent compressed; a response that could hold a secret is not (BREACH)."""

import gzip

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_public_pages_are_compressed(client, seed):
    response = client.get(reverse("practices:practice_list"), {"q": "incubator"}, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "<h1>Practices matching “incubator”</h1>" in gzip.decompress(response.content).decode()


def test_pages_with_a_csrf_token_or_a_session_are_not(client, curator):
    login = client.get(reverse("admin:login"), HTTP_ACCEPT_ENCODING="gzip")
    assert b"csrfmiddlewaretoken" in login.content
    assert not login.has_header("Content-Encoding")
    client.force_login(curator)
    listed = client.get(reverse("practices:practice_list"), HTTP_ACCEPT_ENCODING="gzip")
    assert not listed.has_header("Content-Encoding")


def test_only_html_is_compressed_here(client, db):
    response = client.get("/api/countries/", HTTP_ACCEPT_ENCODING="gzip")
    assert not response.has_header("Content-Encoding")
