"""Notes carrying XSS payloads in every part import into pages and admin screens where nothing can run."""

import json

import pytest
from django.urls import reverse

from practices.importing import import_notes
from practices.models import Practice, Theme
from practices.rendering import LinkResolver, render_note
from tests.html_safety import load_payloads, unsafe_markup

pytestmark = pytest.mark.django_db

PAYLOADS = load_payloads()


def payload_note(n, payload):
    """A note with the payload in its title, front matter, body, link aliases, theme names and callouts."""
    quoted = json.dumps(payload)
    return (
        f"---\ntitle: {quoted}\nvideoId: abcdefghijk\ndescription: {quoted}\naliases: [{quoted}]\n"
        f"tags: [{quoted}]\n---\n\n"
        "From: [[oecdobservatoryofpublicsec3116]] <br/>\n\n"
        f'{payload} <a class="yt-timestamp" data-t="00:00:05">[00:00:05]</a>\n\n'
        f"See [[payload_note_{(n + 1) % len(PAYLOADS)} | {payload}]] and [[{payload}]] "
        f"and [[theme of note {n} | {payload}]].\n\n"
        f"> [!note] {payload}\n> {payload}\n\n"
        f"## {payload}\n\n- {payload} [00:01:{n % 60:02d}]\n"
    )


@pytest.fixture
def imported(tmp_path, seed):
    vault = tmp_path / "vault"
    vault.mkdir()
    for n, payload in enumerate(PAYLOADS):
        (vault / f"payload_note_{n}.md").write_text(payload_note(n, payload), encoding="utf-8")
    result = import_notes([vault], status="published")
    # A note may be refused with a clear problem, but the corpus must mostly get through to be tested.
    assert len(result.created) >= len(PAYLOADS) * 0.9, result.problems[:5]
    return result


def assert_safe(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    problems = unsafe_markup(response.content.decode())
    assert problems == [], f"{url}: {problems[:3]}"


def test_note_renderer_makes_every_payload_harmless():
    resolver = LinkResolver({"payload-target": "payload-target"})
    problems = {}
    for n, payload in enumerate(PAYLOADS):
        html = render_note(payload_note(n, payload).split("---\n", 2)[2], video_id="abcdefghijk", resolve=resolver)
        if found := unsafe_markup(html):
            problems[payload] = found
    assert problems == {}


def test_imported_payloads_are_harmless_on_every_public_page(client, imported):
    assert_safe(client, "/")
    assert_safe(client, reverse("practices:practice_list"))
    for practice in Practice.objects.published():
        assert_safe(client, practice.get_absolute_url())
    themes = list(Theme.objects.all())
    assert themes
    for theme in themes:
        assert_safe(client, theme.get_absolute_url())


def test_imported_payloads_are_harmless_in_the_admin(curator_client, imported):
    assert_safe(curator_client, reverse("admin:practices_practice_changelist"))
    assert_safe(curator_client, reverse("admin:practices_theme_changelist"))
    for practice in Practice.objects.order_by("pk")[::10]:
        assert_safe(curator_client, reverse("admin:practices_practice_change", args=[practice.pk]))
        assert_safe(curator_client, reverse("admin:practices_practice_history", args=[practice.pk]))
