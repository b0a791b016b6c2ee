"""The periodic work of the other apps, run by notify's tick.

Duties, talk and agreements expose queries; the jobs here read them every
minute (or hour) and call ``notify`` with a dedupe key per event, so a tick
that runs twice, or a scan that sees the same occurrence each minute, tells
nobody anything twice. Each scan looks back a bounded window (``CATCH_UP``)
so a worker outage is made up for without replaying old history.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F

from accounts.models import User
from duties import services as duty_services
from duties.models import Duty, Occurrence
from dynamics.models import Dynamic, Membership, Role
from notify.events import notify
from notify.models import Preferences
from notify.periodic import every_hour, every_minute

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
    sent = 0
    live = _live_occurrences().filter(outcome=Occurrence.Outcome.OPEN)
    # Opening: the window opened since the last scans and the time is not up.
    for occ in live.filter(
        opens_at__gt=now - CATCH_UP, opens_at__lte=now, due_at__gt=now
    ).filter(opens_at__lt=F("due_at")):
        sent += _send(occ.assignee, "opening", occ, "opening", now)
    # Due soon: within the person's own lead time (Preferences.lead_minutes).
    leads = dict(Preferences.objects.values_list("user_id", "lead_minutes"))
    longest = max([DEFAULT_LEAD, *leads.values()])
    for occ in live.filter(
        due_at__gt=now, due_at__lte=now + timedelta(minutes=longest)
    ):
        lead = timedelta(minutes=leads.get(occ.assignee_id, DEFAULT_LEAD))
        if lead and occ.due_at - lead <= now:
            sent += _send(occ.assignee, "due_soon", occ, "due_soon", now)
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
        sent += _send(occ.assignee, "late", occ, "late", now)
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
            sent += _send(leader, "review_needed", occ, stage, now, review=True)
    return sent


def _send(
    person: User,
    kind: str,
    occurrence: Occurrence,
    stage: str,
    now: datetime,
    *,
    review: bool = False,
) -> int:
    context = _duty_context(occurrence)
    if review:
        context = {
            "title": occurrence.duty.title,
            "path": f"/d/{occurrence.dynamic_id}/review/",
        }
    with transaction.atomic():
        made = notify(
            person,
            kind,
            context,
            dedupe_key=f"occurrence:{occurrence.pk}:{stage}",
            now=now,
        )
    return 1 if made else 0
