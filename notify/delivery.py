"""Delivering one outbox row: claim, send, record. Safe to run twice or in parallel.

The claim is one conditional UPDATE (pending and due → sending, or sending
with an expired lease → sending again), so of two workers holding the same
row id only one sends. The window that remains is documented in
docs/notify.md: a worker that dies after the transport accepted the message
but before the row is marked sent leaves it in ``sending``; once the lease
expires it is sent again (at least once, never lost).
"""

import logging
import secrets
from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from notify import messages
from notify.models import Channel, Outbox
from notify.transports import TransportError, for_channel

logger = logging.getLogger(__name__)

# Longer than any transport may take (their timeouts are 10–20 s).
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
State = Outbox.State


def backoff(attempts: int) -> timedelta:
    """Returns the wait before attempt ``attempts + 1``: 30 s, 1, 2, 4 … up to 1 h."""
    return min(timedelta(seconds=30) * 2 ** max(attempts - 1, 0), timedelta(hours=1))


def claim(outbox_id: int, *, now: datetime) -> str | None:
    """Marks the row as being sent by the caller; returns the claim, or None."""
    token = secrets.token_hex(8)
    claimed = (
        Outbox.objects.filter(pk=outbox_id)
        .filter(
            Q(state=State.PENDING, due_at__lte=now)
            | Q(state=State.SENDING, lease_until__lt=now)
        )
        .update(
            state=State.SENDING,
            claim=token,
            lease_until=now + LEASE,
            attempts=F("attempts") + 1,
        )
    )
    return token if claimed else None


def deliver_one(outbox_id: int, *, now: datetime | None = None) -> str:
    """Sends one outbox row if it is still to be sent; returns what happened."""
    return deliver_many([outbox_id], now=now)[0]


def deliver_many(outbox_ids: list[int], *, now: datetime | None = None) -> list[str]:
    """Sends each row in turn if it is still to be sent; returns what happened
    to each.

    The rows are read in one query; each is claimed on its own just before it
    is sent, so a lease stays short and a worker that dies leaves at most the
    row in flight unmarked. The channels that worked are recorded once at the
    end (a failure at once), two queries per message instead of four.
    """
    rows = Outbox.objects.select_related("notification__user", "channel").in_bulk(
        outbox_ids
    )
    outcomes = []
    worked: set[int] = set()
    at = now
    for outbox_id in outbox_ids:
        at = now or timezone.now()
        row = rows.get(outbox_id)
        token = claim(outbox_id, now=at) if row else None
        if row is None or token is None:
            outcomes.append("skipped")
            continue
        row.attempts += 1  # as the claim counted it
        outcome = _send(row, token, now=at)
        if outcome == "sent":
            worked.add(row.channel_id)
        else:
            worked.discard(row.channel_id)
        outcomes.append(outcome)
    if worked:
        Channel.objects.filter(pk__in=worked).update(
            last_ok=True, last_error="", last_attempt_at=at
        )
    return outcomes


def _send(row: Outbox, token: str, *, now: datetime) -> str:
    person = row.notification.user
    try:
        message = messages.render(
            row.notification.kind,
            row.notification.context,
            discreet=person.discreet,
            zone_name=person.time_zone,
            urgent=row.urgent,
            tag=f"n{row.notification_id}",
        )
        for_channel(row.channel).send(message)
    except TransportError as error:
        return _failed(row, token, error, now=now)
    except Exception as error:
        # A fault of ours, not the channel's: log it, keep the row for a retry.
        logger.exception("Delivering outbox %s failed", row.pk)
        return _failed(
            row,
            token,
            TransportError(f"Internal error: {type(error).__name__}"),
            now=now,
        )
    Outbox.objects.filter(pk=row.pk, claim=token).update(
        state=State.SENT,
        sent_at=now,
        lease_until=None,
        last_error="",
        subject=message.title[:200],
    )
    return "sent"


def _failed(row: Outbox, token: str, error: TransportError, *, now: datetime) -> str:
    Channel.objects.filter(pk=row.channel_id).update(
        last_ok=False, last_error=error.reason, last_attempt_at=now
    )
    if error.permanent or row.attempts >= MAX_ATTEMPTS:
        Outbox.objects.filter(pk=row.pk, claim=token).update(
            state=State.FAILED, lease_until=None, last_error=error.reason
        )
        return "failed"
    due = now + backoff(row.attempts)
    retried = Outbox.objects.filter(pk=row.pk, claim=token).update(
        state=State.PENDING, due_at=due, lease_until=None, last_error=error.reason
    )
    if retried:
        from notify.tasks import enqueue_delivery

        enqueue_delivery(row.pk, due_at=due, urgent=row.urgent, now=now)
    return "retry"


# Rows pending this long past their time have lost their task (the process
# died between commit and enqueue, or the task row was pruned).
STALE = timedelta(minutes=5)


def sweep(*, now: datetime) -> int:
    """Re-enqueues rows whose lease expired or whose task was lost; returns how many."""
    from notify.tasks import enqueue_delivery

    expired = list(
        Outbox.objects.filter(state=State.SENDING, lease_until__lt=now).values_list(
            "pk", "urgent"
        )[:1000]
    )
    stale_q = Outbox.objects.filter(state=State.PENDING, due_at__lt=now - STALE)
    stale = list(stale_q.values_list("pk", "urgent")[:1000])
    Outbox.objects.filter(pk__in=[pk for pk, _u in stale]).update(due_at=now)
    for pk, urgent in expired + stale:
        enqueue_delivery(pk, due_at=now, urgent=urgent, now=now)
    return len(expired) + len(stale)
