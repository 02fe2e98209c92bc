"""A natural-key dump, loaded into an emptied database, gives back the same pages (the README's backup)."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from incubator.models import Country, Programme, Toolkit
from practices.models import CountryMention, Practice
from tests import factories

pytestmark = pytest.mark.django_db

# The same list as the README's backup command.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", "admin.logentry"]
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def pages(client, urls):
    responses = {url: client.get(url) for url in urls}
    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(urls, 200)
    return {url: CSRF_TOKEN.sub(b"", r.content) for url, r in responses.items()}


@pytest.fixture
def library(seed, curator):
    video = factories.video(title="Sharing innovative practices")
    practice = factories.practice(
        title="Sharing and disseminating innovative practices",
        summary="How OPSI shares what the Incubator learnt.",
        body_markdown="## What happened\n\nPortugal built the **Starter Kit**.",
        source_video=video,
    )
    other = factories.practice(title="Anticipatory innovation", source_video=video)
    practice.links_to.add(other)
    theme = factories.theme(name="Anticipatory innovation", slug="anticipatory-innovation")
    practice.themes.add(theme)
    CountryMention.objects.create(practice=practice, country=factories.country("PT"), sentence="Portugal built it.")
    practice.title = "Sharing and disseminating innovative practices (edited)"
    practice.save()
    return [
        "/",
        reverse("practices:practice_list"),
        practice.get_absolute_url(),
        other.get_absolute_url(),
        theme.get_absolute_url(),
        Country.objects.get(code="PT").get_absolute_url(),
        Programme.objects.first().get_absolute_url(),
        Toolkit.objects.first().get_absolute_url(),
    ]


def test_dump_and_restore_into_an_empty_database_gives_the_same_pages(client, library, tmp_path):
    before = pages(client, library)
    history_before = Practice.history.count()
    dump = tmp_path / "backup.json"
    call_command(
        "dumpdata", natural_foreign=True, natural_primary=True, exclude=EXCLUDED, output=str(dump), verbosity=0
    )

    if connection.vendor == "postgresql":
        # The test runs in a transaction; PostgreSQL truncates only once deferred checks have run.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as loaddata expects, for forward references
    assert not Practice.objects.exists() and not Country.objects.exists() and not Group.objects.exists()

    call_command("loaddata", str(dump), verbosity=0)
    assert pages(client, library) == before
    assert Practice.history.count() == history_before
    curators = Group.objects.get(name="Curators")
    assert curators.permissions.filter(codename="change_practice").exists()
    assert User.objects.get(username="curator").groups.filter(pk=curators.pk).exists()
    # Sequences follow the restored rows, so new records do not collide with old ones.
    assert factories.practice(title="After the restore").pk
