"""The periodic work of the other apps, run by notify's tick.

Duties, talk and agreements expose queries; the jobs here read them every
minute (or hour) and call ``notify`` with a dedupe key per event, so a tick
that runs twice, or a scan that sees the same occurrence each minute, tells
nobody anything twice. Each scan looks back a bounded window (``CATCH_UP``)
so a worker outage is made up for without replaying old history.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField, ExpressionWrapper, F

from accounts.models import User
from agreements import queries as agreement_queries
from duties import services as duty_services
from duties.models import Duty, Occurrence
from dynamics.models import Dynamic, Membership, Role
from notify.events import Tell, notify_many
from notify.models import Preferences
from notify.periodic import every_hour, every_minute
from talk import queries as talk_queries
from talk import snapshot as talk_snapshot
from talk.models import Matter, WeeklyReview

# How far back a scan looks for something it should have announced: a worker
# down for longer misses the stale reminders rather than sending them late.
CATCH_UP = timedelta(hours=6)
# A review still pending after this long has been seen on the review page.
REVIEW_WINDOW = timedelta(days=7)
# Preferences.lead_minutes' default, for people who never saved their settings.
DEFAULT_LEAD = Preferences._meta.get_field("lead_minutes").default


@every_hour
def materialise_occurrences(now: datetime) -> int:
    """Keeps duty occurrences 14 days ahead and records misses (hourly)."""
    return duty_services.materialise(now=now)


@every_hour
def purge_proof_photos(now: datetime) -> int:
    """Deletes duty proof photos past their retention (hourly)."""
    return duty_services.purge_proof_photos(now=now)


# Duties -----------------------------------------------------------------------


def _leaders(dynamic_ids: set[int]) -> dict[int, list[User]]:
    """Returns the leader(s) of each dynamic, in one query."""
    found: dict[int, list[User]] = {}
    for membership in Membership.objects.filter(
        dynamic_id__in=dynamic_ids, role=Role.LEADER
    ).select_related("user"):
        found.setdefault(membership.dynamic_id, []).append(membership.user)
    return found


def _live_occurrences():
    """Occurrences someone still has to do, of active duties in active dynamics.

    A paused dynamic asks nothing of anyone, so it is reminded of nothing.
    """
    return Occurrence.objects.filter(
        done_at__isnull=True,
        duty__state=Duty.State.ACTIVE,
        dynamic__state=Dynamic.State.ACTIVE,
    ).select_related("duty", "assignee")


def _duty_context(occurrence: Occurrence) -> dict:
    return {
        "title": occurrence.duty.title,
        "due_at": occurrence.due_at.isoformat(),
        "path": f"/d/{occurrence.dynamic_id}/today/",
    }


@every_minute
def remind_duties(now: datetime) -> int:
    """Opening, due soon and late to the assignee; review needed to the leader.

    Keyed by occurrence and stage (and, for a review, by when it was marked:
    a returned occurrence marked again is a new review), so each is told once.
    Five queries whatever the number of occurrences.
    """
    tells: list[Tell] = []
    live = _live_occurrences().filter(outcome=Occurrence.Outcome.OPEN)
    leads = dict(Preferences.objects.values_list("user_id", "lead_minutes"))
    # Opening: the window opened since the last scans and the time is not up.
    # A window that opens inside the person's lead time is one fact, not two:
    # "due soon" tells it (once), and no separate "now open" goes out beside
    # it in the same minute.
    for occ in live.filter(
        opens_at__gt=now - CATCH_UP, opens_at__lte=now, due_at__gt=now
    ).filter(opens_at__lt=F("due_at")):
        lead = timedelta(minutes=leads.get(occ.assignee_id, DEFAULT_LEAD))
        if not lead or occ.opens_at < occ.due_at - lead:
            tells.append(_reminder(occ.assignee, "opening", occ, "opening"))
    # Due soon: within the person's own lead time (Preferences.lead_minutes).
    longest = max([DEFAULT_LEAD, *leads.values()])
    for occ in live.filter(
        due_at__gt=now, due_at__lte=now + timedelta(minutes=longest)
    ):
        lead = timedelta(minutes=leads.get(occ.assignee_id, DEFAULT_LEAD))
        if lead and occ.due_at - lead <= now:
            tells.append(_reminder(occ.assignee, "due_soon", occ, "due_soon"))
    # Late: the grace has run out, not done (settled as missed counts too).
    late_at = ExpressionWrapper(F("due_at") + F("grace"), output_field=DateTimeField())
    for occ in (
        _live_occurrences()
        .filter(
            outcome__in=[Occurrence.Outcome.OPEN, Occurrence.Outcome.MISSED],
        )
        .annotate(late_at=late_at)
        .filter(late_at__gt=now - CATCH_UP, late_at__lte=now)
    ):
        tells.append(_reminder(occ.assignee, "late", occ, "late"))
    # Review needed: marked done, waiting for the leader.
    pending = list(
        Occurrence.objects.filter(
            review=Occurrence.Review.PENDING,
            marked_at__gt=now - REVIEW_WINDOW,
            dynamic__state__in=[Dynamic.State.ACTIVE, Dynamic.State.PAUSED],
        ).select_related("duty")
    )
    leaders = _leaders({occ.dynamic_id for occ in pending})
    for occ in pending:
        stage = f"review:{occ.marked_at.isoformat()}"
        for leader in leaders.get(occ.dynamic_id, []):
            tells.append(_reminder(leader, "review_needed", occ, stage, review=True))
    return notify_many(tells, now=now)


def _reminder(
    person: User,
    kind: str,
    occurrence: Occurrence,
    stage: str,
    *,
    review: bool = False,
) -> Tell:
    context = _duty_context(occurrence)
    if review:
        context = {
            "title": occurrence.duty.title,
            "path": f"/d/{occurrence.dynamic_id}/review/",
        }
    return Tell(person, kind, f"occurrence:{occurrence.pk}:{stage}", context)


# Talk and agreements -------------------------------------------------------------


def _zone(person: User) -> ZoneInfo:
    try:
        return ZoneInfo(person.time_zone)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


@every_minute
def remind_matters(now: datetime) -> int:
    """Tells the leader once about each open matter that waits for their decision.

    A matter the leader opened themselves is already known to them.
    """
    tells: list[Tell] = []
    matters = list(
        Matter.objects.filter(
            state=Matter.State.OPEN,
            answered_by=Matter.Answerer.LEADER,
            dynamic__state=Dynamic.State.ACTIVE,
        )
    )
    leaders = _leaders({m.dynamic_id for m in matters})
    for matter in matters:
        for leader in leaders.get(matter.dynamic_id, []):
            if leader.pk == matter.opened_by_id:
                continue
            tells.append(
                Tell(
                    leader,
                    "matter_awaiting",
                    f"matter:{matter.pk}:awaiting",
                    {
                        "title": matter.title,
                        "path": f"/d/{matter.dynamic_id}/matters/{matter.pk}/",
                    },
                )
            )
    return notify_many(tells, now=now)


@every_minute
def remind_checkins(now: datetime) -> int:
    """The check-in prompt at the person's chosen time, once per prompt and day."""
    tells: list[Tell] = []
    for due in talk_queries.checkins_due_for_prompt(now):
        prompt = due.prompt
        tells.append(
            Tell(
                prompt.user,
                "checkin_prompt",
                f"checkin:{prompt.pk}:{due.day.isoformat()}",
                {"path": f"/d/{prompt.dynamic_id}/check-in/"},
            )
        )
    return notify_many(tells, now=now)


@every_minute
def remind_weekly_review(now: datetime) -> int:
    """On the review day and from the time the agreement in force names
    (Sunday 18:00 without one), in each partner's own time zone, each partner
    who has not held that week's review yet is reminded, once per dynamic and
    week. Three queries."""
    memberships = list(
        Membership.objects.filter(dynamic__state=Dynamic.State.ACTIVE).select_related(
            "user"
        )
    )
    slots = talk_queries.review_slots({m.dynamic_id for m in memberships}, now)
    members = []
    for membership in memberships:
        day, at = slots[membership.dynamic_id]
        local = now.astimezone(_zone(membership.user))
        if local.weekday() == day and local.time() >= at:
            week_start = talk_snapshot.period_start(local.date(), day)
            members.append((membership, week_start))
    if not members:
        return 0
    held = {
        (r.dynamic_id, r.week_start): r
        for r in WeeklyReview.objects.filter(
            dynamic_id__in={m.dynamic_id for m, _w in members},
            week_start__in={w for _m, w in members},
        )
    }
    tells: list[Tell] = []
    for membership, week_start in members:
        review = held.get((membership.dynamic_id, week_start))
        if review is not None:
            held_at = (
                review.held_by_leader_at
                if membership.role == Role.LEADER
                else review.held_by_follower_at
            )
            if held_at is not None:
                continue
        tells.append(
            Tell(
                membership.user,
                "weekly_review",
                f"weekly_review:{membership.dynamic_id}:{week_start.isoformat()}",
                {"path": f"/d/{membership.dynamic_id}/reviews/"},
            )
        )
    return notify_many(tells, now=now)


@every_minute
def remind_agreement_reviews(now: datetime) -> int:
    """Both partners hear 14 and 3 days before the agreement's review date."""
    due = agreement_queries.reviews_due_for_reminder(now)
    members: dict[int, list[User]] = {}
    for membership in Membership.objects.filter(
        dynamic_id__in={v.dynamic_id for v, _d in due}
    ).select_related("user"):
        members.setdefault(membership.dynamic_id, []).append(membership.user)
    tells: list[Tell] = []
    for version, days in due:
        # Noon UTC names the same calendar day in every time zone people live in.
        review_at = datetime.combine(version.review_on, time(12, 0), tzinfo=UTC)
        for person in members.get(version.dynamic_id, []):
            tells.append(
                Tell(
                    person,
                    "agreement_review",
                    f"agreement:{version.pk}:review:{days}",
                    {
                        "review_at": review_at.isoformat(),
                        "path": f"/d/{version.dynamic_id}/",
                    },
                )
            )
    return notify_many(tells, now=now)


@every_hour
def tell_follower_leader_absent(now: datetime) -> int:
    """The follower hears once per absence that authority lapsed (hourly: the
    check loads each dynamic's facts)."""
    absent = agreement_queries.leaders_absent(now)
    followers: dict[int, list[User]] = {}
    for membership in Membership.objects.filter(
        dynamic_id__in={d.pk for d, _s in absent}, role=Role.FOLLOWER
    ).select_related("user"):
        followers.setdefault(membership.dynamic_id, []).append(membership.user)
    tells: list[Tell] = []
    for dynamic, seen_on in absent:
        seen_at = datetime.combine(seen_on, time(12, 0), tzinfo=UTC)
        for person in followers.get(dynamic.pk, []):
            tells.append(
                Tell(
                    person,
                    "leader_absent",
                    f"leader_absent:{dynamic.pk}:{seen_on.isoformat()}",
                    {"seen_at": seen_at.isoformat(), "path": f"/d/{dynamic.pk}/"},
                )
            )
    return notify_many(tells, now=now)
