"""What other apps call to tell a person something.

``notify`` writes the notification and one outbox row per channel in the
caller's transaction and enqueues delivery when it commits. Duplicates are
refused by the dedupe key, so an event may be raised again safely (a retried
task, a periodic scan that sees the same due occurrence twice).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from dynamics.models import Signal
from notify import messages, quiet
from notify.models import Channel, Notification, Outbox, Preferences


def preferences_of(person: User) -> Preferences:
    prefs = Preferences.objects.filter(user=person).first()
    return prefs or Preferences(user=person)


def due_time(person: User, *, urgent: bool, now: datetime) -> datetime:
    """Returns when a message to the person may go out: now, or after quiet hours."""
    if urgent:
        return now
    return _after_quiet_hours(person, preferences_of(person), now)


def _after_quiet_hours(person: User, prefs: Preferences, now: datetime) -> datetime:
    try:
        ZoneInfo(person.time_zone)
        zone = person.time_zone
    except (KeyError, ValueError):
        zone = "UTC"
    ends = quiet.quiet_until(now, prefs.quiet_from, prefs.quiet_until, zone)
    return ends or now


def notify(
    person: User,
    kind: str,
    context: dict | None = None,
    *,
    urgent: bool = False,
    dedupe_key: str,
    now: datetime | None = None,
) -> Notification | None:
    """Tells ``person`` about ``kind`` on every channel they have; once per key.

    Returns the new notification, or None when this key was already used.
    ``context`` must be JSON (strings, numbers; datetimes as ISO strings in
    keys ending with ``_at``); see ``messages.KINDS`` for each kind's keys.
    ``urgent`` goes out at once, also in quiet hours, ahead of the queue.
    """
    if kind not in messages.KINDS:
        raise ValueError(f"Unknown notification kind: {kind}")
    now = now or timezone.now()
    # Red (and a test the person is waiting for) cannot be turned down and
    # skips quiet hours: it reads no preferences, one query less on the path
    # that must be fastest.
    prefs = None if kind in messages.ALWAYS else preferences_of(person)
    level = messages.level_of(kind, prefs.kinds if prefs else {})
    if level == messages.Level.OFF:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=person,
                kind=kind,
                context=context or {},
                urgent=urgent,
                dedupe_key=dedupe_key,
                created_at=now,
            )
    except IntegrityError:
        return None
    if level == messages.Level.INBOX:
        return notification
    due_at = now if urgent or prefs is None else _after_quiet_hours(person, prefs, now)
    rows = Outbox.objects.bulk_create(
        Outbox(
            notification=notification,
            channel=channel,
            key=f"{person.pk}:{dedupe_key}:{channel.pk}",
            urgent=urgent,
            due_at=due_at,
            created_at=now,
        )
        for channel in Channel.objects.filter(user=person, enabled=True)
    )
    enqueue_on_commit([row.pk for row in rows], due_at=due_at, urgent=urgent, now=now)
    return notification


@dataclass(frozen=True)
class Tell:
    """One message for ``notify_many``: ``notify``'s arguments, not urgent."""

    person: User
    kind: str
    dedupe_key: str
    context: dict = field(default_factory=dict)


# Tells written per transaction by ``notify_many``.
CHUNK = 500


def notify_many(tells: Iterable[Tell], *, now: datetime) -> int:
    """Tells each person about each thing, as ``notify`` does, but a chunk of
    them at a time in five queries (plus the delivery tasks) instead of about
    six each: the minute tick's scans can fall due by the thousand together.
    Returns how many were new; a key already used is skipped, as in ``notify``.

    If another process writes one of the keys in between (two overlapping
    ticks), the chunk is rolled back and written one by one with ``notify``.
    """
    tells = list(tells)
    for tell in tells:
        if tell.kind not in messages.KINDS:
            raise ValueError(f"Unknown notification kind: {tell.kind}")
    made = 0
    for first in range(0, len(tells), CHUNK):
        chunk = tells[first : first + CHUNK]
        try:
            with transaction.atomic():
                made += _write_many(chunk, now)
        except IntegrityError:
            for tell in chunk:
                with transaction.atomic():
                    notification = notify(
                        tell.person,
                        tell.kind,
                        tell.context,
                        dedupe_key=tell.dedupe_key,
                        now=now,
                    )
                made += notification is not None
    return made


def _write_many(chunk: list[Tell], now: datetime) -> int:
    wanted: dict[tuple[int, str], Tell] = {}
    for tell in chunk:
        wanted.setdefault((tell.person.pk, tell.dedupe_key), tell)
    people = {pk for pk, _key in wanted}
    taken = set(
        Notification.objects.filter(
            user_id__in=people, dedupe_key__in={key for _pk, key in wanted}
        ).values_list("user_id", "dedupe_key")
    )
    prefs = {p.user_id: p for p in Preferences.objects.filter(user_id__in=people)}
    levels = {
        pair: messages.level_of(
            tell.kind, prefs[pair[0]].kinds if pair[0] in prefs else {}
        )
        for pair, tell in wanted.items()
    }
    fresh = [
        tell
        for pair, tell in wanted.items()
        if pair not in taken and levels[pair] != messages.Level.OFF
    ]
    if not fresh:
        return 0
    notifications = Notification.objects.bulk_create(
        Notification(
            user=tell.person,
            kind=tell.kind,
            context=tell.context,
            dedupe_key=tell.dedupe_key,
            created_at=now,
        )
        for tell in fresh
    )
    channels: dict[int, list[Channel]] = {}
    for channel in Channel.objects.filter(user_id__in=people, enabled=True):
        channels.setdefault(channel.user_id, []).append(channel)
    due: dict[int, datetime] = {}
    outbox = []
    for tell, notification in zip(fresh, notifications, strict=True):
        person = tell.person
        if levels[(person.pk, tell.dedupe_key)] == messages.Level.INBOX:
            continue
        if person.pk not in due:
            mine = prefs.get(person.pk) or Preferences(user=person)
            due[person.pk] = _after_quiet_hours(person, mine, now)
        outbox += [
            Outbox(
                notification=notification,
                channel=channel,
                key=f"{person.pk}:{tell.dedupe_key}:{channel.pk}",
                due_at=due[person.pk],
                created_at=now,
            )
            for channel in channels.get(person.pk, [])
        ]
    by_due: dict[datetime, list[int]] = {}
    for row in Outbox.objects.bulk_create(outbox):
        by_due.setdefault(row.due_at, []).append(row.pk)
    for due_at, ids in by_due.items():
        enqueue_on_commit(ids, due_at=due_at, urgent=False, now=now)
    return len(fresh)


# Deliveries written in one transaction go to the workers in tasks of this many
# rows: a burst of 10,000 reminders is 500 tasks, not 10,000, and the queue's
# own cost per task (claiming it, recording its result) is paid once per batch.
BATCH = 20


class _Written:
    """The outbox rows one transaction wrote; enqueued together once it commits."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, datetime, bool, datetime]] = []

    def __call__(self) -> None:
        from notify.tasks import enqueue_deliveries

        enqueue_deliveries(self.rows)


def enqueue_on_commit(
    ids: list[int], *, due_at: datetime, urgent: bool, now: datetime
) -> None:
    """Enqueues delivery of the rows once the caller's transaction commits.

    Every call in the same transaction adds to one on-commit callback. A row
    written in a savepoint that was rolled back may end up in it: its task
    then finds no row to claim and skips it. A callback that was discarded
    with a rolled-back savepoint held only rows that were rolled back too,
    so a new one starts.
    """
    if not ids:
        return
    connection = transaction.get_connection()
    written = getattr(connection, "_notify_written", None)
    if written is None or not any(
        entry[1] is written for entry in connection.run_on_commit
    ):
        written = _Written()
        written.rows.extend((pk, due_at, urgent, now) for pk in ids)
        connection._notify_written = written
        transaction.on_commit(written)  # runs at once outside a transaction
        return
    written.rows.extend((pk, due_at, urgent, now) for pk in ids)


SIGNAL_KINDS = {
    Signal.Kind.RED: "signal_red",
    Signal.Kind.YELLOW: "signal_yellow",
    Signal.Kind.TAKE_LEAD: "signal_take_lead",
}


def signal_sent(signal: Signal, *, now: datetime) -> None:
    """Tells the partner of a signal. Red is urgent: every channel, at once."""
    sender = signal.sent_by
    partners = User.objects.filter(memberships__dynamic_id=signal.dynamic_id).exclude(
        pk=signal.sent_by_id
    )
    for partner in partners:
        notify(
            partner,
            SIGNAL_KINDS[Signal.Kind(signal.kind)],
            {
                "who": sender.display_name if sender else "",
                "path": f"/d/{signal.dynamic_id}/",
            },
            urgent=signal.kind == Signal.Kind.RED,
            dedupe_key=f"signal:{signal.pk}",
            now=now,
        )


def tell_partner(
    dynamic_id: int,
    actor: User | None,
    kind: str,
    context: dict,
    *,
    dedupe_key: str,
    now: datetime,
    to: User | None = None,
) -> None:
    """Tells the other member(s) of the dynamic what ``actor`` did, once per
    ``dedupe_key``; with ``to``, only that person (never the actor).

    ``context["who"]`` is filled with the actor's name and ``path`` defaults
    to the dynamic's home. Call it inside the service's transaction.
    """
    context = {
        "who": actor.display_name if actor else "",
        "path": f"/d/{dynamic_id}/",
        **context,
    }
    if to is not None:
        people = [to] if actor is None or to.pk != actor.pk else []
    else:
        members = User.objects.filter(memberships__dynamic_id=dynamic_id)
        people = list(members.exclude(pk=actor.pk) if actor else members)
    for person in people:
        notify(person, kind, context, dedupe_key=dedupe_key, now=now)
