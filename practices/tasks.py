"""Background tasks of the library (django-tasks): run by the configured backend, see README "Reference candidates"."""

from django_tasks import task

from . import redetection


@task()
def import_upload(run_pk: int) -> int | None:
    """The confirmed import of a vault uploaded in the admin; its progress and outcome are on the run record."""
    from .importing import runs  # the run module queues this task

    return runs.run_upload(run_pk)


@task()
def redetect_mentions(kind: str, pk: int, old_names: list[str]) -> int:
    """Find the mentions of a toolkit or country again after it was added or renamed (see `redetection`)."""
    return redetection.redetect(kind, pk, old_names)
