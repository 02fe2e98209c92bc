"""The first publication date stays: unpublishing and publishing again never move it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from practices.models import Practice
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:practices_practice_changelist"


def first_published(practice, days_ago=30):
    """Date the practice's first publication in the past, as if it had been published then."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Practice.objects.filter(pk=practice.pk).update(published_at=when)
    return when


def test_republishing_from_the_admin_list_keeps_the_first_publication_date(curator_client, client):
    practice = factories.practice(title="Kept date")
    first = first_published(practice)
    url = reverse(CHANGELIST)
    curator_client.post(url, {"action": "unpublish", "_selected_action": [practice.pk]})
    curator_client.post(url, {"action": "publish", "_selected_action": [practice.pk]})
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED
    assert practice.published_at == first
    feed = client.get("/practices/feed/").content.decode()
    assert f"<published>{first.isoformat()}</published>" in feed


def test_reverting_to_a_draft_version_and_publishing_again_keeps_the_date():
    practice = factories.practice(status=Practice.Status.DRAFT)
    draft_version = practice.history.earliest()
    practice.status = Practice.Status.PUBLISHED
    practice.save()
    first = first_published(practice)
    draft_version.instance.save()  # what the admin's "Revert" does
    practice.refresh_from_db()
    assert practice.status == Practice.Status.DRAFT and practice.published_at == first
    practice.status = Practice.Status.PUBLISHED
    practice.save()
    practice.refresh_from_db()
    assert practice.published_at == first


def test_a_practice_is_dated_when_first_published():
    practice = factories.practice(status=Practice.Status.DRAFT)
    assert practice.published_at is None
    before = timezone.now()
    practice.status = Practice.Status.PUBLISHED
    practice.save()
    assert practice.published_at >= before
