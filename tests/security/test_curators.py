"""Curators' work is protected: sign-in lock-out, strong passwords, least privilege, history and revert."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from practices.models import Practice
from tests import factories
from tests.admin_forms import change_form

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "a-long-curator-password"
# Import runs are read-only records of imports, with pages of their own (tests/practices/test_import_upload.py).
CONTENT_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"incubator", "practices"} and model._meta.model_name != "importrun"
]


def sign_in(client, username="curator", password=PASSWORD, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address)


def signed_in(response):
    return response.status_code == 302 and response.url == "/admin/"


def test_curator_signs_in_with_the_right_password(client, curator):
    assert signed_in(sign_in(client))


def test_five_failures_lock_the_user_from_that_address(client, curator):
    for _ in range(4):
        assert sign_in(client, password="wrong").status_code == 200
    # The fifth failure is the one that locks.
    assert sign_in(client, password="wrong").status_code == 429
    locked = sign_in(client)
    assert locked.status_code == 429
    assert not signed_in(locked)


def test_four_failures_do_not_lock(client, curator):
    for _ in range(4):
        sign_in(client, password="wrong")
    assert signed_in(sign_in(client))


def test_lock_applies_to_the_pair_of_user_and_address(client, curator):
    User.objects.create_user("other", password=PASSWORD, is_staff=True)
    for _ in range(5):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 429
    assert signed_in(sign_in(client, address="198.51.100.9"))
    client.logout()
    assert signed_in(sign_in(client, username="other"))


def test_lock_lasts_thirty_minutes(client, curator):
    for _ in range(5):
        sign_in(client, password="wrong")
    attempt = AccessAttempt.objects.get(username="curator")
    attempt.attempt_time = timezone.now() - timedelta(minutes=29)
    attempt.save()
    assert sign_in(client).status_code == 429
    # A failure during the lock restarts it; set the clock back again past the 30 minutes.
    AccessAttempt.objects.filter(username="curator").update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert signed_in(sign_in(client))


@pytest.mark.parametrize("password", ["password", "12345678901", "curator2024", "short"])
def test_weak_passwords_are_refused(password):
    user = User(username="curator2024", email="curator@example.org")
    with pytest.raises(ValidationError):
        password_validation.validate_password(password, user)


def test_a_long_unusual_password_is_accepted():
    password_validation.validate_password("seven-wet-lanterns-drift-north", User(username="curator"))


def test_curators_hold_only_content_permissions():
    permissions = Permission.objects.filter(group__name="Curators").select_related("content_type")
    assert {p.content_type.app_label for p in permissions} == {"incubator", "practices"}
    deletable = {p.content_type.model for p in permissions if p.codename.startswith("delete_")}
    assert deletable == {"participation", "partnershipmember", "themedpractice", "countrymention", "toolkitmention"}
    # History is reached through each record's own admin, never as a model of its own.
    assert not any(p.content_type.model.startswith("historical") for p in permissions)


@pytest.mark.parametrize(
    "url_name", ["admin:axes_accessattempt_changelist", "admin:axes_accesslog_changelist", "admin:auth_user_add"]
)
def test_curator_cannot_reach_lockouts_or_accounts(curator_client, url_name):
    assert curator_client.get(reverse(url_name)).status_code == 403


def test_curator_cannot_delete_a_practice(curator_client):
    practice = factories.practice()
    url = reverse("admin:practices_practice_delete", args=[practice.pk])
    assert curator_client.post(url, {"post": "yes"}).status_code == 403
    assert Practice.objects.filter(pk=practice.pk).exists()


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.label)
def test_every_content_model_keeps_a_history_a_curator_can_open(curator_client, seed, model):
    assert hasattr(model, "history"), f"{model._meta.label} keeps no history"
    practice = factories.practice(source_video=factories.video())
    practice.themes.add(factories.theme())
    factories.theme_redirect()
    practice.countrymention_set.create(country=factories.country("PT"))
    practice.toolkitmention_set.create(toolkit=factories.toolkit())
    factories.reference_candidate()
    obj = model.objects.first()
    opts = model._meta
    response = curator_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))
    assert response.status_code == 200


def edit_title_in_admin(client, practice, title):
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    data, _ = change_form(client.get(url))
    data["title_en"] = [title]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""


def test_curator_reverts_a_title_from_the_history(curator_client, curator):
    practice = factories.practice(title="Sharing what works")
    edit_title_in_admin(curator_client, practice, "A careless rename")
    practice.refresh_from_db()
    assert practice.title == "A careless rename"

    history_page = curator_client.get(reverse("admin:practices_practice_history", args=[practice.pk]))
    assert "A careless rename" in history_page.content.decode()
    latest, original = practice.history.order_by("-history_date", "-history_id")[:2]
    assert latest.history_user == curator
    assert original.title == "Sharing what works"

    revert_url = reverse("admin:practices_practice_simple_history", args=[practice.pk, original.history_id])
    revert_page = curator_client.get(revert_url)
    assert revert_page.status_code == 200
    data, _ = change_form(revert_page)
    assert data["title_en"] == ["Sharing what works"]
    assert curator_client.post(revert_url, data).status_code == 302

    practice.refresh_from_db()
    assert practice.title == "Sharing what works"
    assert practice.history.count() == 3


def test_publishing_from_the_admin_list_is_recorded(curator_client):
    practice = factories.practice(status=Practice.Status.DRAFT)
    curator_client.post(
        reverse("admin:practices_practice_changelist"),
        {"action": "publish", "_selected_action": [practice.pk]},
    )
    assert practice.history.latest().status == Practice.Status.PUBLISHED


def test_a_deleted_mention_stays_in_history(curator_client, seed):
    practice = factories.practice()
    mention = practice.countrymention_set.create(country=factories.country("DK"))
    url = reverse("admin:practices_countrymention_delete", args=[mention.pk])
    assert curator_client.post(url, {"post": "yes"}).status_code == 302
    assert mention.history.filter(history_type="-").count() == 1


def test_curators_group_exists_once():
    assert Group.objects.filter(name="Curators").count() == 1


def test_behind_a_proxy_the_lock_follows_the_forwarded_client_not_the_proxy(client, curator, settings):
    settings.PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            LOGIN,
            {"username": "curator", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.7",
        )
    locked = client.post(
        LOGIN, {"username": "curator", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert locked.status_code == 429
    # Another client through the same proxy is not locked out.
    other = client.post(
        LOGIN,
        {"username": "curator", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert signed_in(other)
