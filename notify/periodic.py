"""Jobs that run every minute from the ``tick`` task.

Another app registers a job with ``@every_minute`` in a module its AppConfig
imports in ``ready()``. A job takes ``now``, must be idempotent (use
``notify.events.notify`` dedupe keys) and should catch up on what it missed:
after a worker outage, the first tick runs with the current time.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

logger = logging.getLogger(__name__)

Job = Callable[[datetime], object]
JOBS: list[Job] = []


def every_minute(job: Job) -> Job:
    if job not in JOBS:
        JOBS.append(job)
    return job


def run_all(*, now: datetime) -> None:
    for job in JOBS:
        try:
            job(now)
        except Exception:
            # One broken job must not starve the others.
            logger.exception("Periodic job %s failed", job.__name__)


@every_minute
def sweep_outbox(now: datetime) -> int:
    from notify import delivery

    return delivery.sweep(now=now)


@every_minute
def forget_old_slots(now: datetime) -> int:
    from notify.models import PeriodicSlot

    deleted, _rest = PeriodicSlot.objects.filter(
        slot__lt=now - timedelta(days=1)
    ).delete()
    return deleted


@every_minute
def prune_finished_tasks(now: datetime) -> None:
    """Once an hour, forgets task results finished more than a week ago.

    One deliver task per message and a tick per minute would otherwise grow
    the task table without end; the outbox keeps what matters.
    """
    if now.minute != 7:
        return
    from django.core.management import call_command

    call_command(
        "prune_db_task_results", "--min-age-days=7", "--queue-name=*", verbosity=0
    )
