"""The project's own record: the data version every process reads (see `opsi_portal.caching`)."""

from django.db import models


class DataVersion(models.Model):
    """A number that every change to content raises; cached pages and counts carry it in their keys.

    One row, in the database, so every process (gunicorn workers, the import run from a shell, the
    background worker) sees a change the moment it commits.
    """

    value = models.BigIntegerField(default=0, help_text="Raised on every committed change to content.")

    class Meta:
        ordering = ["pk"]
        verbose_name = "data version"
        verbose_name_plural = "data version"

    def __str__(self):
        return str(self.value)
