"""Duties' periodic work, registered with notify's tick (notify.periodic).

Imported by DutiesConfig.ready(). Each reminder has a dedupe key per
occurrence and stage, so a tick that runs twice, or a scan that sees the same
occurrence each minute, tells nobody anything twice; each scan looks back
``CATCH_UP`` so a worker outage is made up for without replaying old history.
"""

from datetime import datetime, timedelta

from django.db.models import DateTimeField, ExpressionWrapper, F

from accounts.models import User
from duties import services
from duties.models import Duty, Occurrence
from dynamics.models import Dynamic
from dynamics.queries import leaders_of
from notify.events import Tell, notify_many
from notify.models import Preferences
from notify.periodic import CATCH_UP, every_hour, every_minute

# A review still pending after this long has been seen on the review page.
REVIEW_WINDOW = timedelta(days=7)
# Preferences.lead_minutes' default, for people who never saved their settings.
DEFAULT_LEAD = Preferences._meta.get_field("lead_minutes").default


@every_hour
def materialise_occurrences(now: datetime) -> int:
    """Keeps duty occurrences 14 days ahead and records misses (hourly)."""
    return services.materialise(now=now)


@every_hour
def purge_proof_photos(now: datetime) -> int:
    """Deletes duty proof photos past their retention (hourly)."""
    return services.purge_proof_photos(now=now)


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
    leaders = leaders_of({occ.dynamic_id for occ in pending})
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
