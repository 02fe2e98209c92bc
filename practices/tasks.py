"""Background tasks of the library (django-tasks): run by the configured backend, see README "Reference candidates"."""

from django_tasks import task

from . import redetection


@task()
def redetect_mentions(kind: str, pk: int, old_names: list[str]) -> int:
    """Find the mentions of a toolkit or country again after it was added or renamed (see `redetection`)."""
    return redetection.redetect(kind, pk, old_names)
