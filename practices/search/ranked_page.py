"""A page of a search's results, ranked from narrow rows by id, then loaded: the same on both databases."""


class RankedPage:
    """A search's matches as the paginator slices them: each slice ranks only the ids it shows.

    `rows` is either database's ranker (`postgresql.SearchRows`, `sqlite.SqliteSearchRows`): its
    `ranked_ids(offset, limit)` gives a page's ids best first, from narrow rows.

    `fetch(ids)` loads those practices (with what their cards need); they come back in rank order.
    """

    def __init__(self, rows, count, fetch):
        self.rows, self.total, self.fetch = rows, count, fetch

    def __len__(self):
        return self.total

    def count(self):
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("a RankedPage is read by slices")
        start = index.start or 0
        stop = self.total if index.stop is None else index.stop
        if stop <= start:
            return []
        ids = self.rows.ranked_ids(start, stop - start)
        practices = {practice.pk: practice for practice in self.fetch(ids)}
        return [practices[pk] for pk in ids if pk in practices]
