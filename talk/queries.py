"""Reads for the talk pages, each in a fixed number of SQL queries.

What the partner sees of a check-in is a ``SharedCheckIn``: it carries only
the answers its author shared, so a template can never show a private one.
Journal entries are always read through ``JournalEntry.objects.visible_to``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.models import DEFAULT_REVIEW_TIME, AgreementVersion, Weekday
from dynamics.models import Dynamic, Membership, Pause, Role
from talk import deadline as clock
from talk.models import (
    ANSWER_FIELDS,
    CheckIn,
    CheckInPrompt,
    JournalComment,
    JournalEntry,
    Matter,
    MatterComment,
    ReviewNote,
    WeeklyReview,
)
from talk.services import DEFAULT_REVIEW_DAY, local_day, zone_of

HISTORY_DAYS = 14
LOG_PAGE_SIZE = 20
JOURNAL_PAGE_SIZE = 20


def _shares_anything() -> Q:
    q = Q()
    for name in ANSWER_FIELDS:
        q |= Q(**{f"{name}_shared": True})
    return q


# ---------------------------------------------------------------- check-ins


@dataclass(frozen=True)
class SharedCheckIn:
    """A check-in as the partner sees it: private answers are simply absent."""

    day: date
    updated_at: datetime
    after_red: bool
    mood: int | None = None
    energy: int | None = None
    stress: int | None = None
    connection: int | None = None
    needs: str = ""
    wants: str = ""
    note: str = ""

    @classmethod
    def of(cls, checkin: CheckIn) -> "SharedCheckIn":
        return cls(
            day=checkin.day,
            updated_at=checkin.shared_updated_at,
            after_red=checkin.after_red_id is not None,
            **checkin.shared_answers,
        )

    @property
    def scales(self) -> list[tuple[str, int]]:
        labels = (
            ("Mood", self.mood),
            ("Energy", self.energy),
            ("Stress", self.stress),
            ("Connection", self.connection),
        )
        return [(label, value) for label, value in labels if value is not None]


def latest_shared_checkin(
    dynamic: Dynamic | int, user: User | int
) -> SharedCheckIn | None:
    """Returns ``user``'s latest check-in with anything shared, shared parts only.

    One query. The leader sees the follower's this way where they assign or
    review work (e.g. "energy 1/5 today").
    """
    checkin = (
        CheckIn.objects.filter(_shares_anything(), dynamic=dynamic, user=user)
        .order_by("-day")
        .first()
    )
    return SharedCheckIn.of(checkin) if checkin else None


@dataclass(frozen=True)
class DayMark:
    day: date
    checked_in: bool


@dataclass(frozen=True)
class CheckInPage:
    today: date
    mine: CheckIn | None
    partner: Membership | None
    partner_latest: SharedCheckIn | None
    days: list[DayMark]
    missed: int
    prompt: CheckInPrompt | None
    red: Pause | None
    my_aftercare_done: bool


def checkin_page(me: Membership, now: datetime) -> CheckInPage:
    """Returns what the check-in page shows, in four queries; the partner comes
    with the permission gate."""
    dynamic = me.dynamic
    today = local_day(me.user, now)
    since = today - timedelta(days=HISTORY_DAYS - 1)
    partner = me.partner
    mine_recent = {
        c.day: c
        for c in CheckIn.objects.filter(
            dynamic=dynamic, user_id=me.user_id, day__gte=since
        )
    }
    # Only the days since joining count: before that there was nothing to miss.
    joined = me.joined_at.astimezone(zone_of(me.user)).date()
    days = [
        DayMark(day, day in mine_recent)
        for day in (since + timedelta(days=n) for n in range(HISTORY_DAYS))
        if day >= joined
    ]
    red = (
        dynamic.pauses.filter(ended_at__isnull=True, reason=Pause.Reason.RED)
        .prefetch_related("aftercare")
        .first()
    )
    return CheckInPage(
        today=today,
        mine=mine_recent.get(today),
        partner=partner,
        partner_latest=latest_shared_checkin(dynamic, partner.user_id)
        if partner
        else None,
        days=days,
        missed=sum(1 for d in days if not d.checked_in and d.day != today),
        prompt=CheckInPrompt.objects.filter(
            dynamic=dynamic, user_id=me.user_id
        ).first(),
        red=red,
        my_aftercare_done=bool(red)
        and any(a.user_id == me.user_id for a in red.aftercare.all()),
    )


@dataclass(frozen=True)
class DuePrompt:
    """A person whose check-in prompt time has come today and who has not checked in."""

    prompt: CheckInPrompt
    day: date  # their local date: with the prompt id, a key that never repeats


def checkins_due_for_prompt(now: datetime) -> list[DuePrompt]:
    """Returns the check-in prompts to deliver at ``now``, in two queries.

    A prompt is due once its wall-clock time has passed today in the person's
    time zone and they have not checked in today; ended or forming dynamics
    are left out. The notify app delivers these, keyed by (prompt, day).
    """
    prompts = list(
        CheckInPrompt.objects.filter(
            enabled=True,
            dynamic__state__in=[Dynamic.State.ACTIVE, Dynamic.State.PAUSED],
        ).select_related("user", "dynamic")
    )
    candidates = []
    for prompt in prompts:
        local = now.astimezone(zone_of(prompt.user))
        if local.time() >= prompt.prompt_at:
            candidates.append(DuePrompt(prompt=prompt, day=local.date()))
    if not candidates:
        return []
    done = set(
        CheckIn.objects.filter(
            day__in={c.day for c in candidates},
            user_id__in={c.prompt.user_id for c in candidates},
        ).values_list("dynamic_id", "user_id", "day")
    )
    return [
        c
        for c in candidates
        if (c.prompt.dynamic_id, c.prompt.user_id, c.day) not in done
    ]


# ---------------------------------------------------------------- matters


def pause_intervals(dynamic: Dynamic) -> list[clock.Interval]:
    """Returns the dynamic's pauses as clock intervals (one query)."""
    return [
        clock.Interval(start, end)
        for start, end in dynamic.pauses.order_by("started_at").values_list(
            "started_at", "ended_at"
        )
    ]


@dataclass(frozen=True)
class MatterRow:
    matter: Matter
    replies: int
    deadline: clock.Deadline


def _rows(matters: QuerySet, pauses: list[clock.Interval], now: datetime) -> list:
    return [
        MatterRow(
            matter=m,
            replies=m.replies,
            deadline=clock.deadline(m.opened_at, m.decide_by, m.closed_at, pauses, now),
        )
        for m in matters
    ]


def open_matters(dynamic: Dynamic, now: datetime) -> list[MatterRow]:
    """Returns the open matters with their clocks, in two queries."""
    pauses = pause_intervals(dynamic)
    matters = (
        dynamic.matters.filter(state=Matter.State.OPEN)
        .select_related("opened_by")
        .annotate(replies=Count("comments"))
        .order_by("-opened_at")
    )
    return _rows(matters, pauses, now)


@dataclass(frozen=True)
class MatterDetail:
    matter: Matter
    comments: list[MatterComment]
    deadline: clock.Deadline


def matter_detail(dynamic: Dynamic, matter_id: int, now: datetime) -> MatterDetail:
    """Returns a matter and its whole discussion, in three queries."""
    matter = (
        dynamic.matters.select_related("opened_by", "closed_by")
        .filter(pk=matter_id)
        .first()
    )
    if matter is None:
        raise Http404
    comments = list(matter.comments.select_related("author").order_by("created_at"))
    pauses = pause_intervals(dynamic) if matter.decide_by else []
    return MatterDetail(
        matter=matter,
        comments=comments,
        deadline=clock.deadline(
            matter.opened_at, matter.decide_by, matter.closed_at, pauses, now
        ),
    )


def decisions_log(dynamic: Dynamic, number: str | int | None) -> Page:
    """Returns one page of settled matters, newest first.

    Searching them (with the discussions behind them) is ``talk.search``.
    Two queries (count, page, nothing per row).
    """
    settled = dynamic.matters.filter(
        state__in=[Matter.State.DECIDED, Matter.State.ACCEPTED, Matter.State.DECLINED]
    )
    settled = (
        settled.select_related("closed_by")
        .annotate(replies=Count("comments"))
        .order_by("-closed_at", "-id")
    )
    return Paginator(settled, LOG_PAGE_SIZE).get_page(number)


# ---------------------------------------------------------------- journal


@dataclass(frozen=True)
class JournalPage:
    mine: Page
    partner_shared: list[JournalEntry]
    partner_shared_count: int


def journal_page(me: Membership, number: str | int | None) -> JournalPage:
    """Returns the person's own entries and the partner's SHARED ones.

    The partner's private entries are never read, not even to count them.
    Four queries. Searching entries is ``talk.search``.
    """
    dynamic = me.dynamic
    visible = JournalEntry.objects.visible_to(me.user).filter(dynamic=dynamic)
    mine = (
        visible.filter(author_id=me.user_id)
        .annotate(replies=Count("comments"))
        .order_by("-created_at", "-id")
    )
    theirs = (
        visible.exclude(author_id=me.user_id)
        .filter(visibility=JournalEntry.Visibility.SHARED)
        .select_related("author")
        .annotate(replies=Count("comments"))
        .order_by("-shared_at", "-id")
    )
    partner_shared = list(theirs[:JOURNAL_PAGE_SIZE])
    count = len(partner_shared)
    if count == JOURNAL_PAGE_SIZE:
        count = theirs.count()
    return JournalPage(
        mine=Paginator(mine, JOURNAL_PAGE_SIZE).get_page(number),
        partner_shared=partner_shared,
        partner_shared_count=count,
    )


def journal_entry(me: Membership, entry_id: int) -> JournalEntry:
    """Returns an entry the person may read, with its comments; 404 otherwise."""
    entry = (
        JournalEntry.objects.visible_to(me.user)
        .filter(dynamic_id=me.dynamic_id, pk=entry_id)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=JournalComment.objects.select_related("author").order_by(
                    "created_at"
                ),
            )
        )
        .first()
    )
    if entry is None:
        raise Http404
    return entry


# ---------------------------------------------------------------- weekly review


def review_slots(dynamic_ids: set[int], now: datetime) -> dict[int, tuple[int, time]]:
    """Returns each dynamic's weekly review weekday and time, in one query.

    They come from the version in force (the latest both signed); a dynamic
    without one gets the default, Sunday at 18:00.
    """
    slots = dict.fromkeys(dynamic_ids, (DEFAULT_REVIEW_DAY, DEFAULT_REVIEW_TIME))
    seen: set[int] = set()
    for version in AgreementVersion.objects.filter(
        dynamic_id__in=dynamic_ids, in_force_from__lte=now
    ).order_by("dynamic_id", "-number"):
        if version.dynamic_id not in seen:
            seen.add(version.dynamic_id)
            slots[version.dynamic_id] = (version.review_weekday, version.review_time)
    return slots


def review_slot_label(dynamic: Dynamic, now: datetime) -> str:
    """Returns when the agreement in force says the review is held (one query)."""
    day, at = review_slots({dynamic.pk}, now)[dynamic.pk]
    return _("%(day)s at %(time)s") % {
        "day": Weekday(day).label,
        "time": at.strftime("%H:%M"),
    }


def review_list(dynamic: Dynamic) -> list[WeeklyReview]:
    """Returns every review of the dynamic, newest week first (one query)."""
    return list(
        dynamic.reviews.annotate(note_count=Count("notes")).order_by("-week_start")
    )


@dataclass
class ReviewDetail:
    review: WeeklyReview
    notes: dict[str, list[ReviewNote]]
    shared_entries: list[JournalEntry]
    checkins: list[tuple[str, dict]] = field(default_factory=list)
    duties: list[tuple[str, dict]] = field(default_factory=list)
    incidents: list[dict] = field(default_factory=list)
    raised_incidents: list[dict] = field(default_factory=list)
    held_by_me: bool = False
    held_by_partner: bool = False
    # The dynamic has an agreement draft open: a "to change" note joins it.
    draft_number: int | None = None


def review_detail(me: Membership, review_id: int) -> ReviewDetail:
    """Returns a review with its notes and the week's shared entries, in four
    queries (the snapshot is stored with the review)."""
    review = me.dynamic.reviews.filter(pk=review_id).first()
    if review is None:
        raise Http404
    notes: dict[str, list[ReviewNote]] = {k: [] for k in ReviewNote.Kind.values}
    for note in review.notes.select_related(
        "author", "agreement_comment__version"
    ).order_by("created_at"):
        notes[note.kind].append(note)
    ids = review.snapshot.get("shared_entries", [])
    entries = (
        list(
            JournalEntry.objects.visible_to(me.user)
            .filter(dynamic_id=me.dynamic_id, pk__in=ids, visibility="shared")
            .select_related("author")
            .order_by("shared_at")
        )
        if ids
        else []
    )
    dynamic = me.dynamic
    snap = review.snapshot
    roles = (Role.LEADER, Role.FOLLOWER)
    checkins = [
        (dynamic.title_for(role), snap.get("checkins", {}).get(role, {}))
        for role in roles
    ]
    duties = [(dynamic.title_for(r), snap.get("duties", {}).get(r, {})) for r in roles]

    def whose(incidents: list[dict]) -> list[dict]:
        return [{**i, "whose_title": dynamic.title_for(i["whose"])} for i in incidents]

    draft = (
        AgreementVersion.objects.filter(dynamic=dynamic, in_force_from__isnull=True)
        .values_list("number", flat=True)
        .first()
    )
    mine, theirs = (
        ("held_by_leader_at", "held_by_follower_at")
        if me.is_leader
        else ("held_by_follower_at", "held_by_leader_at")
    )
    return ReviewDetail(
        review=review,
        notes=notes,
        shared_entries=entries,
        checkins=checkins,
        duties=duties,
        incidents=whose(snap.get("incidents", [])),
        raised_incidents=whose(snap.get("raised_incidents", [])),
        held_by_me=getattr(review, mine) is not None,
        held_by_partner=getattr(review, theirs) is not None,
        draft_number=draft,
    )
