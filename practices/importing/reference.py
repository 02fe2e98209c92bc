"""The records notes refer to (countries, toolkits, videos), loaded once per run and cached.

A cache entry made inside a note's transaction is forgotten when that transaction rolls back, so a
later note never points at a row that was never committed.
"""

from dataclasses import dataclass
from functools import cached_property

from incubator.models import Country, Toolkit

from ..models import Video
from . import detection
from .first_records import write_first_records


@dataclass(frozen=True)
class Lookup:
    """A gazetteer that finds records in text, and each record's id by its key (code or slug)."""

    gazetteer: detection.Gazetteer
    pks: dict


class ReferenceData:
    """Reference records for one run, each kind read from the database the first time a note needs it."""

    def __init__(self):
        self.video_pks = {}
        self._undo = []

    @cached_property
    def countries(self):
        rows = list(Country.objects.values_list("code", "name", "id"))
        gazetteer = detection.country_gazetteer((code, name) for code, name, _ in rows)
        return Lookup(gazetteer, {str(code): pk for code, _, pk in rows})

    @cached_property
    def toolkits(self):
        toolkits = list(Toolkit.objects.only("slug", "name", "aliases"))
        names = [(toolkit.slug, toolkit.names()) for toolkit in toolkits]
        pks = {toolkit.slug: toolkit.pk for toolkit in toolkits}
        return Lookup(detection.toolkit_gazetteer(names), pks)

    def gazetteers(self):
        """The run's gazetteers of countries and toolkits, for workers to find them with."""
        return detection.Gazetteers(self.countries.gazetteer, self.toolkits.gazetteer)

    def begin_note(self):
        """Start a note's transaction: cache entries from now on are undone by `rollback_note`."""
        self._undo = []

    def rollback_note(self):
        for cache, key in self._undo:
            cache.pop(key, None)
        self._undo = []

    def add_videos(self, video_ids):
        """Look the videos up in one query and create those missing together (in the caller's transaction).

        A batch of new notes names a few hundred videos that the index may not list: one
        `get_or_create` each, with its savepoint and history record, was a tenth of the batch's time.
        """
        missing = {video_id for video_id in video_ids if video_id and video_id not in self.video_pks}
        if not missing:
            return
        found = dict(Video.objects.filter(youtube_id__in=missing).values_list("youtube_id", "id"))
        created = Video.objects.bulk_create([Video(youtube_id=video_id) for video_id in sorted(missing - found.keys())])
        write_first_records(Video, created)
        for video_id, pk in [*found.items(), *((video.youtube_id, video.pk) for video in created)]:
            self.video_pks[video_id] = pk
            self._undo.append((self.video_pks, video_id))

    def video_pk(self, video_id):
        """The id of the video, created (in the note's transaction) when the index did not list it."""
        if not video_id:
            return None
        if video_id not in self.video_pks:
            self.video_pks[video_id] = Video.objects.get_or_create(youtube_id=video_id)[0].pk
            self._undo.append((self.video_pks, video_id))
        return self.video_pks[video_id]
