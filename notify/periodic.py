"""Jobs that run every minute (or every hour) from the ``tick`` task.

This is Instep's one way to schedule periodic work. A job registers with
``@every_minute`` or ``@every_hour`` in its own app's ``reminders.py``, which
that app's AppConfig imports in ``ready()`` (duties, talk, agreements; notify
imports no app above it). A job takes ``now``, must be idempotent (use
``notify.events.notify`` dedupe keys) and should catch up on what it missed:
after a worker outage, the first tick runs with the current time, and a scan
looks back at most ``CATCH_UP``.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

logger = logging.getLogger(__name__)

Job = Callable[[datetime], object]
# How far back a scan looks for something it should have announced: a worker
# down for longer misses the stale reminders rather than sending them late.
CATCH_UP = timedelta(hours=6)
JOBS: list[Job] = []


def every_minute(job: Job) -> Job:
    if job not in JOBS:
        JOBS.append(job)
    return job


def every_hour(job: Job) -> Job:
    """Registers ``job`` to run once per clock hour, in the first tick of the hour
    that reaches it (so a tick missed at :00 is made up at :01, not skipped)."""

    def hourly(now: datetime) -> object:
        from django.db import IntegrityError, transaction

        from notify.models import PeriodicSlot

        hour = now.replace(minute=0, second=0, microsecond=0)
        try:
            with transaction.atomic():
                PeriodicSlot.objects.create(
                    name=f"hour:{job.__name__}"[:40], slot=hour, ran_at=now
                )
        except IntegrityError:
            return None
        return job(now)

    hourly.__name__ = f"hourly_{job.__name__}"
    hourly.__wrapped__ = job  # type: ignore[attr-defined]
    if not any(getattr(j, "__wrapped__", None) is job for j in JOBS):
        JOBS.append(hourly)
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
