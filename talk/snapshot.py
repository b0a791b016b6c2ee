"""The snapshot of a week for the weekly review, in a fixed number of queries.

Only what both partners may see goes in: averages of SHARED check-in answers,
duties done, late and missed per person (the outcomes the duties clock
recorded, added by duties), incidents of the week and how they were resolved
and the incidents open for a week or more (added by conduct), and the ids of
journal
entries that were shared that week (their titles are read live through
``visible_to``, so an entry made private again disappears). People appear by
role, never by name.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, Q

from dynamics.models import Dynamic, Membership
from instep.hooks import Hook
from talk.models import SCALE_FIELDS, CheckIn, JournalEntry, Matter

# The parts of the week that apps above talk add to the snapshot, each
# ``(dynamic, roles, start, end, now) -> dict`` merged into it (``roles`` maps
# user id to role). duties adds "duties"; conduct adds "incidents" and
# "raised_incidents". They register in their AppConfig.ready().
week_parts = Hook("talk.week_parts")


# A review opened this many days after its review day still reviews that week
# (held late), unless both have held it already.
LATE_DAYS = 2


def period_start(today: date, review_day: int) -> date:
    """Returns the first day of the review week that ends on the next review
    day (``review_day`` 0 Monday .. 6 Sunday), today included.

    With the default Sunday, that is the Monday of this week.
    """
    end = today + timedelta(days=(review_day - today.weekday()) % 7)
    return end - timedelta(days=6)


def late_period_start(today: date, review_day: int) -> date | None:
    """Returns the first day of the week whose review day was one to
    ``LATE_DAYS`` days ago, or None when today is not that close after one."""
    since = (today.weekday() - review_day) % 7
    if 1 <= since <= LATE_DAYS:
        return today - timedelta(days=since + 6)
    return None


def bounds(week_start: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Returns the week's start and end as aware datetimes (local midnights)."""
    start = datetime.combine(week_start, time(0), tzinfo=zone)
    end = datetime.combine(week_start + timedelta(days=7), time(0), tzinfo=zone)
    return start, end


def week(dynamic: Dynamic, week_start: date, zone: ZoneInfo, *, now: datetime) -> dict:
    """Returns a JSON-ready picture of the week that began on ``week_start``.

    Nine queries with the parts duties and conduct add, however long the
    history.
    """
    start, end = bounds(week_start, zone)
    roles = dict(
        Membership.objects.filter(dynamic=dynamic).values_list("user_id", "role")
    )
    averages = {
        f"{name}": Avg(name, filter=Q(**{f"{name}_shared": True}))
        for name in SCALE_FIELDS
    }
    shared_any = Q(mood_shared=True) | Q(energy_shared=True) | Q(stress_shared=True)
    shared_any |= Q(connection_shared=True) | Q(needs_shared=True)
    shared_any |= Q(wants_shared=True) | Q(note_shared=True)
    checkins = {
        row["user_id"]: row
        for row in CheckIn.objects.filter(
            shared_any,
            dynamic=dynamic,
            day__gte=week_start,
            day__lt=week_start + timedelta(days=7),
        )
        .values("user_id")
        .annotate(days=Count("id"), **averages)
    }
    per_role = {}
    for user_id, role in roles.items():
        row = checkins.get(user_id, {})
        per_role[role] = {
            "days": row.get("days", 0),
            **{
                name: round(row[name], 1) if row.get(name) is not None else None
                for name in SCALE_FIELDS
            },
        }
    signals = dict(
        dynamic.signals.filter(sent_at__gte=start, sent_at__lt=end)
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    pauses = [
        {
            "reason": reason,
            "started_at": started.isoformat(),
            "ended_at": ended.isoformat() if ended else None,
        }
        for reason, started, ended in dynamic.pauses.filter(
            Q(ended_at__isnull=True) | Q(ended_at__gte=start), started_at__lt=end
        )
        .order_by("started_at")
        .values_list("reason", "started_at", "ended_at")
    ]
    matters = list(
        dynamic.matters.filter(
            Q(state=Matter.State.OPEN) | Q(closed_at__gte=start, closed_at__lt=end)
        )
        .order_by("-closed_at", "-opened_at")
        .values("id", "title", "state", "closed_at")
    )
    decided = [
        {"id": m["id"], "title": m["title"], "state": m["state"]}
        for m in matters
        if m["state"] != Matter.State.OPEN and m["state"] != Matter.State.WITHDRAWN
    ]
    still_open = [
        {"id": m["id"], "title": m["title"]}
        for m in matters
        if m["state"] == Matter.State.OPEN
    ]
    shared_entries = list(
        JournalEntry.objects.filter(
            dynamic=dynamic,
            visibility=JournalEntry.Visibility.SHARED,
            shared_at__gte=start,
            shared_at__lt=end,
        ).values_list("id", flat=True)
    )
    picture = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "taken_at": now.isoformat(),
        "checkins": per_role,
        "signals": signals,
        "pauses": pauses,
        "decisions": decided,
        "open_matters": still_open,
        "shared_entries": shared_entries,
    }
    for part in week_parts(dynamic, roles, start, end, now):
        picture |= part
    return picture
