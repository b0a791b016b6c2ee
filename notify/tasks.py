"""Background work on the Django tasks API (django-tasks; db_worker runs it).

``deliver`` sends one outbox row. ``tick`` is the minute-by-minute periodic
work: it re-enqueues itself for the next minute, and the unique slot row it
inserts first makes a duplicate tick for the same minute a no-op (see
docs/notify.md for why this instead of a scheduler daemon).
"""

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from notify import delivery, periodic
from notify.models import PeriodicSlot

logger = logging.getLogger(__name__)

URGENT_PRIORITY = 100
TICK = "minute"


@task()
def deliver(outbox_id: int) -> str:
    return delivery.deliver_one(outbox_id)


@task(priority=URGENT_PRIORITY)
def deliver_urgent(outbox_id: int) -> str:
    """The same work, ahead of the queue: a red signal overtakes 10,000 reminders."""
    return delivery.deliver_one(outbox_id)


@task()
def deliver_batch(outbox_ids: list[int]) -> str:
    """Sends each row in turn, each claimed on its own just before it is sent
    (``delivery.deliver_many``).

    Claiming one row at a time keeps every lease short and the at-least-once
    window at one row per worker. A worker killed mid-batch leaves the rows it
    had not reached pending; the sweep hands them on once they are
    ``delivery.STALE`` past their time.
    """
    outcomes = Counter(delivery.deliver_many(outbox_ids))
    return ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items()))


def enqueue_deliveries(rows: list[tuple[int, datetime, bool, datetime]]) -> None:
    """Enqueues (outbox id, due at, urgent, now) rows: urgent ones one task each,
    at the front of the queue; the others in batches, those due already
    together and later ones by their due time."""
    from notify.events import BATCH

    groups: dict[datetime | None, list[int]] = {}
    for pk, due_at, urgent, now in rows:
        if urgent:
            enqueue_delivery(pk, due_at=due_at, urgent=True, now=now)
        else:
            groups.setdefault(due_at if due_at > now else None, []).append(pk)
    for due_at, ids in groups.items():
        for first in range(0, len(ids), BATCH):
            chunk = ids[first : first + BATCH]
            job = deliver if len(chunk) == 1 else deliver_batch
            if due_at is not None:
                job = job.using(run_after=due_at)
            job.enqueue(chunk[0] if len(chunk) == 1 else chunk)


def enqueue_delivery(
    outbox_id: int, *, due_at: datetime, urgent: bool, now: datetime
) -> None:
    job = deliver_urgent if urgent else deliver
    if due_at > now:
        job = job.using(run_after=due_at)
    job.enqueue(outbox_id)


def minute_of(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


@task(priority=50)
def tick(slot: str) -> str:
    """Runs the periodic jobs for one minute, once, and schedules the next minute."""
    slot_at = datetime.fromisoformat(slot)
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                PeriodicSlot.objects.create(name=TICK, slot=slot_at, ran_at=now)
        except IntegrityError:
            return "already ran"
        # Scheduled with the slot row, before the work: a crash in a job does
        # not break the chain.
        following = max(
            slot_at + timedelta(minutes=1), minute_of(now) + timedelta(minutes=1)
        )
        tick.using(run_after=following).enqueue(following.isoformat())
    periodic.run_all(now=now)
    return "ran"


def start_ticking(*, now: datetime) -> None:
    """Enqueues the tick for this minute; harmless when a chain is already running."""
    tick.enqueue(minute_of(now).isoformat())
