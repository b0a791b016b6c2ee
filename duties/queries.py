"""Reads for the duties pages, each in a fixed number of SQL queries however
long the history. Statuses and countdowns come from ``duties.clock``."""

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from duties import clock
from duties.models import Duty, FeedToken, Occurrence, ScheduledPause
from duties.services import (
    Context,
    agreement_contexts,
    clock_pauses,
    duty_pauses,
)
from dynamics.models import Dynamic, Membership

# What Today shows ahead and behind: what is open, and what could still be ticked.
TODAY_AHEAD = timedelta(hours=24)
TODAY_BEHIND = clock.TICK_LATE + timedelta(days=7)
HISTORY_ROWS = 30


def _tz(user) -> ZoneInfo:
    try:
        return ZoneInfo(user.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class Row:
    """One occurrence as a page shows it."""

    occ: Occurrence
    status: clock.Status
    countdown: clock.Countdown
    deadline: datetime | None
    may_tick: bool
    mine: bool
    # What excuses it, or holds its countdown now (a pause, a context, a lapse).
    stop: clock.Stop | None = None

    @property
    def duty(self) -> Duty:
        return self.occ.duty


def _row(occ: Occurrence, stops: clock.PauseSet, now: datetime, me_id: int) -> Row:
    times = occ.times()
    duty = occ.duty
    pauses = duty_pauses(stops, duty)
    status = clock.occurrence_status(times, pauses, now)
    if status is clock.Status.EXCUSED:
        stop = stops.excuse(times, now, duty.suspended_when, duty.imposed)
    else:
        stop = stops.stop_at(now, duty.suspended_when, duty.imposed)
    return Row(
        occ=occ,
        status=status,
        countdown=clock.countdown(times, pauses, now),
        deadline=clock.effective_deadline(times, pauses),
        may_tick=occ.assignee_id == me_id and clock.may_tick(times, pauses, now),
        mine=occ.assignee_id == me_id,
        stop=stop,
    )


@dataclass(frozen=True)
class PartnerDay:
    membership: Membership
    now_rows: list[Row]  # open, due soon and late, most urgent first
    later_rows: list[Row]  # opens within the next 24 hours
    done_rows: list[Row]  # done in the last 24 hours
    excused_rows: list[Row]  # due in the last 24 hours or next, excused, and why


@dataclass(frozen=True)
class Today:
    now: datetime
    paused: bool
    days: list[PartnerDay]
    requests: list[Duty]
    review_count: int
    # Contexts of the agreement in effect now, and the authority lapse holding
    # the leader's imposed duties, if any.
    contexts_now: list[str]
    lapse_now: clock.Stop | None


_URGENT = {
    clock.Status.LATE: 0,
    clock.Status.DUE_SOON: 1,
    clock.Status.OPEN: 2,
}


def today(me: Membership, now: datetime) -> Today:
    """Returns Today for both partners, in five queries (six for the leader):
    the partner comes with the permission gate (``Membership.couple``)."""
    dynamic = me.dynamic
    # Mine first.
    members = sorted(me.couple, key=lambda m: m.user_id != me.user_id)
    occs = list(
        Occurrence.objects.filter(dynamic=dynamic, due_at__gte=now - TODAY_BEHIND)
        .filter(opens_at__lte=now + TODAY_AHEAD)
        .filter(
            Q(done_at__isnull=True, outcome="")
            | Q(marked_at__gte=now - timedelta(hours=24))
        )
        .exclude(duty__state=Duty.State.RETIRED)
        .select_related("duty__incident")
        .order_by("due_at", "pk")
    )
    start = min((o.opens_at for o in occs), default=now)
    stops = clock_pauses(
        dynamic.pk, start, now + TODAY_AHEAD, now=now, couple=me.couple
    )
    rows = [_row(o, stops, now, me.user_id) for o in occs]
    days = []
    for m in members:
        theirs = [r for r in rows if r.occ.assignee_id == m.user_id]
        now_rows = sorted(
            (r for r in theirs if r.status in _URGENT),
            key=lambda r: (_URGENT[r.status], r.countdown.left),
        )
        days.append(
            PartnerDay(
                membership=m,
                now_rows=now_rows,
                later_rows=[r for r in theirs if r.status is clock.Status.UPCOMING],
                done_rows=[
                    r
                    for r in theirs
                    if r.status in (clock.Status.DONE, clock.Status.DONE_LATE)
                ],
                excused_rows=[
                    r
                    for r in theirs
                    if r.status is clock.Status.EXCUSED
                    and abs(r.occ.due_at - now) <= timedelta(hours=24)
                ],
            )
        )
    # Requests are answered in their talk thread; Today links to it.
    requests = list(
        Duty.objects.filter(dynamic=dynamic, request__isnull=False).select_related(
            "request"
        )
    )
    review_count = 0
    if me.is_leader:
        # Counted by the permission gate's query (``reviews_waiting``).
        review_count = getattr(me, "reviews_waiting", None)
        if review_count is None:
            review_count = Occurrence.objects.filter(
                dynamic=dynamic, review="pending"
            ).count()
    contexts_now = []
    for stop in stops.contexts:
        if stop.interval.covers(now) and stop.label not in contexts_now:
            contexts_now.append(stop.label)
    return Today(
        now=now,
        paused=any(s.interval.covers(now) for s in stops.common),
        days=days,
        requests=requests,
        review_count=review_count,
        contexts_now=contexts_now,
        lapse_now=next((s for s in stops.lapses if s.interval.covers(now)), None),
    )


def reviews_waiting(person: User) -> Coalesce:
    """The count of a dynamic's occurrences awaiting review, as an expression
    on a membership row (``dynamics.nav``: the permission gate carries it)."""
    return Coalesce(
        Subquery(
            Occurrence.objects.filter(
                dynamic_id=OuterRef("dynamic_id"), review="pending"
            )
            .order_by()
            .values("dynamic_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


# Plan -------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanDay:
    day: date
    rows: list[Row]
    paused: bool
    in_month: bool = True


@dataclass(frozen=True)
class Plan:
    who: Membership
    week: list[PlanDay]
    month_title: str
    weeks: list[list[PlanDay]]  # the calendar grid, Monday first
    planned_pauses: list[ScheduledPause]


def plan(me: Membership, who: Membership, now: datetime) -> Plan:
    """Returns the week ahead as a list and this month as a grid, in five
    queries. Rules are never expanded here: rituals show as far as they are
    materialised (14 days), tasks at their deadline however far ahead."""
    tz = _tz(who.user)
    today_local = now.astimezone(tz).date()
    first = today_local.replace(day=1)
    grid_start = first - timedelta(days=first.weekday())
    last_day = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    grid_end = last_day + timedelta(days=6 - last_day.weekday())
    horizon_local = max(grid_end, today_local + timedelta(days=6))
    start = datetime.combine(grid_start, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(
        horizon_local + timedelta(days=1), datetime.min.time(), tzinfo=tz
    )
    occs = list(
        Occurrence.objects.filter(
            dynamic_id=me.dynamic_id,
            assignee_id=who.user_id,
            due_at__gte=start,
            due_at__lt=end,
        )
        .exclude(duty__state=Duty.State.RETIRED)
        .select_related("duty")
        .order_by("due_at")
    )
    stops = clock_pauses(me.dynamic_id, start, end, now=now, couple=me.couple)
    pauses = stops.common_intervals()
    planned = planned_pauses(me, now)
    by_day: dict[date, list[Row]] = {}
    for occ in occs:
        by_day.setdefault(occ.due_at.astimezone(tz).date(), []).append(
            _row(occ, stops, now, me.user_id)
        )

    def day_of(d: date, in_month: bool = True) -> PlanDay:
        noon = datetime.combine(d, datetime.min.time(), tzinfo=tz) + timedelta(hours=12)
        return PlanDay(
            day=d,
            rows=by_day.get(d, []),
            paused=any(p.covers(noon) for p in pauses),
            in_month=in_month,
        )

    week = [day_of(today_local + timedelta(days=i)) for i in range(7)]
    days = [
        day_of(
            grid_start + timedelta(days=i),
            (grid_start + timedelta(days=i)).month == first.month,
        )
        for i in range((grid_end - grid_start).days + 1)
    ]
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    return Plan(
        who=who,
        week=week,
        month_title=first.strftime("%B %Y"),
        weeks=weeks,
        planned_pauses=planned,
    )


# Review -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewQueue:
    pending: list[Occurrence]
    marked_late: list[Occurrence]


def review_queue(me: Membership, now: datetime) -> ReviewQueue:
    """Returns what waits for the leader's review, and recent late ticks, in two
    queries."""
    pending = list(
        Occurrence.objects.filter(dynamic_id=me.dynamic_id, review="pending")
        .select_related("duty", "assignee")
        .order_by("marked_at")[:100]
    )
    flagged = list(
        Occurrence.objects.filter(
            dynamic_id=me.dynamic_id,
            marked_late=True,
            marked_at__gte=now - timedelta(days=7),
        )
        .select_related("duty", "assignee")
        .order_by("-marked_at")[:50]
    )
    return ReviewQueue(pending=pending, marked_late=flagged)


# History -------------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    duty: Duty
    rows: list[Occurrence]
    counts: dict[str, int]
    on_time_rate: int | None  # percent of those that counted
    streak: int


def history(duty: Duty, now: datetime) -> History:
    """Returns a duty's past occurrences, on-time rate and current streak, in
    four queries. Excused occurrences count neither for nor against."""
    settled = Occurrence.objects.filter(duty=duty).exclude(outcome="")
    counts = dict(
        Counter(
            {
                row["outcome"]: row["n"]
                for row in settled.values("outcome").annotate(n=Count("pk"))
            }
        )
    )
    counted = sum(counts.get(k, 0) for k in ("on_time", "late", "missed"))
    rate = round(100 * counts.get("on_time", 0) / counted) if counted else None
    # The streak: on-time occurrences since the last one that was not.
    last_break = (
        settled.filter(outcome__in=["late", "missed"])
        .order_by("-due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    streak_qs = settled.filter(outcome="on_time")
    if last_break is not None:
        streak_qs = streak_qs.filter(due_at__gt=last_break)
    rows = list(
        Occurrence.objects.filter(duty=duty, opens_at__lte=now).order_by("-due_at")[
            :HISTORY_ROWS
        ]
    )
    return History(
        duty=duty,
        rows=rows,
        counts=counts,
        on_time_rate=rate,
        streak=streak_qs.count(),
    )


def duties_of(me: Membership) -> list[Duty]:
    return list(
        Duty.objects.filter(dynamic_id=me.dynamic_id)
        .exclude(state__in=[Duty.State.RETIRED, Duty.State.DECLINED])
        .select_related("assignee", "incident")
        .order_by("kind", "title")
    )


def has_feed(me: Membership) -> bool:
    return FeedToken.objects.filter(
        user_id=me.user_id, dynamic_id=me.dynamic_id
    ).exists()


def duty_of(me: Membership, duty_id: int) -> Duty:
    """Returns one duty of the member's dynamic with its assignee (one query);
    404 for a duty of another dynamic, which the member may not know exists."""
    duty = (
        Duty.objects.filter(dynamic_id=me.dynamic_id, pk=duty_id)
        .select_related("assignee")
        .first()
    )
    if duty is None:
        raise Http404
    return duty


# Weekly review --------------------------------------------------------------------

# What each settled outcome counts as in a week's summary; "" is not settled yet.
WEEK_BUCKETS = {
    Occurrence.Outcome.ON_TIME: "done",
    Occurrence.Outcome.LATE: "late",
    Occurrence.Outcome.MISSED: "missed",
    Occurrence.Outcome.EXCUSED: "excused",
    Occurrence.Outcome.OPEN: "open",
}


def outcomes_by_assignee(
    dynamic_id: int, start: datetime, end: datetime
) -> dict[int, dict[str, int]]:
    """Returns, per assignee, how the occurrences due in [start, end) turned out.

    One query. It counts the outcomes ``complete`` and ``settle`` recorded (the
    clock's verdict, paused time excused), as ``history`` does: done (on
    time), late, missed, excused, and open for those not settled yet.
    """
    counts: dict[int, dict[str, int]] = {}
    for assignee_id, outcome, n in (
        Occurrence.objects.filter(dynamic_id=dynamic_id, due_at__gte=start)
        .filter(due_at__lt=end)
        .values_list("assignee_id", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        row = counts.setdefault(assignee_id, dict.fromkeys(WEEK_BUCKETS.values(), 0))
        row[WEEK_BUCKETS[outcome]] += n
    return counts


def planned_pauses(me: Membership, now: datetime) -> list[ScheduledPause]:
    """Returns the pauses the couple planned that are still to come or under
    way, repeating ones included, oldest plan first (one query). Not in it: a
    lapse the worker wrote down, a context switched on (see
    ``context_states``), and plans cancelled or over."""
    return list(
        ScheduledPause.objects.filter(
            dynamic_id=me.dynamic_id, cancelled_at__isnull=True
        )
        .exclude(scope=ScheduledPause.Scope.IMPOSED)
        .exclude(scope=ScheduledPause.Scope.CONTEXT, rule="", ends_at__isnull=True)
        .filter(Q(rule__gt="") | Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("created_at")
    )


@dataclass(frozen=True)
class ContextState:
    context: Context
    on: bool  # said to be in effect now: its duties are off the clock


def context_states(me: Membership, now: datetime) -> list[ContextState]:
    """Returns the agreement's contexts with whether each is switched on now
    (three queries)."""
    switched_on = {
        clock.context_key(p.context)
        for p in ScheduledPause.objects.filter(
            dynamic_id=me.dynamic_id,
            scope=ScheduledPause.Scope.CONTEXT,
            rule="",
            ends_at__isnull=True,
            cancelled_at__isnull=True,
        )
    }
    return [
        ContextState(c, c.key in switched_on)
        for c in agreement_contexts(me.dynamic_id, now=now)
    ]


def week_for_review(
    dynamic: Dynamic,
    roles: dict[int, str],
    start: datetime,
    end: datetime,
    now: datetime,
) -> dict:
    """Returns duties' part of the weekly review's snapshot (talk.snapshot), in
    one query: per role, the occurrences due in [start, end) done, late and
    missed."""
    outcomes = outcomes_by_assignee(dynamic.pk, start, end)
    return {
        "duties": {
            role: outcomes.get(user_id, dict.fromkeys(WEEK_BUCKETS.values(), 0))
            for user_id, role in roles.items()
        }
    }
