"""Payloads stored in any text of a record come out of every public page harmless."""

import pytest
from django.urls import reverse

from incubator.models import Organisation, Partnership, Programme, Toolkit
from practices.models import Practice
from tests import factories
from tests.html_safety import load_payloads, unsafe_markup

pytestmark = pytest.mark.django_db

PAYLOADS = load_payloads()


def assert_safe(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    problems = unsafe_markup(response.content.decode())
    assert problems == [], f"{url}: {problems[:3]}"


def test_practice_texts_and_theme_names_are_rendered_harmless(client):
    video = factories.video(title=PAYLOADS[0])
    practices = []
    for n, payload in enumerate(PAYLOADS):
        practice = factories.practice(
            title=payload,
            summary=payload,
            body_markdown=f"# {payload}\n\n{payload}\n\n[{payload}](https://example.org/) [x]({payload})",
            source_video=video,
        )
        theme = factories.theme(name=f"{payload} {n}"[:100])
        practice.themes.add(theme)
        practices.append((practice, theme))
    assert_safe(client, "/")
    assert_safe(client, reverse("practices:practice_list"))
    for practice, theme in practices:
        assert_safe(client, practice.get_absolute_url())
        assert_safe(client, theme.get_absolute_url())


def test_reference_record_texts_are_rendered_harmless(client, seed):
    programme = Programme.objects.first()
    partnership = Partnership.objects.first()
    toolkit = Toolkit.objects.first()
    organisation = Organisation.objects.first()
    for payload in PAYLOADS:
        Programme.objects.filter(pk=programme.pk).update(
            name=payload[:200], summary=payload, description=payload, support_offered=payload, source_quote=payload
        )
        programme.participations.update(outcome=payload, source_quote=payload)
        Partnership.objects.filter(pk=partnership.pk).update(purpose=payload, source_quote=payload)
        partnership.members.update(role=payload[:200])
        Toolkit.objects.filter(pk=toolkit.pk).update(
            description=payload, audience=payload[:300], aliases=payload, licence=payload[:100]
        )
        Organisation.objects.filter(pk=organisation.pk).update(description=payload, short_name=payload[:50])
        for record in (programme, partnership, toolkit, organisation):
            assert_safe(client, record.get_absolute_url())
        assert_safe(client, "/countries/portugal/")
        assert_safe(client, "/")


def test_draft_practice_with_a_payload_is_not_shown(client):
    draft = factories.practice(title=PAYLOADS[0], status=Practice.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
