"""The Source line names the video and the note by their titles, never by the note's file name."""

import shutil

import pytest

from practices.models import Practice, Video
from tests.conftest import FIXTURE_NOTES
from tests.practices.importing.test_import_command import run

pytestmark = pytest.mark.django_db

SEED_KEY = "sharing_and_disseminating_innovative_practices"


@pytest.fixture
def imported_seed(seed, tmp_path):
    shutil.copy(FIXTURE_NOTES / f"{SEED_KEY}.md", tmp_path)
    run(tmp_path, status="published")
    Video.objects.filter(youtube_id="_HySsiq_l6A").update(title="Sharing innovative practices")
    return Practice.objects.get(note_key=SEED_KEY)


def test_the_practice_page_names_the_video_and_the_note(client, imported_seed):
    html = client.get(imported_seed.get_absolute_url()).content.decode()
    assert (
        'Source: the video <a href="https://www.youtube.com/watch?v=_HySsiq_l6A">Sharing innovative practices</a>, '
        "the note “Sharing and Disseminating Innovative Practices”." in html
    )
    assert SEED_KEY not in html


def test_the_note_title_stays_the_notes_when_a_curator_retitles_the_practice(client, imported_seed):
    Practice.objects.filter(pk=imported_seed.pk).update(title="Spreading what works")
    html = client.get(imported_seed.get_absolute_url()).content.decode()
    assert "<h1>Spreading what works</h1>" in html
    assert "the note “Sharing and Disseminating Innovative Practices”" in html


def test_a_curated_records_source_names_the_note_by_its_title_and_links_it(client, imported_seed):
    html = client.get("/toolkits/anticipatory-innovation-starter-kit/").content.decode()
    source = html[html.index('<p class="source">') :]
    source = source[: source.index("</p>")]
    assert "the video “Sharing innovative practices” at 00:" in source
    assert (
        f'note <a href="{imported_seed.get_absolute_url()}">“Sharing and Disseminating Innovative Practices”</a>'
        in source
    )
    assert SEED_KEY not in source


def test_a_source_note_not_imported_is_named_in_words(client, seed):
    html = client.get("/toolkits/anticipatory-innovation-starter-kit/").content.decode()
    assert "note “Sharing and disseminating innovative practices”" in html
    assert SEED_KEY not in html
