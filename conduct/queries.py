"""Reads for the conduct pages, each in a fixed number of SQL queries."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q
from django.http import Http404

from agreements.authority import consequence_menu, local_date
from agreements.models import Consequence
from conduct import care
from conduct.models import Apology, Incident, MakeItRight
from duties.models import Occurrence
from dynamics.models import Dynamic, Membership, Role

RESOLVED_PAGE_SIZE = 20
REVIEW_AFTER = timedelta(days=7)
RATE_DAYS = 30
SLIPS = [
    Incident.Source.LATE,
    Incident.Source.MISSED,
    Incident.Source.BROKEN_RULE,
    Incident.Source.MISSED_PROMISE,
]
ON_THE_CLOCK = [Incident.Source.LATE, Incident.Source.MISSED]


def _raised_for_review(at: datetime) -> Q:
    """Open at ``at`` and either reported 7 or more days before, or with a
    repair task that ran out (raised for talk at once)."""
    open_then = Q(reported_at__lte=at) & (
        Q(resolved_at__isnull=True) | Q(resolved_at__gt=at)
    )
    return open_then & (
        Q(reported_at__lte=at - REVIEW_AFTER) | Q(repair_missed_at__lte=at)
    )


def incidents_for_weekly_review(
    dynamic: Dynamic | int, now: datetime
) -> list[Incident]:
    """Returns the incidents open for 7 days or more (or whose repair task ran
    out), oldest first, in one query.

    Nothing is silently dropped: the weekly review raises each of them.
    """
    return list(
        Incident.objects.filter(_raised_for_review(now), dynamic=dynamic)
        .exclude(state=Incident.State.RESOLVED)
        .order_by("reported_at", "id")
    )


def _incident(incident: Incident) -> dict:
    """Returns what the review shows of an incident: whose, what, how resolved."""
    return {
        "id": incident.pk,
        "source": incident.source,
        "kind": incident.get_source_display(),
        "whose": incident.subject_role,
        "title": incident.title,
        "state": incident.state,
        "resolution": incident.get_resolution_display() if incident.resolution else "",
        "chosen": incident.chosen_name,
        "reported_at": incident.reported_at.isoformat(),
    }


def week_for_review(
    dynamic: Dynamic,
    roles: dict[int, str],
    start: datetime,
    end: datetime,
    now: datetime,
) -> dict:
    """Returns conduct's part of the weekly review's snapshot (talk.snapshot),
    in two queries: the incidents recorded or resolved in [start, end), and
    those raised for talk at ``now`` (open a week or more, or a repair task
    that ran out)."""
    incidents = [
        _incident(i)
        for i in Incident.objects.filter(dynamic=dynamic)
        .filter(
            Q(reported_at__gte=start, reported_at__lt=end)
            | Q(resolved_at__gte=start, resolved_at__lt=end)
        )
        .order_by("occurred_at", "id")
    ]
    raised = [_incident(i) for i in incidents_for_weekly_review(dynamic, now)]
    return {"incidents": incidents, "raised_incidents": raised}


def _members(me: Membership) -> dict[int, Membership]:
    return {m.user_id: m for m in me.couple}


def _label(incidents, members: dict[int, Membership], me: Membership) -> None:
    """Sets ``who`` on each incident: "You", or the partner's name."""
    for incident in incidents:
        if incident.subject_id == me.user_id:
            incident.who = "You"
        elif (m := members.get(incident.subject_id)) is not None:
            incident.who = m.user.display_name
        else:
            incident.who = "A former partner"


@dataclass(frozen=True)
class IncidentList:
    open: list[Incident]
    resolved: Page
    members: dict[int, Membership]
    review_before: datetime


def incident_list(
    me: Membership, page: str | int | None, now: datetime
) -> IncidentList:
    """Returns open incidents (both partners') and a page of resolved ones:
    four queries.
    """
    dynamic = me.dynamic
    incidents = Incident.objects.filter(dynamic=dynamic)
    open_ = list(
        incidents.exclude(state=Incident.State.RESOLVED).order_by("-occurred_at", "-id")
    )
    resolved = Paginator(
        incidents.filter(state=Incident.State.RESOLVED).order_by("-resolved_at", "-id"),
        RESOLVED_PAGE_SIZE,
    ).get_page(page)
    members = _members(me)
    _label([*open_, *resolved.object_list], members, me)
    return IncidentList(
        open=open_,
        resolved=resolved,
        members=members,
        review_before=now - REVIEW_AFTER,
    )


@dataclass(frozen=True)
class IncidentDetail:
    incident: Incident
    me: Membership
    apologies: list[Apology]
    my_apology: Apology | None
    corrections: list[Consequence]
    rewards: list[Consequence]
    make_it_right: list[MakeItRight]
    care_block: care.CareBlock | None
    is_subject: bool
    # What the person looking may do here (for showing the right forms).
    may_reflect: bool = field(default=False)
    may_correct: bool = field(default=False)
    may_reward: bool = field(default=False)
    may_make_right: bool = field(default=False)
    may_forgive: bool = field(default=False)
    may_celebrate: bool = field(default=False)
    may_complete: bool = field(default=False)
    flagged_for_review: bool = field(default=False)
    # The repair task's occurrence on the clock, while there is one to do.
    repair: Occurrence | None = field(default=None)


def incident_detail(
    me: Membership, incident: Incident, now: datetime
) -> IncidentDetail:
    """Returns what the incident page shows, in at most eight queries."""
    dynamic = me.dynamic
    _label([incident], _members(me), me)
    apologies = list(incident.apologies.all())
    is_subject = incident.subject_id == me.user_id
    open_ = incident.state == Incident.State.OPEN
    slip = incident.is_slip
    corrections: list[Consequence] = []
    rewards: list[Consequence] = []
    items: list[MakeItRight] = []
    block = None
    if me.is_leader and open_ and not incident.is_leaders:
        menu = consequence_menu(dynamic.pk, now)
        corrections = [c for c in menu if c.kind == Consequence.Kind.CORRECTION]
        rewards = [c for c in menu if c.kind == Consequence.Kind.REWARD]
        if slip:  # the follower's slip: the limits of care speak for them
            facts = care.facts_of(dynamic, incident.subject_id, now)
            block = care.care_block(facts, now)
    if me.is_leader and open_ and slip and incident.is_leaders and is_subject:
        items = [
            i
            for i in MakeItRight.objects.filter(dynamic=dynamic, withdrawn_at=None)
            if i.is_agreed
        ]
    doer = (
        incident.resolved_by_id
        if incident.resolution == Incident.Resolution.REWARD
        else incident.subject_id
    )
    repair = None
    if incident.in_repair and incident.duty_id is not None:
        repair = (
            Occurrence.objects.filter(duty_id=incident.duty_id)
            .order_by("-due_at")
            .first()
        )
    return IncidentDetail(
        incident=incident,
        me=me,
        apologies=apologies,
        my_apology=next((a for a in apologies if a.author_role == me.role), None),
        corrections=corrections,
        rewards=rewards,
        make_it_right=items,
        care_block=block,
        is_subject=is_subject,
        may_reflect=slip and is_subject,
        may_correct=slip and open_ and me.is_leader and not incident.is_leaders,
        may_reward=incident.is_praise
        and open_
        and me.is_leader
        and not incident.is_leaders,
        may_make_right=slip and open_ and is_subject and me.is_leader,
        may_forgive=slip and incident.is_open and not is_subject,
        may_celebrate=incident.is_praise and open_,
        may_complete=incident.in_repair and doer == me.user_id,
        flagged_for_review=incident.is_open
        and (incident.reported_at <= now - REVIEW_AFTER or incident.repair_missed),
        repair=repair,
    )


@dataclass(frozen=True)
class PersonRecord:
    membership: Membership
    open: int
    slips_30: int
    self_reported_30: int
    days_without_missed: int
    days_without_slip: int
    on_time_days: int
    counted_days: int

    @property
    def on_time_rate(self) -> int | None:
        """Per cent of the counted days without a late or missed duty."""
        if not self.counted_days:
            return None
        return round(100 * self.on_time_days / self.counted_days)


@dataclass(frozen=True)
class Ledger:
    open: list[Incident]
    for_review: list[Incident]
    resolved: int
    rewards: int
    forgiven: int
    consequences: int
    made_right: int
    people: list[PersonRecord]
    members: dict[int, Membership]


def _days_between(earlier: date, later: date) -> int:
    return max(0, (later - earlier).days)


def ledger(me: Membership, now: datetime) -> Ledger:
    """Returns the dynamic's ledger and streaks, in five queries.

    Streaks and the on-time rate come from incident data (days with a late
    or missed duty) until the duties app counts every occurrence due.
    """
    dynamic = me.dynamic
    members = _members(me)
    incidents = Incident.objects.filter(dynamic=dynamic)
    open_ = list(
        incidents.exclude(state=Incident.State.RESOLVED).order_by("-occurred_at", "-id")
    )
    R = Incident.Resolution
    totals = incidents.aggregate(
        resolved=Count("id", filter=Q(state=Incident.State.RESOLVED)),
        rewards=Count("id", filter=Q(resolution=R.REWARD)),
        forgiven=Count("id", filter=Q(resolution=R.FORGIVEN)),
        consequences=Count("id", filter=Q(resolution=R.CONSEQUENCE)),
        made_right=Count("id", filter=Q(resolution=R.MADE_RIGHT)),
    )
    last = {
        row["subject_id"]: row
        for row in incidents.filter(source__in=SLIPS)
        .values("subject_id")
        .annotate(
            last_missed=Max("occurred_at", filter=Q(source=Incident.Source.MISSED)),
            last_slip=Max("occurred_at"),
        )
    }
    since = now - timedelta(days=RATE_DAYS)
    recent = list(
        incidents.filter(source__in=SLIPS, occurred_at__gt=since).values_list(
            "subject_id", "source", "occurred_at", "self_reported"
        )
    )
    people = []
    for m in members.values():
        tz = m.user.time_zone
        today = local_date(now, tz)
        joined = local_date(m.joined_at, tz)
        row = last.get(m.user_id, {})
        mine = [r for r in recent if r[0] == m.user_id]
        late_days = {local_date(r[2], tz) for r in mine if r[1] in ON_THE_CLOCK}
        counted = min(RATE_DAYS, _days_between(joined, today) + 1)
        first_counted = today - timedelta(days=counted - 1)
        late_days = {d for d in late_days if first_counted <= d <= today}
        people.append(
            PersonRecord(
                membership=m,
                open=sum(1 for i in open_ if i.subject_id == m.user_id and i.is_slip),
                slips_30=len(mine),
                self_reported_30=sum(1 for r in mine if r[3]),
                days_without_missed=_days_between(
                    local_date(row["last_missed"], tz)
                    if row.get("last_missed")
                    else joined,
                    today,
                ),
                days_without_slip=_days_between(
                    local_date(row["last_slip"], tz)
                    if row.get("last_slip")
                    else joined,
                    today,
                ),
                on_time_days=counted - len(late_days),
                counted_days=counted,
            )
        )
    people.sort(key=lambda p: p.membership.role != Role.FOLLOWER)
    _label(open_, members, me)
    return Ledger(
        open=open_,
        for_review=[
            i for i in open_ if i.reported_at <= now - REVIEW_AFTER or i.repair_missed
        ],
        people=people,
        members=members,
        **totals,
    )


def make_it_right_items(dynamic: Dynamic | int) -> list[MakeItRight]:
    """Returns the items not withdrawn: agreed ones and proposals, in one query."""
    return list(MakeItRight.objects.filter(dynamic=dynamic, withdrawn_at=None))


def incident_of(me: Membership, incident_id: int) -> Incident:
    """Returns one incident of the member's dynamic (one query); 404 for one
    of another dynamic, which the member may not know exists."""
    incident = Incident.objects.filter(dynamic_id=me.dynamic_id, pk=incident_id).first()
    if incident is None:
        raise Http404
    return incident
