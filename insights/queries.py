"""Reads for the insights pages: aggregate queries, a fixed number per page.

Nothing here loads a dynamic's history into Python. Every figure comes from a
GROUP BY in the database (per local day, week or month in the viewer's time
zone), so the page costs the same eleven queries on a week of history as on
three years. ``insights.series`` turns the grouped rows into charts.

Where the facts come from:

- on time, late, missed, excused: ``duties.Occurrence.outcome``, the settled
  fact the duties clock records (excused counts neither for nor against, as
  in ``duties.queries.history``);
- check-ins: ``talk.CheckIn``; a partner's answer counts only when that
  answer is shared, the viewer's own answers always count;
- incidents and how they ended: ``conduct.Incident``;
- signals and pauses: ``dynamics.Signal``, ``dynamics.Pause`` and one-off
  planned pauses (``duties.ScheduledPause``);
- decisions: settled ``talk.Matter`` rows (as in the decision log).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, DateField, F, Max, Q
from django.db.models.functions import Trunc, TruncDate, TruncMonth

from conduct.models import Incident
from duties.models import Occurrence, ScheduledPause
from dynamics.models import Membership, Pause, Signal
from insights import series
from insights.series import (
    Chart,
    DayOutcomes,
    Person,
    Window,
)
from instep import wording
from talk.models import SCALE_FIELDS, CheckIn, Matter
from talk.services import zone_of

SETTLED = ("on_time", "late", "missed", "excused")
DECIDED = (Matter.State.DECIDED, Matter.State.ACCEPTED, Matter.State.DECLINED)


@dataclass(frozen=True)
class RangeLink:
    key: str
    label: str
    current: bool


@dataclass(frozen=True)
class Insights:
    window: Window
    people: list[Person]
    ranges: list[RangeLink]
    on_time: Chart
    streaks: Chart
    checkins: list[Chart]
    signals_summary: str
    incidents: Chart
    resolutions: list[tuple[str, int, int]]
    decisions: Chart
    pauses_summary: str


def people_of(me: Membership, *, discreet: bool) -> list[Person]:
    """Returns the viewer first ("You"), then the partner (no query after the
    permission gate)."""
    members = me.couple
    out = [Person(me.user_id, "You", "you", "a")]
    for m in members:
        if m.user_id == me.user_id:
            continue
        label = m.user.display_name if discreet else m.title
        out.append(Person(m.user_id, label, label, "b"))
    return out


def _bounds(w: Window, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return series.local_midnight(w.start, zone), series.local_midnight(w.end, zone)


def day_outcomes(dynamic_id: int, w: Window, zone: ZoneInfo) -> list[DayOutcomes]:
    """Returns settled occurrences counted per person and local day (one query)."""
    start, end = _bounds(w, zone)
    rows = (
        Occurrence.objects.filter(
            dynamic_id=dynamic_id,
            due_at__gte=start,
            due_at__lt=end,
            outcome__in=SETTLED,
        )
        .annotate(day=TruncDate("due_at", tzinfo=zone))
        .values("day", "assignee_id")
        .annotate(**{k: Count("pk", filter=Q(outcome=k)) for k in SETTLED})
        .order_by()
    )
    return [
        DayOutcomes(
            day=r["day"],
            user_id=r["assignee_id"],
            on_time=r["on_time"],
            late=r["late"],
            missed=r["missed"],
            excused=r["excused"],
        )
        for r in rows
    ]


def streak_seeds(
    dynamic_id: int, user_ids: list[int], w: Window, zone: ZoneInfo
) -> dict[int, int]:
    """Returns each person's streak as it stood when the window opened, in two
    queries: their last break before it, then the on-time days since."""
    start, _end = _bounds(w, zone)
    breaks = dict(
        Occurrence.objects.filter(
            dynamic_id=dynamic_id,
            assignee_id__in=user_ids,
            outcome__in=series.BREAKS,
            due_at__lt=start,
        )
        .values("assignee_id")
        .annotate(last=Max("due_at"))
        .order_by()
        .values_list("assignee_id", "last")
    )
    since = Q()
    for uid in user_ids:
        last = breaks.get(uid)
        # The day of the break does not count, even if something later that
        # day was on time: the streak starts on the next local day.
        after = (
            Q(due_at__gte=series.local_midnight(
                last.astimezone(zone).date() + timedelta(days=1), zone))
            if last else Q()
        )  # fmt: skip
        since |= Q(assignee_id=uid) & after
    rows = (
        Occurrence.objects.filter(
            dynamic_id=dynamic_id, outcome="on_time", due_at__lt=start
        )
        .filter(since)
        .values("assignee_id")
        .annotate(days=Count(TruncDate("due_at", tzinfo=zone), distinct=True))
        .order_by()
    )
    return {r["assignee_id"]: r["days"] for r in rows}


def checkin_rows(
    dynamic_id: int, viewer_id: int, w: Window, grain: str
) -> list[series.CheckInRow]:
    """Returns average answers per person and bucket (one query).

    The privacy rule is in the aggregate itself: an answer counts when it is
    the viewer's own or when its author shared it. A partner's private answer
    never reaches a row the viewer sees.
    """
    # ``day`` is already the author's local date: no time zone to apply.
    bucket = (
        Trunc("day", grain, output_field=DateField())
        if grain != series.DAY
        else F("day")
    )

    def visible(name: str) -> Q:
        return Q(user_id=viewer_id) | Q(**{f"{name}_shared": True})

    aggregates = {}
    for name in SCALE_FIELDS:
        aggregates[f"{name}_avg"] = Avg(name, filter=visible(name))
        aggregates[f"{name}_n"] = Count("pk", filter=visible(name))
    rows = (
        CheckIn.objects.filter(dynamic_id=dynamic_id, day__gte=w.start, day__lt=w.end)
        .annotate(bucket=bucket)
        .values("bucket", "user_id")
        .annotate(**aggregates)
        .order_by()
    )
    return [
        series.CheckInRow(
            bucket=_as_date(r["bucket"]),
            user_id=r["user_id"],
            values={name: (r[f"{name}_avg"], r[f"{name}_n"]) for name in SCALE_FIELDS},
        )
        for r in rows
    ]


def _as_date(value: date | datetime) -> date:
    # Truncating a DateField gives a date on both backends; be sure anyway.
    return value.date() if isinstance(value, datetime) else value


def signal_rows(
    dynamic_id: int, w: Window, zone: ZoneInfo
) -> list[tuple[date, str, int]]:
    """Returns signals counted per local day and kind (one query)."""
    start, end = _bounds(w, zone)
    rows = (
        Signal.objects.filter(
            dynamic_id=dynamic_id, sent_at__gte=start, sent_at__lt=end
        )
        .annotate(day=TruncDate("sent_at", tzinfo=zone))
        .values("day", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(r["day"], r["kind"], r["n"]) for r in rows]


def pause_rows(
    dynamic_id: int, w: Window, zone: ZoneInfo
) -> list[tuple[datetime, datetime | None, str]]:
    """Returns the pauses that overlap the window, in two queries: the ones that
    happened, and one-off planned ones. Recurring planned pauses (every Sunday
    afternoon) are routine, not a break in the dance: they are not shaded."""
    start, end = _bounds(w, zone)
    happened = (
        Pause.objects.filter(dynamic_id=dynamic_id, started_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
        .values_list("started_at", "ended_at", "reason")
    )
    # A plan cancelled while under way stopped the clocks until then.
    planned = [
        (s, e if cancelled is None else min(e, cancelled), reason)
        for s, e, reason, cancelled in ScheduledPause.objects.filter(
            dynamic_id=dynamic_id, rule="", starts_at__lt=end, ends_at__gt=start
        )
        .filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=F("starts_at")))
        .values_list("starts_at", "ends_at", "reason", "cancelled_at")
    ]
    labels = dict(Pause.Reason.choices)
    return sorted(
        (s, e, str(labels.get(reason, reason)).lower())
        for s, e, reason in [*happened, *planned]
    )


def incident_rows(
    dynamic_id: int, w: Window, zone: ZoneInfo, grain: str
) -> list[series.IncidentRow]:
    """Returns incidents counted per bucket, kind and resolution (one query)."""
    start, end = _bounds(w, zone)
    rows = (
        Incident.objects.filter(
            dynamic_id=dynamic_id, occurred_at__gte=start, occurred_at__lt=end
        )
        .annotate(
            bucket=Trunc("occurred_at", grain, output_field=DateField(), tzinfo=zone)
        )
        .values("bucket", "source", "resolution")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        series.IncidentRow(_as_date(r["bucket"]), r["source"], r["resolution"], r["n"])
        for r in rows
    ]


def decision_rows(
    dynamic_id: int, w: Window, zone: ZoneInfo
) -> list[series.DecisionRow]:
    """Returns settled matters counted per local month and outcome (one query)."""
    start, end = _bounds(w, zone)
    rows = (
        Matter.objects.filter(
            dynamic_id=dynamic_id,
            state__in=DECIDED,
            closed_at__gte=start,
            closed_at__lt=end,
        )
        .annotate(month=TruncMonth("closed_at", output_field=DateField(), tzinfo=zone))
        .values("month", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [series.DecisionRow(_as_date(r["month"]), r["state"], r["n"]) for r in rows]


def _signal_words(discreet: bool) -> dict[str, str]:
    words = wording.words_for(discreet)
    return {
        "red": words["red"],
        "yellow": words["yellow"],
        "take_lead": words["take_lead"],
    }


def _signals_summary(
    rows: list[tuple[date, str, int]], names: dict[str, str], span: str = "this range"
) -> str:
    totals: dict[str, int] = {}
    for _day, kind, n in rows:
        totals[kind] = totals.get(kind, 0) + n
    if not totals:
        return f"No signals in {span}."
    parts = [f"{n} × {names.get(k, k).lower()}" for k, n in sorted(totals.items())]
    return "Signals: " + ", ".join(parts) + " — marked ▲ under the time axis."


def _pauses_summary(pauses, now: datetime, start: datetime) -> str:
    if not pauses:
        return "No pauses in this range."
    days = (
        sum(((e or now) - max(s, start)).total_seconds() for s, e, _reason in pauses)
        / 86400
    )
    n, d = len(pauses), round(days)
    return (
        f"{n} pause{'s' if n != 1 else ''} ({d} day{'s' if d != 1 else ''} in all), "
        "shaded: nothing counted against either of you then."
    )


def ranges(current: str) -> list[RangeLink]:
    return [RangeLink(k, v, k == current) for k, v in series.RANGES.items()]


def overview(
    me: Membership, range_key: str, now: datetime, *, discreet: bool
) -> Insights:
    """Returns every chart of the insights page, in nine queries (the partner
    comes with the permission gate)."""
    zone = zone_of(me.user)
    today = now.astimezone(zone).date()
    first = me.dynamic.created_at.astimezone(zone).date()
    w = series.window_for(range_key, today, first)
    people = people_of(me, discreet=discreet)
    ids = [p.user_id for p in people]
    dynamic_id = me.dynamic_id
    start, _end = _bounds(w, zone)

    pauses = pause_rows(dynamic_id, w, zone)
    bs = series.buckets(w.start, w.end, w.grain)
    bands = series.pause_bands(pauses, bs, w.grain, zone, now)
    fine = w.fine_grain
    fine_bs = series.buckets(w.start, w.end, fine)
    fine_bands = series.pause_bands(pauses, fine_bs, fine, zone, now)

    outcomes = day_outcomes(dynamic_id, w, zone)
    seeds = streak_seeds(dynamic_id, ids, w, zone)
    signals = signal_rows(dynamic_id, w, zone)
    names = _signal_words(discreet)
    markers = series.signal_markers(signals, fine_bs, fine, names)
    incidents = incident_rows(dynamic_id, w, zone, w.grain)
    return Insights(
        window=w,
        people=people,
        ranges=ranges(w.key),
        on_time=series.on_time_chart(w, people, outcomes, bands),
        streaks=series.streak_chart(w, people, outcomes, seeds, bands),
        checkins=series.checkin_charts(
            w,
            people,
            checkin_rows(dynamic_id, me.user_id, w, fine),
            fine_bands,
            markers,
        ),  # fmt: skip
        signals_summary=_signals_summary(signals, names),
        incidents=series.incident_chart(w, incidents, bands),
        resolutions=series.resolution_rows(incidents),
        decisions=series.decision_chart(w, decision_rows(dynamic_id, w, zone)),
        pauses_summary=_pauses_summary(pauses, now, start),
    )


@dataclass(frozen=True)
class WeekInsights:
    window: Window
    people: list[Person]
    on_time: Chart
    checkins: list[Chart]
    incidents: Chart
    signals_summary: str


def week(
    me: Membership, week_start: date, now: datetime, *, discreet: bool
) -> WeekInsights:
    """Returns the small charts of one week, day by day, in six queries (the
    weekly review embeds them; the partner comes with the permission gate)."""
    zone = zone_of(me.user)
    w = series.week_window(week_start, now.astimezone(zone).date())
    people = people_of(me, discreet=discreet)
    dynamic_id = me.dynamic_id
    bs = series.buckets(w.start, w.end, series.DAY)
    pauses = pause_rows(dynamic_id, w, zone)
    bands = series.pause_bands(pauses, bs, series.DAY, zone, now)
    signals = signal_rows(dynamic_id, w, zone)
    names = _signal_words(discreet)
    markers = series.signal_markers(signals, bs, series.DAY, names)
    checkins = series.checkin_charts(
        w, people, checkin_rows(dynamic_id, me.user_id, w, series.DAY), bands, markers
    )
    return WeekInsights(
        window=w,
        people=people,
        on_time=series.on_time_chart(
            w, people, day_outcomes(dynamic_id, w, zone), bands, grain=series.DAY
        ),
        # Mood and connection: the two a review talks about first.
        checkins=[
            c for c in checkins if c.slug in ("checkin-mood", "checkin-connection")
        ],
        incidents=series.incident_chart(
            w, incident_rows(dynamic_id, w, zone, series.DAY), bands, grain=series.DAY
        ),
        signals_summary=_signals_summary(signals, names, "this week"),
    )
