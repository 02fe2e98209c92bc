"""Background tasks of the library (django-tasks): run by the configured backend, see README "Reference candidates"."""

from django_tasks import task

from . import curation


@task()
def link_reference(candidate_pk: int) -> int:
    """Link every practice that names an accepted or merged candidate to its record."""
    return curation.link_practices(candidate_pk)
