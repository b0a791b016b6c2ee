"""The honest clock: schedules, statuses and countdowns as pure functions.

Nothing here imports Django or reads the time: ``now`` is always passed in, all
datetimes are aware, and every value is a frozen dataclass, so these functions
can be property-tested and give the same answer on the web page, in the task
worker and in the calendar feed.

The one idea behind statuses and countdowns: an occurrence's clock runs from
the moment it opens, and it runs only outside pauses. Its *budget* is the
nominal time from opening to the due time (and to the end of the grace);
``running_time`` is how much unpaused time has passed. Because paused time
never adds to ``running_time``, nothing can become late while paused, and a
countdown resumes after a pause with exactly the time it had left.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

# How long after its due time an occurrence may still be ticked ("forgot to
# tick it"); after that, and after its grace, it counts as missed.
TICK_LATE = timedelta(hours=24)
# How close to the due time an open occurrence is shown as "due soon".
DUE_SOON = timedelta(hours=1)

_ZERO = timedelta(0)


class Status(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    DUE_SOON = "due_soon"
    LATE = "late"
    DONE = "done"
    DONE_LATE = "done_late"
    MISSED = "missed"
    EXCUSED = "excused"


# Order of an undone occurrence's statuses as time passes (outside pauses).
PROGRESSION: tuple[Status, ...] = (
    Status.UPCOMING,
    Status.OPEN,
    Status.DUE_SOON,
    Status.LATE,
    Status.MISSED,
)


def _aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


@dataclass(frozen=True)
class Interval:
    """A span of time [start, end); ``end`` None means it has not ended yet."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        _aware(self.start, "start")
        if self.end is not None:
            _aware(self.end, "end")
            if self.end < self.start:
                raise ValueError("an interval cannot end before it starts")

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)

    def overlap(self, start: datetime, end: datetime) -> timedelta:
        """Returns how much of [start, end) lies inside this interval."""
        lo = max(self.start, start)
        hi = end if self.end is None else min(self.end, end)
        return max(hi - lo, _ZERO)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Returns the intervals sorted, with overlapping or touching ones joined."""
    merged: list[Interval] = []
    for iv in sorted(intervals, key=lambda i: i.start):
        if merged:
            last = merged[-1]
            if last.end is None or iv.start <= last.end:
                end = (
                    None
                    if last.end is None or iv.end is None
                    else max(last.end, iv.end)
                )
                merged[-1] = Interval(last.start, end)
                continue
        merged.append(iv)
    return merged


def paused_time(
    pauses: Sequence[Interval], start: datetime, end: datetime
) -> timedelta:
    """Returns how much of [start, end) lies inside any pause (overlaps once)."""
    if end <= start:
        return _ZERO
    return sum((p.overlap(start, end) for p in merge(pauses)), _ZERO)


def running_time(
    pauses: Sequence[Interval], since: datetime, now: datetime
) -> timedelta:
    """Returns the unpaused time from ``since`` to ``now`` (zero before ``since``)."""
    if now <= since:
        return _ZERO
    return (now - since) - paused_time(pauses, since, now)


def moment_after_running(
    pauses: Sequence[Interval], since: datetime, budget: timedelta
) -> datetime | None:
    """Returns when ``budget`` of unpaused time since ``since`` has run out.

    Returns None while an open-ended pause stops the clock before that.
    """
    moment = since + max(budget, _ZERO)
    for pause in merge(pauses):
        if pause.end is not None and pause.end <= since:
            continue
        if pause.start >= moment:
            break
        if pause.end is None:
            return None
        moment += pause.end - max(pause.start, since)
    return moment


# --- occurrences -------------------------------------------------------------


@dataclass(frozen=True)
class OccurrenceTimes:
    """What the clock needs to know about one occurrence.

    ``excusable`` is true for rituals: one whose due time falls inside a pause
    is excused. A task is never excused by a pause; its countdown freezes and
    resumes instead. ``excused`` records an explicit excuse.
    """

    opens_at: datetime
    due_at: datetime
    grace: timedelta = _ZERO
    done_at: datetime | None = None
    excusable: bool = True
    excused: bool = False

    def __post_init__(self) -> None:
        _aware(self.opens_at, "opens_at")
        _aware(self.due_at, "due_at")
        if self.done_at is not None:
            _aware(self.done_at, "done_at")
        if self.opens_at > self.due_at:
            raise ValueError("an occurrence cannot open after it is due")
        if self.grace < _ZERO:
            raise ValueError("grace cannot be negative")

    @property
    def budget(self) -> timedelta:
        """Unpaused time from opening to the due time."""
        return self.due_at - self.opens_at

    @property
    def budget_with_grace(self) -> timedelta:
        return self.budget + self.grace

    @property
    def budget_to_miss(self) -> timedelta:
        """Unpaused time from opening until the occurrence counts as missed."""
        return max(self.budget_with_grace, self.budget + TICK_LATE)


def is_excused(occ: OccurrenceTimes, pauses: Sequence[Interval], now: datetime) -> bool:
    """Returns whether the occurrence is excused (explicitly, or by a pause).

    A pause with an end is known in advance: it excuses what falls due inside
    it from the start. A pause still running (red, illness) excuses only once
    the due time has come while it runs; until then the clock just stands still.
    """
    if occ.excused:
        return True
    if not occ.excusable:
        return False
    return any(
        p.covers(occ.due_at) and (p.end is not None or occ.due_at <= now)
        for p in pauses
    )


def occurrence_status(
    occ: OccurrenceTimes,
    pauses: Sequence[Interval],
    now: datetime,
    *,
    due_soon: timedelta = DUE_SOON,
) -> Status:
    """Returns the occurrence's status at ``now``.

    Done is final: done in time (counting only unpaused time, grace included)
    or done late. An undone occurrence is excused when its due time lies in a
    pause (rituals) and otherwise moves upcoming → open → due soon (also
    during the grace) → late → missed as its unpaused running time grows.
    """
    _aware(now, "now")
    if occ.done_at is not None:
        used = running_time(pauses, occ.opens_at, occ.done_at)
        return Status.DONE if used <= occ.budget_with_grace else Status.DONE_LATE
    if is_excused(occ, pauses, now):
        return Status.EXCUSED
    if now < occ.opens_at:
        return Status.UPCOMING
    used = running_time(pauses, occ.opens_at, now)
    if used < occ.budget - due_soon:
        return Status.OPEN
    if used < occ.budget_with_grace:
        return Status.DUE_SOON
    if used < occ.budget_to_miss:
        return Status.LATE
    return Status.MISSED


@dataclass(frozen=True)
class Countdown:
    """Time left until due. ``deadline`` is when it runs out if no new pause
    comes (None while an open-ended pause holds it); ``frozen`` while paused."""

    left: timedelta
    frozen: bool
    deadline: datetime | None
    overdue: bool

    @property
    def seconds_left(self) -> int:
        return int(self.left.total_seconds())


def countdown(
    occ: OccurrenceTimes, pauses: Sequence[Interval], now: datetime
) -> Countdown:
    """Returns the countdown to the due time at ``now``.

    The clock starts at ``opens_at`` and runs only outside pauses, so a task
    paused with two hours left resumes with two hours left. After the due
    time, ``left`` is negative (how late) and ``overdue`` is true.
    """
    _aware(now, "now")
    frozen = any(p.covers(now) for p in pauses)
    used = running_time(pauses, occ.opens_at, now)
    left = occ.budget - used
    deadline = moment_after_running(pauses, occ.opens_at, occ.budget)
    return Countdown(left=left, frozen=frozen, deadline=deadline, overdue=left < _ZERO)


def effective_deadline(
    occ: OccurrenceTimes, pauses: Sequence[Interval]
) -> datetime | None:
    """Returns when the grace runs out, pauses counted; None during an open pause."""
    return moment_after_running(pauses, occ.opens_at, occ.budget_with_grace)


def may_tick(occ: OccurrenceTimes, pauses: Sequence[Interval], now: datetime) -> bool:
    """Returns whether the assignee may still mark it done ("forgot to tick it")."""
    if occ.done_at is not None or now < occ.opens_at:
        return False
    return running_time(pauses, occ.opens_at, now) < occ.budget_to_miss


def is_marked_late(
    occ: OccurrenceTimes, pauses: Sequence[Interval], marked_at: datetime
) -> bool:
    """Returns whether a tick made at ``marked_at`` came after the grace ran out."""
    return running_time(pauses, occ.opens_at, marked_at) > occ.budget_with_grace


# --- schedules ---------------------------------------------------------------

_ALLOWED_FREQ = {DAILY, WEEKLY, MONTHLY, YEARLY}
_FORBIDDEN_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND", "DTSTART", "BYSETPOS=0")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def daily_rule() -> str:
    return "FREQ=DAILY"


def weekdays_rule() -> str:
    return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


def weekly_rule(days: Iterable[str]) -> str:
    chosen = [d for d in WEEKDAYS if d in set(days)]
    if not chosen:
        raise ValueError("Choose at least one day of the week.")
    return "FREQ=WEEKLY;BYDAY=" + ",".join(chosen)


def monthly_rule(day: int) -> str:
    if not (1 <= day <= 31 or -31 <= day <= -1):
        raise ValueError("Choose a day of the month from 1 to 31 (or -1 for the last).")
    return f"FREQ=MONTHLY;BYMONTHDAY={day}"


def check_rule(rule: str) -> str:
    """Returns the RRULE text, normalised, or raises ValueError with a reason.

    The time of day is the ritual's own local time, so rules may not set
    hours, minutes or seconds, nor recur more often than daily.
    """
    text = rule.strip().removeprefix("RRULE:").upper()
    if not text:
        raise ValueError("Write a recurrence rule, e.g. FREQ=DAILY.")
    if any(part in text for part in _FORBIDDEN_PARTS):
        raise ValueError(
            "The rule may not set a time of day; the ritual's time does that."
        )
    try:
        parsed = rrulestr(text, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError) as error:
        raise ValueError(f"This is not a valid recurrence rule: {error}") from None
    if not isinstance(parsed, rrule) or parsed._freq not in _ALLOWED_FREQ:
        raise ValueError("A ritual recurs daily, weekly, monthly or yearly.")
    if "UNTIL=" in text and text.split("UNTIL=")[1][:15].endswith("Z"):
        raise ValueError("Write UNTIL as a local date, e.g. UNTIL=20271231.")
    return text


_DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
_EVERY = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10)
    return f"{n}{suffix or 'th'}"


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def rule_in_words(rule: str) -> str:
    """Says a ritual's schedule as people do: "Every day", "Weekdays", "Every
    2 weeks on Saturday", "Every month on the last day".

    Covers what the duty form writes and the common hand-written rules; any
    other rule (BYSETPOS, COUNT, several month days...) is shown as written,
    so nothing is ever said wrongly."""
    parts = dict(p.split("=", 1) for p in rule.strip().split(";") if "=" in p)
    freq = parts.pop("FREQ", "")
    interval_text = parts.pop("INTERVAL", "1")
    until = parts.pop("UNTIL", "")
    if (
        freq not in _EVERY
        or not interval_text.isdigit()
        or int(interval_text) < 1
        or parts.keys() - {"BYDAY", "BYMONTHDAY"}
    ):
        return rule
    interval, unit = int(interval_text), _EVERY[freq]
    every = f"Every {unit}" if interval == 1 else f"Every {interval} {unit}s"
    days = parts.get("BYDAY", "").split(",") if parts.get("BYDAY") else []
    month_day = parts.get("BYMONTHDAY", "")
    if days and (freq != "WEEKLY" or "BYMONTHDAY" in parts):
        return rule
    if days:
        if any(d not in _DAY_NAMES for d in days):
            return rule
        ordered = [d for d in WEEKDAYS if d in days]
        if interval == 1 and ordered == list(WEEKDAYS[:5]):
            words = "Weekdays"
        elif interval == 1 and len(ordered) == 7:
            words = "Every day"
        else:
            names = _listed([_DAY_NAMES[d] for d in ordered])
            words = f"Every {names}" if interval == 1 else f"{every} on {names}"
    elif month_day:
        if freq != "MONTHLY" or not month_day.lstrip("-").isdigit():
            return rule
        n = int(month_day)
        if n == -1:
            day = "the last day"
        elif n < 0:
            day = f"the {_ordinal(-n)} last day"
        else:
            day = f"the {_ordinal(n)}"
        words = f"{every} on {day}"
    else:
        words = every
    if until:
        try:
            end = datetime.strptime(until[:8], "%Y%m%d").date()
        except ValueError:
            return rule
        words += f", until {end.day} {end:%b %Y}"
    return words


@dataclass(frozen=True)
class Recurrence:
    """A ritual's schedule: an RRULE at a local wall-clock time.

    ``starts_on`` is the first local day it may occur; ``window`` is how long
    before the due time each occurrence opens.
    """

    rule: str
    starts_on: date
    at: time
    window: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class Slot:
    """One expanded occurrence: when it opens and is due, and its local day."""

    opens_at: datetime
    due_at: datetime
    local: datetime  # the wall-clock time it was meant for (naive)


def resolve_local(local: datetime, zone: ZoneInfo) -> datetime:
    """Returns the UTC instant of a naive local wall-clock time in ``zone``.

    A time that does not exist (skipped by a DST jump) moves forward by the
    size of the jump; an ambiguous one (repeated) takes the first (fold=0).
    With fold=0, zoneinfo reads a skipped time with the offset before the
    jump, which is exactly "moved forward by the jump".
    """
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def local_exists(local: datetime, zone: ZoneInfo) -> bool:
    """Returns whether the naive wall-clock time happens in ``zone``."""
    back = resolve_local(local, zone).astimezone(zone).replace(tzinfo=None)
    return back == local


def _naive_rule(rec: Recurrence) -> rrule:
    dtstart = datetime.combine(rec.starts_on, rec.at.replace(tzinfo=None))
    return rrulestr(check_rule(rec.rule), dtstart=dtstart)  # type: ignore[return-value]


def expand(rec: Recurrence, zone: str, start: datetime, end: datetime) -> list[Slot]:
    """Returns the occurrences due in [start, end), in order, at local time in ``zone``.

    The same arguments always give the same list.
    """
    _aware(start, "start")
    _aware(end, "end")
    if end <= start:
        return []
    tz = ZoneInfo(zone)
    # Local bounds with a margin of a day: offsets never exceed ±26 hours.
    lo = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=2)
    hi = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=2)
    slots = []
    for local in _naive_rule(rec).between(lo, hi, inc=True):
        due = resolve_local(local, tz)
        if start <= due < end:
            slots.append(Slot(opens_at=due - rec.window, due_at=due, local=local))
    return slots


def recurring_intervals(
    rule: str,
    *,
    starts_on: date,
    at: time,
    length: timedelta,
    zone: str,
    start: datetime,
    end: datetime,
) -> list[Interval]:
    """Returns the intervals of a recurring pause (e.g. Sundays 10:00 for 10 h)
    that overlap [start, end), each starting at local time in ``zone``."""
    rec = Recurrence(rule=rule, starts_on=starts_on, at=at, window=_ZERO)
    # A pause that began before ``start`` may still be running.
    slots = expand(rec, zone, start - length, end)
    out = [Interval(s.due_at, s.due_at + length) for s in slots]
    return [iv for iv in out if iv.end is not None and iv.end > start]


# --- who a pause stops -------------------------------------------------------


class Cause(StrEnum):
    """Why a clock stands still: for everyone, for one context, or for authority."""

    PAUSE = "pause"  # red, a break, illness, planned time off: every clock
    CONTEXT = "context"  # a context of the agreement's rules is in effect
    LAPSE = "lapse"  # the leader holds no authority: imposed duties only


@dataclass(frozen=True)
class Stop:
    """One stretch in which some clocks stop, and why.

    ``label`` says more: the pause's reason, the context's words, or the
    lapse's kind (``review_passed``, ``leader_absent``).
    """

    interval: Interval
    cause: Cause
    label: str = ""


def context_key(text: str) -> str:
    """Returns a context's words as compared: lower case, single spaces."""
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class PauseSet:
    """Every stop of a dynamic in a stretch of time, sorted by who it stops.

    A duty's clock stops in ``common`` stops, in the stops of the context it
    is linked to, and, when the leader imposed it, in authority lapses. Each
    duty gets its own merged intervals, and every clock function takes those
    like any pause, so a context or a lapse excuses and freezes exactly as a
    pause does.
    """

    common: tuple[Stop, ...] = ()
    contexts: tuple[Stop, ...] = ()  # label: the context's key
    lapses: tuple[Stop, ...] = ()

    def stops_for(self, context: str = "", imposed: bool = False) -> list[Stop]:
        key = context_key(context)
        stops = list(self.common)
        if key:
            stops += [s for s in self.contexts if s.label == key]
        if imposed:
            stops += self.lapses
        return stops

    def intervals_for(self, context: str = "", imposed: bool = False) -> list[Interval]:
        """Returns the merged intervals in which this duty's clock stops."""
        return merge(s.interval for s in self.stops_for(context, imposed))

    def common_intervals(self) -> list[Interval]:
        return merge(s.interval for s in self.common)

    def stop_at(
        self, moment: datetime, context: str = "", imposed: bool = False
    ) -> Stop | None:
        """Returns the stop holding this duty's clock at ``moment``, if any.

        Everyone's pauses come first, then the context, then a lapse.
        """
        for stop in self.stops_for(context, imposed):
            if stop.interval.covers(moment):
                return stop
        return None

    def excuse(
        self,
        occ: OccurrenceTimes,
        now: datetime,
        context: str = "",
        imposed: bool = False,
    ) -> Stop | None:
        """Returns the stop that excuses the occurrence (see ``is_excused``)."""
        if occ.excused or not occ.excusable:
            return None
        for stop in self.stops_for(context, imposed):
            iv = stop.interval
            if iv.covers(occ.due_at) and (iv.end is not None or occ.due_at <= now):
                return stop
        return None


@dataclass(frozen=True)
class SignedVersion:
    """When a signed agreement version came into force and when it is reviewed."""

    in_force_from: datetime
    review_on: date


def _local_midnight(day: date, zone: str) -> datetime:
    return resolve_local(datetime.combine(day, time(0)), ZoneInfo(zone))


def lapse_stops(
    versions: Sequence[SignedVersion],
    *,
    zone: str,
    leader_last_seen: date | None,
    absence_days: int,
    now: datetime,
) -> list[Stop]:
    """Returns the stretches, up to ``now``, in which the leader held no authority.

    The same rule as ``agreements.authority.lapse_of``, over time: a version's
    authority lapses from the local midnight after its review date until the
    next version comes into force; and it lapses from the local midnight after
    the leader has been away for more than ``absence_days`` days, until they
    come back (open-ended while they are away). A lapse that has not begun by
    ``now`` is left out: re-signing in time means it never happens.
    """
    _aware(now, "now")
    ordered = sorted(versions, key=lambda v: v.in_force_from)
    stops: list[Stop] = []
    for i, version in enumerate(ordered):
        start = _local_midnight(version.review_on + timedelta(days=1), zone)
        if start > now:
            continue
        later = [v.in_force_from for v in ordered[i + 1 :]]
        end = later[0] if later else None
        if end is not None and end <= start:
            continue
        stops.append(Stop(Interval(start, end), Cause.LAPSE, "review_passed"))
    if leader_last_seen is not None and ordered:
        start = _local_midnight(
            leader_last_seen + timedelta(days=absence_days + 1), zone
        )
        if start <= now:
            stops.append(Stop(Interval(start, None), Cause.LAPSE, "leader_absent"))
    return stops
