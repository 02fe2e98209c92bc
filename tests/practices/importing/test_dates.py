"""Video dates from the vault: front matter keys and the index note; a stored date is never replaced."""

import datetime
import json

import pytest

from practices.importing.dates import read_date
from practices.models import Practice, Video
from tests.practices.importing.test_import_command import run

MARCH_4 = datetime.date(2023, 3, 4)


@pytest.mark.parametrize(
    "value",
    [
        MARCH_4,
        datetime.datetime(2023, 3, 4, 10, 30, tzinfo=datetime.UTC),
        "2023-03-04",
        "2023-03-04T10:30:00Z",
        20230304,
        "20230304",
        "4 March 2023",
        "March 4, 2023",
        "Mar 4, 2023",
    ],
)
def test_the_forms_a_vault_writes_dates_in_are_read(value):
    assert read_date(value) == MARCH_4


@pytest.mark.parametrize("value", ["soon", "2023-13-01", "1999-12-31", "2999-01-01", "04/03/2023", ""])
def test_what_is_no_date_a_video_can_have_is_refused(value):
    assert read_date(value) is None


def note(front, body="Teams in Denmark start small [00:00:10].", video="abcdefghijk"):
    return f"---\ntitle: A note\nvideoId: {video}\n{front}---\n\n{body}\n"


@pytest.mark.django_db
@pytest.mark.parametrize("front", ["date: 2023-03-04\n", "uploadDate: '2023-03-04'\n", "upload_date: 20230304\n"])
def test_the_front_matter_dates_the_video(tmp_path, front):
    (tmp_path / "dated.md").write_text(note(front), encoding="utf-8")
    run(tmp_path)
    assert Video.objects.get(youtube_id="abcdefghijk").published_on == MARCH_4


@pytest.mark.django_db
def test_an_unreadable_date_is_reported_and_the_video_stays_undated(tmp_path):
    (tmp_path / "dated.md").write_text(note("published: next spring\n"), encoding="utf-8")
    report = tmp_path / "report.json"
    run(tmp_path, report=report)
    assert Video.objects.get(youtube_id="abcdefghijk").published_on is None
    problems = [p for p in json.loads(report.read_text()) if p["kind"] == "date-invalid"]
    assert len(problems) == 1 and "'next spring' is not a date" in problems[0]["message"]


INDEX = """---
title: channel
---
### [Innovation Playbook](https://www.youtube.com/watch?v=MymoO7zOk24)
Date: 2021-06-15
- [[playbook_note | Playbook note]]

### [Undated video](https://www.youtube.com/watch?v=3I6wdPooX2k)
- [[other_note | Other note]]
"""


@pytest.mark.django_db
def test_the_index_note_dates_its_videos(tmp_path):
    (tmp_path / "channel.md").write_text(INDEX, encoding="utf-8")
    (tmp_path / "playbook_note.md").write_text("---\ntitle: Playbook note\n---\n\nA playbook.\n", encoding="utf-8")
    (tmp_path / "other_note.md").write_text("---\ntitle: Other note\n---\n\nAnother.\n", encoding="utf-8")
    run(tmp_path)
    dates = dict(Video.objects.values_list("youtube_id", "published_on"))
    assert dates == {"MymoO7zOk24": datetime.date(2021, 6, 15), "3I6wdPooX2k": None}
    assert Practice.objects.get(note_key="playbook_note").video_date == datetime.date(2021, 6, 15)


@pytest.mark.django_db
def test_a_date_set_in_the_admin_is_kept_and_the_disagreement_reported(tmp_path):
    (tmp_path / "dated.md").write_text(note("date: 2023-03-04\n"), encoding="utf-8")
    run(tmp_path)
    Video.objects.filter(youtube_id="abcdefghijk").update(published_on=datetime.date(2023, 3, 5))
    (tmp_path / "dated.md").write_text(note("date: 2023-03-04\n", body="Changed text [00:00:12]."), encoding="utf-8")
    report = tmp_path / "report.json"
    run(tmp_path, report=report)
    assert Video.objects.get(youtube_id="abcdefghijk").published_on == datetime.date(2023, 3, 5)
    assert [p["kind"] for p in json.loads(report.read_text())] == ["video-date-kept"]


@pytest.mark.django_db
def test_an_unchanged_dated_vault_writes_nothing_again(tmp_path):
    (tmp_path / "dated.md").write_text(note("date: 2023-03-04\n"), encoding="utf-8")
    run(tmp_path)
    history = Video.history.count()
    assert "created 0, updated 0, unchanged 1, failed 0" in run(tmp_path)
    assert Video.history.count() == history
