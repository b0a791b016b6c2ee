"""The decide-by clock of a matter: pure functions, no Django.

A matter's decide-by deadline runs only while the dynamic runs. Paused time
(red, illness, travel, ...) is never counted: the deadline moves later by the
paused time that falls before it, and lateness counts only running time.

This module is meant to merge into ``duties/clock.py`` (being written on the
duties branch): ``Interval`` here has the same shape (start, end or None for an
open pause) and ``running_time`` / ``effective_due`` are the general helpers a
task countdown needs too. Everything takes ``now`` as an argument and works on
aware datetimes.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

ZERO = timedelta(0)


@dataclass(frozen=True)
class Interval:
    """A paused interval; ``end`` None means the pause is still going on."""

    start: datetime
    end: datetime | None = None

    def clipped_end(self, now: datetime) -> datetime:
        return now if self.end is None else min(self.end, now)


class DeadlineState(StrEnum):
    NONE = "none"  # no decide-by date
    RUNNING = "running"  # open, due later
    FROZEN = "frozen"  # open, the dynamic is paused right now
    LATE = "late"  # open and past its (pause-adjusted) deadline
    ON_TIME = "on_time"  # closed before its deadline
    CLOSED_LATE = "closed_late"  # closed after its deadline


@dataclass(frozen=True)
class Deadline:
    state: DeadlineState
    due: datetime | None = None  # the deadline moved by past pauses (None: frozen)
    remaining: timedelta = ZERO  # running time left, for RUNNING and FROZEN
    late_by: timedelta = ZERO  # running time past the deadline


def _merged(
    pauses: Iterable[Interval], now: datetime
) -> list[tuple[datetime, datetime]]:
    """Returns the pauses as sorted, non-overlapping (start, end) pairs up to now."""
    spans = sorted((p.start, p.clipped_end(now)) for p in pauses if p.start < now)
    merged: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def running_time(
    start: datetime, end: datetime, pauses: Sequence[Interval], now: datetime
) -> timedelta:
    """Returns the time between ``start`` and ``end`` during which no pause ran.

    Pauses are known only up to ``now``; an open pause counts as running until now.
    """
    if end <= start:
        return ZERO
    total = end - start
    for p_start, p_end in _merged(pauses, now):
        overlap = min(end, p_end) - max(start, p_start)
        if overlap > ZERO:
            total -= overlap
    return total


def effective_due(
    opened_at: datetime,
    decide_by: datetime,
    pauses: Sequence[Interval],
    now: datetime,
) -> datetime | None:
    """Returns the deadline moved later by every pause that began before it.

    Returns None while a pause that began before the moved deadline is still
    going on: the countdown is frozen and has no date yet.
    """
    budget = decide_by - opened_at
    cursor = opened_at
    ongoing = any(p.end is None and p.start < now for p in pauses)
    for p_start, p_end in _merged(pauses, now):
        if p_end <= cursor:
            continue
        p_start = max(p_start, cursor)
        if cursor + budget <= p_start:
            break
        if ongoing and p_end == now:
            return None
        budget -= p_start - cursor
        cursor = p_end
    return cursor + budget


def deadline(
    opened_at: datetime,
    decide_by: datetime | None,
    closed_at: datetime | None,
    pauses: Sequence[Interval],
    now: datetime,
) -> Deadline:
    """Returns the state of a matter's decide-by clock at ``now``.

    A matter closed at ``closed_at`` is judged at that moment; lateness is the
    running (unpaused) time between the moved deadline and the closing or now.
    """
    if decide_by is None:
        return Deadline(DeadlineState.NONE)
    at = closed_at if closed_at is not None else now
    budget = decide_by - opened_at
    used = running_time(opened_at, at, pauses, now)
    due = effective_due(opened_at, decide_by, pauses, at)
    if closed_at is not None:
        if used <= budget:
            return Deadline(DeadlineState.ON_TIME, due=due)
        return Deadline(DeadlineState.CLOSED_LATE, due=due, late_by=used - budget)
    if used > budget:
        return Deadline(DeadlineState.LATE, due=due, late_by=used - budget)
    if due is None:
        return Deadline(DeadlineState.FROZEN, remaining=budget - used)
    return Deadline(DeadlineState.RUNNING, due=due, remaining=budget - used)
