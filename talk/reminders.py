"""Talk's periodic work, registered with notify's tick (notify.periodic).

Imported by TalkConfig.ready(). Each reminder has a dedupe key (per matter,
per prompt and day, per dynamic and week), so a tick that runs twice tells
nobody anything twice.
"""

from datetime import datetime

from dynamics.models import Dynamic, Membership, Role
from dynamics.queries import leaders_of
from notify.events import Tell, notify_many
from notify.periodic import every_minute
from talk import queries, snapshot
from talk.models import Matter, WeeklyReview
from talk.services import zone_of


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
    leaders = leaders_of({m.dynamic_id for m in matters})
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
    for due in queries.checkins_due_for_prompt(now):
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
    slots = queries.review_slots({m.dynamic_id for m in memberships}, now)
    members = []
    for membership in memberships:
        day, at = slots[membership.dynamic_id]
        local = now.astimezone(zone_of(membership.user))
        if local.weekday() == day and local.time() >= at:
            week_start = snapshot.period_start(local.date(), day)
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
