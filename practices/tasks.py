"""Background tasks of the library (django-tasks): run by the configured backend, see README "Reference candidates"."""

from django_tasks import task

from . import curation


@task()
def link_reference(candidate_pk: int) -> int:
    """Link every practice that names an accepted or merged candidate to its record."""
    return curation.link_practices(candidate_pk)


@task()
def import_upload(run_pk: int) -> int | None:
    """The confirmed import of a vault uploaded in the admin; its progress and outcome are on the run record."""
    from .importing import runs  # the run module queues this task

    return runs.run_upload(run_pk)
