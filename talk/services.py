"""Every write of the talk app: check-ins, matters, journal, weekly reviews.

Each function takes the acting person, asks ``dynamics.access`` first, enforces
the invariants with a ``Refused`` a person can act on, and runs in one
transaction, so a refusal changes nothing.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from agreements import services as agreement_services
from agreements.models import DEFAULT_REVIEW_TIME, AgreementVersion
from agreements.models import Comment as AgreementComment
from agreements.services import version_in_force
from dynamics import audit
from dynamics import services as dynamics_services
from dynamics.access import Act, require
from dynamics.models import Dynamic, Membership, Pause, Role
from instep.errors import NotAllowed, Refused
from notify.events import tell_partner
from talk import snapshot
from talk.models import (
    ANSWER_FIELDS,
    SCALE_FIELDS,
    CheckIn,
    CheckInPrompt,
    JournalComment,
    JournalEntry,
    Matter,
    MatterComment,
    ReviewNote,
    WeeklyReview,
)

State = Dynamic.State
DEFAULT_REVIEW_DAY = 6  # Sunday, as AgreementVersion.review_weekday says


def local_day(user: User, now: datetime) -> date:
    """Returns the person's calendar date at ``now``, in their own time zone."""
    return now.astimezone(zone_of(user)).date()


def zone_of(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.time_zone)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _require_talking(membership: Membership) -> Dynamic:
    """Refuses writes in a dynamic that has not started or has ended.

    Talking goes on during a pause: that is when it matters most.
    """
    dynamic = membership.dynamic
    if dynamic.state == State.FORMING:
        raise Refused(_("This starts once your partner has joined."))
    if dynamic.state == State.ENDED:
        raise Refused(_("This dynamic has ended; its history stays readable."))
    return dynamic


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Refused(message, field=field)
    return value


# ---------------------------------------------------------------- check-ins


@dataclass(frozen=True)
class AftercareAnswer:
    """The aftercare questions a check-in during a red pause also answers."""

    feeling: int
    note: str
    ready_to_resume: bool


# Scales on which 1 of 5 is a hard day the partner should hear of (a stress
# of 1 is a calm day).
LOW_SCALES = ("mood", "energy", "connection")


@transaction.atomic
def check_in(
    actor: User,
    dynamic_id: int,
    *,
    mood: int,
    energy: int,
    stress: int,
    connection: int,
    needs: str = "",
    wants: str = "",
    note: str = "",
    shared: Collection[str],
    aftercare: AftercareAnswer | None = None,
    now: datetime,
) -> CheckIn:
    """Saves today's check-in (one a day; a second one today updates it).

    Each answer named in ``shared`` is visible to the partner; the rest stay
    with the person. During a red pause this is the aftercare check-in: with
    ``aftercare`` it also answers the aftercare questions, which can resume
    the dynamic when both are ready.
    """
    membership = require(actor, dynamic_id, Act.CHECK_IN)
    dynamic = _require_talking(membership)
    scales = {"mood": mood, "energy": energy, "stress": stress}
    scales["connection"] = connection
    for name in SCALE_FIELDS:
        if not isinstance(scales[name], int) or not 1 <= scales[name] <= 5:
            raise Refused(_("Choose a number from 1 to 5."), field=name)
    unknown = set(shared) - set(ANSWER_FIELDS)
    if unknown:
        raise Refused(_("Unknown answer: %(a)s.") % {"a": ", ".join(sorted(unknown))})
    red = dynamic.pauses.filter(ended_at__isnull=True, reason=Pause.Reason.RED).first()
    day = local_day(actor, now)
    values = {
        **scales,
        "needs": needs.strip(),
        "wants": wants.strip(),
        "note": note.strip(),
        **{f"{name}_shared": name in shared for name in ANSWER_FIELDS},
        "updated_at": now,
    }
    if red is not None:
        values["after_red"] = red
    checkin, created = CheckIn.objects.get_or_create(
        dynamic=dynamic,
        user=actor,
        day=day,
        defaults={**values, "created_at": now, "shared_updated_at": now},
    )
    if not created:
        seen_before = (checkin.shared_answers, checkin.after_red_id)
        for name, value in values.items():
            setattr(checkin, name, value)
        # The partner's "updated" moves only when what they see changed: a
        # private edit must not tell them that something private changed.
        if (checkin.shared_answers, checkin.after_red_id) != seen_before:
            checkin.shared_updated_at = now
        checkin.save()
    if low := [n for n in LOW_SCALES if scales[n] == 1 and n in shared]:
        tell_partner(
            dynamic_id,
            actor,
            "checkin_low",
            {"answers": " and ".join(low), "path": f"/d/{dynamic_id}/check-in/"},
            dedupe_key=f"checkin:{checkin.pk}:low",
            now=now,
        )
    if aftercare is not None:
        if red is None:
            raise Refused(_("There is no red signal to check in after."))
        dynamics_services.give_aftercare(
            actor,
            dynamic_id,
            feeling=aftercare.feeling,
            note=aftercare.note,
            ready_to_resume=aftercare.ready_to_resume,
            now=now,
        )
    return checkin


@transaction.atomic
def set_checkin_prompt(
    actor: User, dynamic_id: int, *, prompt_at: time, enabled: bool, now: datetime
) -> CheckInPrompt:
    """Stores when the person wants to be asked, at their own wall-clock time."""
    membership = require(actor, dynamic_id, Act.CHECK_IN)
    if membership.dynamic.is_ended:
        raise Refused(_("This dynamic has ended; there is nothing to remind."))
    prompt, _created = CheckInPrompt.objects.update_or_create(
        dynamic_id=dynamic_id,
        user=actor,
        defaults={"prompt_at": prompt_at, "enabled": enabled},
    )
    return prompt


# ---------------------------------------------------------------- matters


def _matter(dynamic_id: int, matter_id: int, *, lock: bool = False) -> Matter:
    matters = Matter.objects.filter(dynamic_id=dynamic_id, pk=matter_id)
    if lock:
        matters = matters.select_for_update()
    matter = matters.first()
    if matter is None:
        raise Http404
    return matter


def _check_decide_by(decide_by: datetime | None, now: datetime) -> None:
    if decide_by is not None and decide_by <= now:
        raise Refused(_("Choose a decide-by time in the future."), field="decide_by")


@transaction.atomic
def open_matter(
    actor: User,
    dynamic_id: int,
    *,
    kind: str,
    title: str,
    body: str = "",
    decide_by: datetime | None = None,
    now: datetime,
) -> Matter:
    """Opens a request, question or decision to make; the leader will decide it."""
    membership = require(actor, dynamic_id, Act.OPEN_MATTER)
    dynamic = _require_talking(membership)
    if kind not in Matter.Kind.values:
        raise Refused(_("Choose what kind of matter this is."), field="kind")
    _check_decide_by(decide_by, now)
    matter = Matter.objects.create(
        dynamic=dynamic,
        kind=kind,
        title=_text(title, "title", _("Give the matter a short title.")),
        body=body.strip(),
        opened_by=actor,
        opened_at=now,
        decide_by=decide_by,
    )
    # The key of the tick's "awaiting your decision": one message, not two.
    tell_partner(
        dynamic_id,
        actor,
        "matter_opened",
        {"title": matter.title, "path": _matter_path(matter)},
        dedupe_key=f"matter:{matter.pk}:awaiting",
        now=now,
    )
    return matter


def _matter_path(matter: Matter) -> str:
    return f"/d/{matter.dynamic_id}/matters/{matter.pk}/"


# What a request's answer does elsewhere ---------------------------------------
#
# A leader's request may carry a proposal (a duty to put on the clock, a change
# to one). The app it belongs to registers a handler for its kind; answering or
# withdrawing the request calls it in the same transaction, so a refusal from
# that app (the deadline has passed, it now touches a hard limit) leaves the
# request open and nothing changed.

ProposalHandler = Callable[..., None]
_PROPOSAL_HANDLERS: dict[str, ProposalHandler] = {}


def handle_proposals(kind: str, handler: ProposalHandler) -> None:
    """Registers ``handler(matter, *, accepted, now)`` for proposals of ``kind``.

    It is called with ``accepted=True`` when the follower accepts, and with
    False when they decline or the request is withdrawn.
    """
    _PROPOSAL_HANDLERS[kind] = handler


def _settle_proposal(matter: Matter, *, accepted: bool, now: datetime) -> None:
    if not matter.proposal:
        return
    handler = _PROPOSAL_HANDLERS.get(str(matter.proposal.get("kind")))
    if handler is None:
        raise Refused(_("This request cannot be answered here."))
    handler(matter, accepted=accepted, now=now)


@transaction.atomic
def open_request_from_leader(
    actor: User,
    dynamic_id: int,
    *,
    title: str,
    body: str = "",
    domain: str = "",
    decide_by: datetime | None = None,
    proposal: dict | None = None,
    now: datetime,
) -> Matter:
    """Opens the leader's request that the follower accepts or declines.

    Outside the domains the follower delegated, the leader can only ask. The
    duties code calls this when an assignment falls outside them; ``domain``
    names the area of life it touches and ``proposal`` what accepting does
    (see ``handle_proposals``).
    """
    membership = require(actor, dynamic_id, Act.ASK_REQUEST)
    dynamic = _require_talking(membership)
    _check_decide_by(decide_by, now)
    matter = Matter.objects.create(
        dynamic=dynamic,
        kind=Matter.Kind.REQUEST,
        answered_by=Matter.Answerer.FOLLOWER,
        domain=domain.strip()[:60],
        title=_text(title, "title", _("Say briefly what you are asking for.")),
        body=body.strip(),
        opened_by=actor,
        opened_at=now,
        decide_by=decide_by,
        proposal=proposal,
    )
    audit.record(
        dynamic,
        actor,
        "request_asked",
        _("A request outside the delegated areas was asked"),
        at=now,
        membership=membership,
    )
    tell_partner(
        dynamic_id,
        actor,
        "request_asked",
        {"title": matter.title, "path": _matter_path(matter)},
        dedupe_key=f"matter:{matter.pk}:awaiting",
        now=now,
    )
    return matter


@transaction.atomic
def comment_on_matter(
    actor: User, dynamic_id: int, matter_id: int, *, body: str, now: datetime
) -> MatterComment:
    """Adds to the discussion of an open matter."""
    membership = require(actor, dynamic_id, Act.DISCUSS_MATTER)
    _require_talking(membership)
    matter = _matter(dynamic_id, matter_id)
    if not matter.is_open:
        raise Refused(_("This matter is settled. Open a new one to talk about it."))
    comment = MatterComment.objects.create(
        matter=matter,
        author=actor,
        body=_text(body, "body", _("Write something first.")),
        created_at=now,
    )
    tell_partner(
        dynamic_id,
        actor,
        "matter_reply",
        {"title": matter.title, "path": _matter_path(matter)},
        dedupe_key=f"matter:{matter.pk}:reply:{comment.pk}",
        now=now,
    )
    return comment


@transaction.atomic
def decide_matter(
    actor: User,
    dynamic_id: int,
    matter_id: int,
    *,
    decision: str,
    reason: str,
    now: datetime,
) -> Matter:
    """Closes the matter with the leader's decision and the reason for it."""
    membership = require(actor, dynamic_id, Act.DECIDE_MATTER)
    dynamic = _require_talking(membership)
    matter = _matter(dynamic_id, matter_id, lock=True)
    if not matter.is_open:
        raise Refused(_("This matter is already settled."))
    if matter.answered_by != Matter.Answerer.LEADER:
        raise Refused(_("This request is your partner's to accept or decline."))
    matter.decision = _text(decision, "decision", _("Write down what you decided."))
    matter.reason = _text(
        reason, "reason", _("Give the reason: a decision always says why.")
    )
    matter.state = Matter.State.DECIDED
    matter.closed_by, matter.closed_at = actor, now
    matter.save()
    audit.record(
        dynamic, actor, "matter_decided", _("A matter was decided"), at=now,
        membership=membership,
    )  # fmt: skip
    tell_partner(
        dynamic_id,
        actor,
        "matter_decided",
        {
            "title": matter.title,
            "decision": matter.decision,
            "reason": matter.reason,
            "path": _matter_path(matter),
        },
        dedupe_key=f"matter:{matter.pk}:decided",
        now=now,
    )
    return matter


@transaction.atomic
def answer_request(
    actor: User,
    dynamic_id: int,
    matter_id: int,
    *,
    accept: bool,
    reason: str = "",
    now: datetime,
) -> Matter:
    """The follower accepts or declines the leader's request (declining says why)."""
    membership = require(actor, dynamic_id, Act.ANSWER_REQUEST)
    dynamic = _require_talking(membership)
    matter = _matter(dynamic_id, matter_id, lock=True)
    if not matter.is_open:
        raise Refused(_("This request is already answered."))
    if matter.answered_by != Matter.Answerer.FOLLOWER:
        raise NotAllowed(_("The leader decides, after you have both discussed it."))
    reason = reason.strip()
    if not accept and not reason:
        raise Refused(_("Say briefly why you decline."), field="reason")
    matter.state = Matter.State.ACCEPTED if accept else Matter.State.DECLINED
    matter.decision = _("Accepted") if accept else _("Declined")
    matter.reason = reason
    matter.closed_by, matter.closed_at = actor, now
    matter.save()
    _settle_proposal(matter, accepted=accept, now=now)
    audit.record(
        dynamic,
        actor,
        "request_accepted" if accept else "request_declined",
        _("A request was accepted") if accept else _("A request was declined"),
        at=now,
        membership=membership,
    )
    tell_partner(
        dynamic_id,
        actor,
        "request_answered",
        {
            "title": matter.title,
            "accepted": accept,
            "reason": reason,
            "path": _matter_path(matter),
        },
        dedupe_key=f"matter:{matter.pk}:answered",
        now=now,
    )
    return matter


@transaction.atomic
def withdraw_matter(
    actor: User, dynamic_id: int, matter_id: int, *, now: datetime
) -> Matter:
    """The one who opened an open matter takes it back."""
    require(actor, dynamic_id, Act.OPEN_MATTER)
    matter = _matter(dynamic_id, matter_id, lock=True)
    if matter.opened_by_id != actor.pk:
        raise NotAllowed(_("Only the one who opened this matter can withdraw it."))
    if not matter.is_open:
        raise Refused(_("This matter is already settled."))
    matter.state = Matter.State.WITHDRAWN
    matter.closed_by, matter.closed_at = actor, now
    matter.save(update_fields=["state", "closed_by", "closed_at"])
    _settle_proposal(matter, accepted=False, now=now)
    return matter


# ---------------------------------------------------------------- journal


def own_entry(actor: User, dynamic_id: int, entry_id: int) -> JournalEntry:
    """Returns the actor's own entry. Anyone else's gets 404: nothing to learn."""
    entry = JournalEntry.objects.filter(
        dynamic_id=dynamic_id, pk=entry_id, author=actor
    ).first()
    if entry is None:
        raise Http404
    return entry


def _visibility(value: str) -> str:
    if value not in JournalEntry.Visibility.values:
        raise Refused(_("Choose who may read this entry."), field="visibility")
    return value


@transaction.atomic
def write_entry(
    actor: User,
    dynamic_id: int,
    *,
    body: str,
    title: str = "",
    prompt: str = "",
    visibility: str = JournalEntry.Visibility.PRIVATE,
    now: datetime,
) -> JournalEntry:
    """Writes a journal entry; private unless the author shares it."""
    membership = require(actor, dynamic_id, Act.WRITE_JOURNAL)
    dynamic = _require_talking(membership)
    visibility = _visibility(visibility)
    entry = JournalEntry.objects.create(
        dynamic=dynamic,
        author=actor,
        title=title.strip(),
        prompt=prompt.strip()[:120],
        body=_text(body, "body", _("Write something first.")),
        visibility=visibility,
        created_at=now,
        updated_at=now,
        shared_at=now if visibility == JournalEntry.Visibility.SHARED else None,
    )
    _tell_shared(entry, actor, now)
    return entry


def _tell_shared(entry: JournalEntry, actor: User, now: datetime) -> None:
    """Tells the partner once each time the entry becomes shared."""
    if entry.shared_at is None:
        return
    tell_partner(
        entry.dynamic_id,
        actor,
        "entry_shared",
        {"title": entry.title, "path": f"/d/{entry.dynamic_id}/journal/{entry.pk}/"},
        dedupe_key=f"entry:{entry.pk}:shared:{entry.shared_at.isoformat()}",
        now=now,
    )


@transaction.atomic
def edit_entry(
    actor: User,
    dynamic_id: int,
    entry_id: int,
    *,
    body: str,
    title: str = "",
    visibility: str,
    now: datetime,
) -> JournalEntry:
    """Changes the author's own entry, including who may read it."""
    membership = require(actor, dynamic_id, Act.WRITE_JOURNAL)
    _require_talking(membership)
    entry = own_entry(actor, dynamic_id, entry_id)
    visibility = _visibility(visibility)
    if visibility == JournalEntry.Visibility.SHARED and not entry.is_shared:
        entry.shared_at = now
    elif visibility == JournalEntry.Visibility.PRIVATE:
        entry.shared_at = None
    entry.title, entry.visibility = title.strip(), visibility
    entry.body = _text(body, "body", _("Write something first."))
    entry.updated_at = now
    entry.save()
    _tell_shared(entry, actor, now)
    return entry


@transaction.atomic
def delete_entry(actor: User, dynamic_id: int, entry_id: int) -> None:
    """Deletes the author's own entry and the comments on it, for good."""
    require(actor, dynamic_id, Act.WRITE_JOURNAL)
    own_entry(actor, dynamic_id, entry_id).delete()


@transaction.atomic
def comment_on_entry(
    actor: User, dynamic_id: int, entry_id: int, *, body: str, now: datetime
) -> JournalComment:
    """Comments on a shared entry (the partner's, or one's own to answer)."""
    membership = require(actor, dynamic_id, Act.WRITE_JOURNAL)
    _require_talking(membership)
    entry = (
        JournalEntry.objects.visible_to(actor)
        .filter(dynamic_id=dynamic_id, pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404
    if not entry.is_shared:
        raise Refused(_("Share this entry first; private entries take no comments."))
    return JournalComment.objects.create(
        entry=entry,
        author=actor,
        body=_text(body, "body", _("Write something first.")),
        created_at=now,
    )


# ---------------------------------------------------------------- weekly review


def review_slot(dynamic_id: int, now: datetime) -> tuple[int, time]:
    """Returns the weekly review's weekday (0 Monday) and wall-clock time from
    the agreement in force; Sunday at 18:00 without one. One query."""
    version = version_in_force(dynamic_id, now)
    if version is None:
        return DEFAULT_REVIEW_DAY, DEFAULT_REVIEW_TIME
    return version.review_weekday, version.review_time


def week_start_for(
    user: User, now: datetime, review_day: int = DEFAULT_REVIEW_DAY
) -> date:
    """Returns the first day of the review week the person is in: the seven
    days that end on the next review day, in their time zone (with the
    default Sunday, the Monday of this week)."""
    return snapshot.period_start(local_day(user, now), review_day)


def _review(dynamic_id: int, review_id: int, *, lock: bool = False) -> WeeklyReview:
    reviews = WeeklyReview.objects.filter(dynamic_id=dynamic_id, pk=review_id)
    if lock:
        reviews = reviews.select_for_update()
    review = reviews.first()
    if review is None:
        raise Http404
    return review


@transaction.atomic
def start_review(actor: User, dynamic_id: int, *, now: datetime) -> WeeklyReview:
    """Returns this week's review, starting it with a fresh snapshot if needed.

    The week ends on the review day the agreement in force names. Opened in
    the two days after that day, it is still that week's review (held late)
    unless both have held it already, or the dynamic began after it.
    """
    membership = require(actor, dynamic_id, Act.HOLD_REVIEW)
    dynamic = _require_talking(membership)
    review_day, _at = review_slot(dynamic_id, now)
    week_start = week_start_for(actor, now, review_day)
    # Just after the review day, a review not held by both is that week's.
    late = snapshot.late_period_start(local_day(actor, now), review_day)
    began = dynamic.created_at.astimezone(zone_of(actor)).date()
    # A dynamic that began after that review day has no late review to hold.
    if late is not None and began <= late + timedelta(days=6):
        earlier = WeeklyReview.objects.filter(dynamic=dynamic, week_start=late).first()
        if earlier is None or not earlier.is_held:
            week_start = late
    review, created = WeeklyReview.objects.get_or_create(
        dynamic=dynamic,
        week_start=week_start,
        defaults={
            "started_by": actor,
            "started_at": now,
            "snapshot_at": now,
            "snapshot": snapshot.week(dynamic, week_start, zone_of(actor), now=now),
        },
    )
    return review


@transaction.atomic
def add_review_note(
    actor: User,
    dynamic_id: int,
    review_id: int,
    *,
    kind: str,
    body: str,
    now: datetime,
) -> ReviewNote:
    """Adds what went well, what was hard, or what to change."""
    membership = require(actor, dynamic_id, Act.HOLD_REVIEW)
    _require_talking(membership)
    review = _review(dynamic_id, review_id)
    if kind not in ReviewNote.Kind.values:
        raise Refused(_("Choose what kind of note this is."), field="kind")
    return ReviewNote.objects.create(
        review=review,
        author=actor,
        kind=kind,
        body=_text(body, "body", _("Write something first.")),
        created_at=now,
    )


@transaction.atomic
def mark_review_held(
    actor: User, dynamic_id: int, review_id: int, *, now: datetime
) -> WeeklyReview:
    """Marks the review held by the actor; once both have, its snapshot is kept."""
    membership = require(actor, dynamic_id, Act.HOLD_REVIEW)
    dynamic = _require_talking(membership)
    review = _review(dynamic_id, review_id, lock=True)
    if review.is_held:
        raise Refused(_("You have both held this review already."))
    field = (
        "held_by_leader_at" if membership.role == Role.LEADER else "held_by_follower_at"
    )
    if getattr(review, field) is None:
        setattr(review, field, now)
    # The snapshot follows the week until both have held the review.
    review.snapshot = snapshot.week(dynamic, review.week_start, zone_of(actor), now=now)
    review.snapshot_at = now
    review.save()
    if review.is_held:
        audit.record(
            dynamic, None, "review_held", _("Weekly review held by both"), at=now
        )
    return review


@transaction.atomic
def note_to_matter(
    actor: User, dynamic_id: int, note_id: int, *, now: datetime
) -> Matter:
    """Turns a "what to change" note into a decision to make, in one step."""
    require(actor, dynamic_id, Act.OPEN_MATTER)
    note = (
        ReviewNote.objects.select_for_update()
        .filter(review__dynamic_id=dynamic_id, pk=note_id)
        .first()
    )
    if note is None:
        raise Http404
    if note.kind != ReviewNote.Kind.CHANGE:
        raise Refused(_("Only a “what to change” note becomes a matter."))
    if note.matter_id is not None:
        raise Refused(_("This note is a matter already."))
    first_line = note.body.strip().splitlines()[0]
    matter = open_matter(
        actor,
        dynamic_id,
        kind=Matter.Kind.DECISION,
        title=first_line[:160],
        body=_("From the weekly review of %(week)s:\n\n%(note)s")
        % {"week": note.review.week_start.isoformat(), "note": note.body},
        now=now,
    )
    note.matter = matter
    note.save(update_fields=["matter"])
    return matter


@transaction.atomic
def note_to_agreement_change(
    actor: User, dynamic_id: int, note_id: int, *, now: datetime
) -> AgreementComment:
    """Turns a "what to change" note into a proposed change of the agreement.

    The note becomes a comment on the open draft, which is proposed from the
    agreement in force if there is none yet: the two then change the draft
    together and sign it, like any other change. The agreements services
    check who may propose and comment.
    """
    require(actor, dynamic_id, Act.COMMENT_AGREEMENT)
    note = (
        # Only the note is locked: the comment it may point at is outer-joined.
        ReviewNote.objects.select_for_update(of=("self",))
        .select_related("review", "agreement_comment__version")
        .filter(review__dynamic_id=dynamic_id, pk=note_id)
        .first()
    )
    if note is None:
        raise Http404
    if note.kind != ReviewNote.Kind.CHANGE:
        raise Refused(_("Only a “what to change” note becomes an agreement change."))
    if note.agreement_comment_id is not None:
        raise Refused(
            _("This note is proposed in draft %(n)s already.")
            % {"n": note.agreement_comment.version.number}
        )
    draft = AgreementVersion.objects.filter(
        dynamic_id=dynamic_id, in_force_from__isnull=True
    ).first()
    if draft is None:
        draft = agreement_services.propose_draft(
            actor, dynamic_id, start_from="current", now=now
        )
    comment = agreement_services.add_comment(
        actor,
        dynamic_id,
        number=draft.number,
        text=_("From the weekly review of the week of %(week)s: %(note)s")
        % {"week": date_format(note.review.week_start, "j M Y"), "note": note.body},
        now=now,
    )
    note.agreement_comment = comment
    note.save(update_fields=["agreement_comment"])
    return comment
