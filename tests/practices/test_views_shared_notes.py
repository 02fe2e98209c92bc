"""Real notes from the sample vault, rendered as practice pages: they must all display."""

import re

import pytest

from tests import factories
from tests.html_contents import contents

pytestmark = [pytest.mark.django_db, pytest.mark.shared_notes]

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def test_every_sample_note_renders_as_a_practice_page(client, shared_notes):
    notes = sorted(path for path in shared_notes.glob("*.md") if path.name != "oecdobservatoryofpublicsec3116.md")
    assert notes
    for path in notes:
        text = FRONT_MATTER.sub("", path.read_text(encoding="utf-8"))
        practice = factories.practice(title=path.stem.replace("_", " "), body_markdown=text)
        response = client.get(practice.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200, path.name
        assert html.count("<h1") == 1, path.name
        # A note with sections has one contents list, and it reaches every section heading.
        headings = contents(practice.body_html)
        if len(headings) >= 2:
            assert html.count('<nav class="contents"') == 1, path.name
            for heading in headings:
                assert f'href="#{heading["id"]}"' in html, (path.name, heading)
