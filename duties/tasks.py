"""Background work for duties, run by django-tasks-db's ``db_worker``."""

from django.utils import timezone
from django_tasks import task

from duties import services


@task()
def materialise_occurrences() -> int:
    """Creates occurrences for the next 14 days and records misses; idempotent."""
    return services.materialise(now=timezone.now())


@task()
def purge_proof_photos() -> int:
    """Deletes proof photos past their retention."""
    return services.purge_proof_photos(now=timezone.now())
