"""Talk's part of Now (``dynamics.now``): the partner's latest shared check-in,
matters to decide or reply to, requests to answer, a weekly review to hold,
and what the partner decided lately. Three queries (two without a partner),
however long the history.

The partner's check-in goes through ``SharedCheckIn``: a private answer never
leaves this module.
"""

from datetime import datetime, timedelta

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse

from dynamics.models import Membership
from dynamics.now import Part, PartnerCheckIn, Waiting
from talk.models import Matter, MatterComment, WeeklyReview
from talk.queries import latest_shared_checkin
from talk.services import local_day

# A review older than this is history, not something still to hold.
REVIEW_STILL_OPEN = timedelta(days=14)
# How long a matter the partner settled shows under "Lately" on Now.
DECIDED_LATELY = timedelta(days=3)
SETTLED = [Matter.State.DECIDED, Matter.State.ACCEPTED, Matter.State.DECLINED]


def part(me: Membership, now: datetime) -> Part:
    d = me.dynamic_id
    result = Part()
    partner = me.partner
    if partner is not None:
        shared = latest_shared_checkin(d, partner.user_id)
        if shared is not None:
            result.partner_checkin = PartnerCheckIn(
                day=shared.day,
                updated_at=shared.updated_at,
                today=shared.day == local_day(partner.user, now),
                scales=shared.scales,
                needs=shared.needs,
                wants=shared.wants,
                note=shared.note,
            )
    last = MatterComment.objects.filter(matter=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    # Open matters, and those the partner settled lately (news for this one).
    matters = (
        Matter.objects.filter(dynamic_id=d)
        .filter(
            Q(state=Matter.State.OPEN)
            | Q(closed_at__gte=now - DECIDED_LATELY)
            & ~Q(closed_by_id=me.user_id)
            & Q(state__in=SETTLED)
        )
        .annotate(
            last_author=Subquery(last.values("author_id")[:1]),
            last_at=Subquery(last.values("created_at")[:1]),
        )
        .order_by("opened_at")
    )
    for matter in matters:
        url = reverse("talk:matter_detail", args=[d, matter.pk])
        if not matter.is_open:
            verb = "Decided" if matter.state == Matter.State.DECIDED else "Answered"
            result.lately.append(
                Waiting("decided", f"{verb}: {matter.title}", url, matter.closed_at)
            )
            continue
        last_author = matter.last_author or matter.opened_by_id
        at = matter.last_at or matter.opened_at
        if matter.answered_by == Matter.Answerer.FOLLOWER and me.is_follower:
            result.waiting.append(
                Waiting("request", f"A request to answer: {matter.title}", url, at)
            )
        elif matter.answered_by == Matter.Answerer.LEADER and me.is_leader:
            result.waiting.append(
                Waiting("decide", f"A matter to decide: {matter.title}", url, at)
            )
        elif last_author is not None and last_author != me.user_id:
            result.waiting.append(
                Waiting("reply", f"Your partner wrote in: {matter.title}", url, at)
            )
    held = "held_by_leader_at" if me.is_leader else "held_by_follower_at"
    review = (
        WeeklyReview.objects.filter(
            dynamic_id=d,
            week_start__gte=local_day(me.user, now) - REVIEW_STILL_OPEN,
            **{f"{held}__isnull": True},
        )
        .order_by("-week_start")
        .first()
    )
    if review is not None:
        result.waiting.append(
            Waiting(
                "review",
                "The weekly review to hold",
                reverse("talk:review_detail", args=[d, review.pk]),
                review.started_at,
            )
        )
    return result
