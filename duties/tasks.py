"""Background work for duties, run by django-tasks-db's ``db_worker``.

Each task, once run, enqueues its own next run (unless one is already
waiting), so one ``manage.py materialise_occurrences --schedule`` at start-up
keeps occurrences 14 days ahead and proof photos within their retention.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task, TaskResultStatus

from duties import services

EVERY = timedelta(hours=1)


def schedule_next(job: Task, *, now: datetime, after: timedelta = EVERY) -> bool:
    """Enqueues ``job`` to run ``after`` from now unless a run is already
    waiting; returns whether it enqueued one."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=job.module_path, status=TaskResultStatus.READY
    ).exists()
    if waiting:
        return False
    job.using(run_after=now + after).enqueue()
    return True


@task()
def materialise_occurrences() -> int:
    """Creates occurrences for the next 14 days and records misses; idempotent."""
    now = timezone.now()
    created = services.materialise(now=now)
    schedule_next(materialise_occurrences, now=now)
    return created


@task()
def purge_proof_photos() -> int:
    """Deletes proof photos past their retention."""
    now = timezone.now()
    purged = services.purge_proof_photos(now=now)
    schedule_next(purge_proof_photos, now=now)
    return purged
