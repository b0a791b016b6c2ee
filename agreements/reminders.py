"""Agreements' periodic work, registered with notify's tick (notify.periodic).

Imported by AgreementsConfig.ready(). Each reminder has a dedupe key (per
version and days left, per absence), so a tick that runs twice tells nobody
anything twice.
"""

from datetime import UTC, datetime, time

from accounts.models import User
from agreements import queries
from dynamics.models import Membership, Role
from notify.events import Tell, notify_many
from notify.periodic import every_hour, every_minute


@every_minute
def remind_agreement_reviews(now: datetime) -> int:
    """Both partners hear 14 and 3 days before the agreement's review date."""
    due = queries.reviews_due_for_reminder(now)
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
    absent = queries.leaders_absent(now)
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
