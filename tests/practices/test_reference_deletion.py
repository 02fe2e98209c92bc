"""A toolkit or country that practices mention cannot be deleted: their mentions would be lost for good."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from incubator.models import Country, Toolkit
from practices.models import ToolkitMention
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_mentioned_toolkit_cannot_be_deleted_and_keeps_its_mentions():
    toolkit = factories.toolkit()
    factories.toolkit_mention(factories.practice(), toolkit)
    with pytest.raises(ProtectedError):
        toolkit.delete()
    assert ToolkitMention.objects.filter(toolkit=toolkit).count() == 1


def test_the_admin_says_why_a_mentioned_toolkit_stays(admin_client):
    toolkit = factories.toolkit(name="Starter Kit")
    practice = factories.practice(title="Sharing practices")
    factories.toolkit_mention(practice, toolkit)
    url = reverse("admin:incubator_toolkit_delete", args=[toolkit.pk])
    page = admin_client.get(url).content.decode()
    assert "would require deleting the following protected related objects" in page
    assert admin_client.post(url, {"post": "yes"}).status_code == 200
    assert Toolkit.objects.filter(pk=toolkit.pk).exists()
    assert ToolkitMention.objects.filter(toolkit=toolkit).exists()


def test_a_mentioned_country_cannot_be_deleted():
    country = Country.objects.get(code="PT")
    factories.country_mention(factories.practice(), country)
    with pytest.raises(ProtectedError):
        country.delete()


def test_an_unmentioned_toolkit_can_be_deleted():
    toolkit = factories.toolkit()
    toolkit.delete()
    assert not Toolkit.objects.filter(pk=toolkit.pk).exists()
