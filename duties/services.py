"""Every change to duties: assigning, answering requests, ticking, reviewing,
planned pauses, materialising occurrences, settling facts, proof retention.

Each function takes the acting person (or none, for the worker), asks
``access`` first, enforces the invariants, records acts of authority in the
audit trail and runs in one transaction, so a refusal changes nothing.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from agreements import authority
from conduct.services import record_slip_from_occurrence
from duties import clock
from duties.models import Duty, FeedToken, Occurrence, ScheduledPause
from dynamics import audit
from dynamics import services as dynamics_services
from dynamics.access import Act, require
from dynamics.models import Dynamic, Membership, Pause, Role
from instep import images
from instep.errors import Refused

# Occurrences exist this far ahead, so that pages never expand rules.
HORIZON = timedelta(days=14)
# Proof photos are deleted this long after they were taken (the default the
# agreement sets until it has a field of its own).
PROOF_RETENTION = timedelta(days=30)
MAX_PHOTO_BYTES = 10 * 1024 * 1024

Kind = Duty.Kind


@dataclass(frozen=True)
class DutySpec:
    """What a duty says; the same for creating and changing one."""

    kind: str
    title: str
    domain: str
    assignee_role: str
    instructions: str = ""
    needs_note: bool = False
    needs_photo: bool = False
    view_once: bool = False
    reviewed: bool = False
    rule: str = ""
    at: time | None = None
    starts_on: date | None = None
    window: timedelta = timedelta(hours=1)
    grace: timedelta = timedelta(0)
    due_at: datetime | None = None
    opens_at: datetime | None = None


def _clean_spec(spec: DutySpec, now: datetime) -> DutySpec:
    if spec.kind not in Kind.values:
        raise Refused(_("Choose a ritual or a task."), field="kind")
    if not spec.title.strip():
        raise Refused(_("Give it a title."), field="title")
    if spec.assignee_role not in Role.values:
        raise Refused(_("Choose who does it."), field="assignee_role")
    if spec.window < timedelta(0) or spec.grace < timedelta(0):
        raise Refused(_("Times cannot be negative."), field="grace")
    if spec.view_once and not spec.needs_photo:
        raise Refused(_("View once applies to a photo."), field="view_once")
    if spec.kind == Kind.RITUAL:
        if spec.at is None or spec.starts_on is None:
            raise Refused(
                _("A ritual needs a time of day and a first day."), field="at"
            )
        try:
            rule = clock.check_rule(spec.rule)
        except ValueError as error:
            raise Refused(str(error), field="rule") from None
        return DutySpec(**{**spec.__dict__, "rule": rule, "due_at": None})
    if spec.due_at is None:
        raise Refused(_("A task needs a deadline."), field="due_at")
    if spec.due_at <= now:
        raise Refused(_("The deadline has already passed."), field="due_at")
    if spec.opens_at is not None and spec.opens_at > spec.due_at:
        raise Refused(_("It cannot start after its deadline."), field="opens_at")
    return DutySpec(**{**spec.__dict__, "rule": "", "at": None, "starts_on": None})


def _members(dynamic_id: int) -> dict[str, Membership]:
    return {
        m.role: m
        for m in Membership.objects.filter(dynamic_id=dynamic_id).select_related("user")
    }


def _verdict(dynamic: Dynamic, actor: User, spec: DutySpec, now: datetime):
    """Returns the agreement's answer: impose, or only ask (for the follower).

    The leader's own promises need no authority, but no duty may touch a hard
    limit of either partner, so the check runs for them too.
    """
    return authority.check(
        dynamic,
        actor,
        domain=spec.domain,
        text_or_tags=f"{spec.title}\n{spec.instructions}",
        now=now,
    )


def _fields(spec: DutySpec, assignee: User) -> dict:
    fields = {k: v for k, v in spec.__dict__.items() if k != "assignee_role"}
    fields["title"] = spec.title.strip()
    fields["instructions"] = spec.instructions.strip()
    fields["assignee"] = assignee
    return fields


@transaction.atomic
def create_duty(actor: User, dynamic_id: int, *, spec: DutySpec, now: datetime) -> Duty:
    """Creates a ritual or task. For the follower it goes through the agreement's
    authority check: outside delegated domains it becomes a request."""
    membership = require(actor, dynamic_id, Act.ASSIGN_DUTY)
    spec = _clean_spec(spec, now)
    dynamic = membership.dynamic
    verdict = _verdict(dynamic, actor, spec, now)
    members = _members(dynamic_id)
    assignee = members[spec.assignee_role].user
    for_follower = spec.assignee_role == Role.FOLLOWER
    state = (
        Duty.State.REQUESTED
        if for_follower and not verdict.may_impose
        else Duty.State.ACTIVE
    )
    duty = Duty.objects.create(
        dynamic=dynamic,
        state=state,
        created_by=actor,
        created_at=now,
        **_fields(spec, assignee),
    )
    if state == Duty.State.ACTIVE:
        _materialise_duty(duty, now=now)
    what = _("Ritual") if duty.is_ritual else _("Task")
    audit.record(
        dynamic,
        actor,
        "duty_requested" if state == Duty.State.REQUESTED else "duty_assigned",
        (
            _("%(what)s asked of the follower (awaiting an answer)")
            if state == Duty.State.REQUESTED
            else _("%(what)s assigned to the follower")
            if for_follower
            else _("%(what)s promised by the leader")
        )
        % {"what": what},
        at=now,
        membership=membership,
    )
    return duty


def _locked_duty(dynamic_id: int, duty_id: int) -> Duty:
    duty = (
        Duty.objects.select_for_update()
        .filter(dynamic_id=dynamic_id, pk=duty_id)
        .select_related("assignee")
        .first()
    )
    if duty is None:
        raise Refused(_("There is no such duty."))
    return duty


@transaction.atomic
def change_duty(
    actor: User, dynamic_id: int, duty_id: int, *, spec: DutySpec, now: datetime
) -> Duty:
    """Changes a duty. Outside delegated domains the follower is asked first:
    the change waits in ``pending_change`` until they accept it."""
    membership = require(actor, dynamic_id, Act.ASSIGN_DUTY)
    duty = _locked_duty(dynamic_id, duty_id)
    if duty.state in (Duty.State.DECLINED, Duty.State.RETIRED):
        raise Refused(_("This duty is no longer active."))
    if spec.kind != duty.kind:
        raise Refused(_("A ritual stays a ritual and a task a task."), field="kind")
    spec = _clean_spec(spec, now)
    verdict = _verdict(membership.dynamic, actor, spec, now)
    for_follower = spec.assignee_role == Role.FOLLOWER
    if for_follower and not verdict.may_impose and duty.state == Duty.State.ACTIVE:
        duty.pending_change = _spec_to_json(spec)
        duty.save(update_fields=["pending_change"])
        audit.record(
            duty.dynamic,
            actor,
            "duty_change_requested",
            _("A change to a duty was asked (awaiting an answer)"),
            at=now,
            membership=membership,
        )
        return duty
    _apply(duty, spec, now=now)
    audit.record(
        duty.dynamic,
        actor,
        "duty_changed",
        _("A duty was changed"),
        at=now,
        membership=membership,
    )
    return duty


def _spec_to_json(spec: DutySpec) -> dict:
    out = {}
    for key, value in spec.__dict__.items():
        if isinstance(value, timedelta):
            value = value.total_seconds()
        elif isinstance(value, datetime | date | time):
            value = value.isoformat()
        out[key] = value
    return out


def _spec_from_json(data: dict) -> DutySpec:
    conv = {
        "window": lambda v: timedelta(seconds=v),
        "grace": lambda v: timedelta(seconds=v),
        "at": lambda v: v and time.fromisoformat(v),
        "starts_on": lambda v: v and date.fromisoformat(v),
        "due_at": lambda v: v and datetime.fromisoformat(v),
        "opens_at": lambda v: v and datetime.fromisoformat(v),
    }
    return DutySpec(**{k: conv.get(k, lambda v: v)(v) for k, v in data.items()})


def _apply(duty: Duty, spec: DutySpec, *, now: datetime) -> None:
    members = _members(duty.dynamic_id)
    for key, value in _fields(spec, members[spec.assignee_role].user).items():
        setattr(duty, key, value)
    duty.pending_change = None
    duty.materialised_until = None
    duty.save()
    if duty.state == Duty.State.ACTIVE:
        _materialise_duty(duty, now=now)


@transaction.atomic
def answer_request(
    actor: User, dynamic_id: int, duty_id: int, *, accept: bool, now: datetime
) -> Duty:
    """The follower accepts or declines a duty, or a change, they were asked for."""
    membership = require(actor, dynamic_id, Act.ANSWER_DUTY_REQUEST)
    duty = _locked_duty(dynamic_id, duty_id)
    if duty.state == Duty.State.REQUESTED:
        duty.state = Duty.State.ACTIVE if accept else Duty.State.DECLINED
        duty.answered_at = now
        duty.save(update_fields=["state", "answered_at"])
        if accept:
            _materialise_duty(duty, now=now)
        summary = _("A request was accepted") if accept else _("A request was declined")
    elif duty.pending_change is not None:
        if accept:
            _apply(duty, _spec_from_json(duty.pending_change), now=now)
        else:
            duty.pending_change = None
            duty.save(update_fields=["pending_change"])
        summary = (
            _("A requested change was accepted")
            if accept
            else _("A requested change was declined")
        )
    else:
        raise Refused(_("There is nothing to answer here."))
    audit.record(
        duty.dynamic,
        actor,
        "duty_request_answered",
        summary,
        at=now,
        membership=membership,
    )
    return duty


@transaction.atomic
def retire_duty(actor: User, dynamic_id: int, duty_id: int, *, now: datetime) -> Duty:
    """Ends a duty: occurrences not yet open disappear; history stays."""
    membership = require(actor, dynamic_id, Act.ASSIGN_DUTY)
    duty = _locked_duty(dynamic_id, duty_id)
    duty.state = Duty.State.RETIRED
    duty.save(update_fields=["state"])
    duty.occurrences.filter(opens_at__gt=now, done_at__isnull=True).delete()
    audit.record(
        duty.dynamic,
        actor,
        "duty_retired",
        _("A duty was retired"),
        at=now,
        membership=membership,
    )
    return duty


# Pauses -----------------------------------------------------------------------


def pause_intervals(
    dynamic_id: int, start: datetime, end: datetime
) -> list[clock.Interval]:
    """Returns every pause of the dynamic overlapping [start, end), in two queries:
    pauses that happened (red, breaks, illness) and planned ones."""
    happened = Pause.objects.filter(dynamic_id=dynamic_id, started_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=start)
    )
    out = [clock.Interval(p.started_at, p.ended_at) for p in happened]
    planned = ScheduledPause.objects.filter(
        dynamic_id=dynamic_id, cancelled_at__isnull=True
    )
    for plan in planned:
        out.extend(plan.intervals(start, end))
    return clock.merge(out)


@transaction.atomic
def schedule_pause(
    actor: User,
    dynamic_id: int,
    *,
    reason: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    rule: str = "",
    starts_on: date | None = None,
    at: time | None = None,
    length: timedelta | None = None,
    now: datetime,
) -> ScheduledPause:
    """Plans time off the clock, once or recurring. Either partner may."""
    membership = require(actor, dynamic_id, Act.PAUSE)
    if reason not in Pause.Reason.values or reason == Pause.Reason.RED:
        raise Refused(_("Choose a reason for the pause."), field="reason")
    if rule:
        try:
            rule = clock.check_rule(rule)
        except ValueError as error:
            raise Refused(str(error), field="rule") from None
        if at is None or starts_on is None or not length or length <= timedelta(0):
            raise Refused(_("Give the time it starts and how long it lasts."))
        if length > timedelta(days=7):
            raise Refused(_("A recurring pause lasts at most a week."), field="length")
    elif starts_at is None or ends_at is None or ends_at <= starts_at:
        raise Refused(_("The pause has to end after it starts."), field="ends_at")
    plan = ScheduledPause.objects.create(
        dynamic=membership.dynamic,
        reason=reason,
        created_by=actor,
        created_at=now,
        starts_at=None if rule else starts_at,
        ends_at=None if rule else ends_at,
        rule=rule,
        starts_on=starts_on if rule else None,
        at=at if rule else None,
        length=length if rule else None,
        zone=actor.time_zone,
    )
    audit.record(
        membership.dynamic,
        actor,
        "pause_planned",
        _("Pause planned: %(reason)s") % {"reason": plan.get_reason_display()},
        at=now,
        membership=membership,
    )
    return plan


@transaction.atomic
def cancel_scheduled_pause(
    actor: User, dynamic_id: int, plan_id: int, *, now: datetime
) -> ScheduledPause:
    membership = require(actor, dynamic_id, Act.PAUSE)
    plan = ScheduledPause.objects.filter(
        dynamic_id=dynamic_id, pk=plan_id, cancelled_at__isnull=True
    ).first()
    if plan is None:
        raise Refused(_("There is no such planned pause."))
    plan.cancelled_at = now
    plan.save(update_fields=["cancelled_at"])
    audit.record(
        membership.dynamic,
        actor,
        "pause_plan_cancelled",
        _("Planned pause cancelled"),
        at=now,
        membership=membership,
    )
    return plan


def start_illness_pause(actor: User, dynamic_id: int, *, now: datetime) -> Pause:
    """Stops every clock, open-ended, because someone is ill. The follower may
    do this alone; excused occurrences cost no streak."""
    return dynamics_services.pause_dynamic(
        actor, dynamic_id, reason=Pause.Reason.ILLNESS, now=now
    )


# Materialising and settling -------------------------------------------------------


def _zone(user: User) -> str:
    try:
        ZoneInfo(user.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return user.time_zone


def _materialise_duty(duty: Duty, *, now: datetime) -> int:
    """Creates the duty's occurrences up to the horizon; returns how many are new.

    Idempotent: the unique (duty, due_at) constraint drops repeats. Occurrences
    not yet open that no longer fit the schedule (changed rule, the assignee
    moved time zone) are replaced; anything already open stays as it was.
    """
    if duty.state != Duty.State.ACTIVE:
        return 0
    horizon = now + HORIZON
    if duty.is_ritual:
        # Catch up from the last horizon if the worker was away, never before now
        # for a new duty: the past is not invented.
        start = min(now, duty.materialised_until or now)
        slots = clock.expand(duty.recurrence(), _zone(duty.assignee), start, horizon)
        wanted = [(s.opens_at, s.due_at) for s in slots]
    else:
        opens = duty.opens_at or min(duty.created_at, duty.due_at)
        wanted = [(opens, duty.due_at)]
    due_set = {due for _o, due in wanted}
    stale = duty.occurrences.filter(opens_at__gt=now, done_at__isnull=True).exclude(
        due_at__in=due_set
    )
    stale.delete()
    before = duty.occurrences.count()
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                duty=duty,
                dynamic_id=duty.dynamic_id,
                assignee_id=duty.assignee_id,
                opens_at=opens,
                due_at=due,
                grace=duty.grace,
            )
            for opens, due in wanted
        ],
        ignore_conflicts=True,
    )
    duty.occurrences.filter(opens_at__gt=now, done_at__isnull=True).exclude(
        assignee_id=duty.assignee_id
    ).update(assignee_id=duty.assignee_id)
    Duty.objects.filter(pk=duty.pk).update(materialised_until=horizon)
    return duty.occurrences.count() - before


def materialise(*, now: datetime, dynamic_id: int | None = None) -> int:
    """Materialises every active duty's occurrences ahead and settles the facts
    of past ones; returns how many occurrences were created. For the worker."""
    duties = Duty.objects.filter(
        state=Duty.State.ACTIVE, dynamic__state__in=["active", "paused"]
    ).select_related("assignee")
    if dynamic_id is not None:
        duties = duties.filter(dynamic_id=dynamic_id)
    created = 0
    for duty in duties:
        with transaction.atomic():
            created += _materialise_duty(duty, now=now)
    for dyn in {d.dynamic_id for d in duties}:
        settle(dyn, now=now)
    return created


@transaction.atomic
def settle(dynamic_id: int, *, now: datetime) -> int:
    """Records misses and excuses as facts on occurrences whose time is over."""
    candidates = list(
        Occurrence.objects.filter(
            dynamic_id=dynamic_id,
            outcome="",
            done_at__isnull=True,
            due_at__lt=now,
        ).select_related("duty")
    )
    if not candidates:
        return 0
    start = min(o.opens_at for o in candidates)
    pauses = pause_intervals(dynamic_id, start, now)
    settled = 0
    for occ in candidates:
        status = clock.occurrence_status(occ.times(), pauses, now)
        if status in (clock.Status.MISSED, clock.Status.EXCUSED):
            occ.outcome = (
                Occurrence.Outcome.MISSED
                if status == clock.Status.MISSED
                else Occurrence.Outcome.EXCUSED
            )
            occ.settled_at = now
            occ.save(update_fields=["outcome", "settled_at"])
            if occ.outcome == Occurrence.Outcome.MISSED:
                _record_slip(occ, pauses, kind="missed", now=now)
            settled += 1
    return settled


def _record_slip(
    occ: Occurrence, pauses: list[clock.Interval], *, kind: str, now: datetime
) -> None:
    """Hands a late or missed occurrence to conduct as an incident.

    Idempotent by the occurrence's key, so a worker that runs twice records
    one incident; excused occurrences never get here. The due time handed on
    is the one the clock judged by: a task frozen by a pause fell due later.
    """
    due = clock.countdown(occ.times(), pauses, now).deadline or occ.due_at
    record_slip_from_occurrence(
        dynamic_id=occ.dynamic_id,
        occurrence_key=str(occ.pk),
        assignee_id=occ.assignee_id,
        title=occ.duty.title,
        due_at=due,
        kind=kind,
        now=now,
    )


# Ticking and reviewing --------------------------------------------------------------


def _clean_photo(photo: UploadedFile) -> ContentFile:
    """Returns the proof photo as Instep keeps it: decoded and encoded again,
    upright, without its metadata (no GPS location leaves the phone); the
    name and the browser's claimed type are not trusted."""
    clean = images.clean_image(photo, max_bytes=MAX_PHOTO_BYTES, field="photo")
    return ContentFile(clean.content, name=f"photo.{clean.extension}")


def _locked_occurrence(dynamic_id: int, occurrence_id: int) -> Occurrence:
    occ = (
        Occurrence.objects.select_for_update()
        .filter(dynamic_id=dynamic_id, pk=occurrence_id)
        .first()
    )
    if occ is None:
        raise Refused(_("There is no such occurrence."))
    occ.duty = Duty.objects.get(pk=occ.duty_id)
    return occ


@transaction.atomic
def complete(
    actor: User,
    dynamic_id: int,
    occurrence_id: int,
    *,
    done_at: datetime | None = None,
    note: str = "",
    photo: UploadedFile | None = None,
    now: datetime,
) -> Occurrence:
    """Marks an occurrence done, now or (up to 24 h after due) at an earlier time
    the assignee states. A tick after the grace is flagged as marked late."""
    membership = require(actor, dynamic_id, Act.COMPLETE_DUTY)
    occ = _locked_occurrence(dynamic_id, occurrence_id)
    if occ.assignee_id != actor.pk:
        raise Refused(_("Only the person it is assigned to can tick it."))
    if occ.done_at is not None:
        raise Refused(_("This is already done."))
    pauses = pause_intervals(dynamic_id, occ.opens_at, now)
    times = occ.times()
    if now < occ.opens_at:
        raise Refused(_("This is not open yet."))
    if not clock.may_tick(times, pauses, now):
        raise Refused(_("It is more than 24 hours past due: it counts as missed."))
    done_at = done_at or now
    if done_at > now:
        raise Refused(_("It cannot be done in the future."), field="done_at")
    if done_at < occ.opens_at:
        raise Refused(_("That is before it opened."), field="done_at")
    duty = occ.duty
    note = note.strip()
    if duty.needs_note and not note:
        raise Refused(_("Add a note as proof."), field="note")
    if duty.needs_photo and photo is None:
        raise Refused(_("Add a photo as proof."), field="photo")
    if photo is not None:
        clean = _clean_photo(photo)
        occ.proof_photo.save(clean.name, clean, save=False)
    occ.proof_note = note
    occ.done_at, occ.marked_at = done_at, now
    occ.marked_late = clock.is_marked_late(times, pauses, now)
    finished = clock.occurrence_status(
        clock.OccurrenceTimes(**{**times.__dict__, "done_at": done_at}), pauses, now
    )
    occ.outcome = (
        Occurrence.Outcome.ON_TIME
        if finished == clock.Status.DONE
        else Occurrence.Outcome.LATE
    )
    occ.settled_at = now
    occ.review = Occurrence.Review.PENDING if duty.reviewed else ""
    occ.review_note = ""
    occ.save()
    if occ.outcome == Occurrence.Outcome.LATE:
        _record_slip(occ, pauses, kind="late", now=now)
    audit.record(
        membership.dynamic,
        actor,
        "occurrence_done",
        _("A duty was ticked (marked late)")
        if occ.marked_late
        else _("A duty was done"),
        at=now,
        membership=membership,
    )
    return occ


@transaction.atomic
def review(
    actor: User,
    dynamic_id: int,
    occurrence_id: int,
    *,
    approve: bool,
    note: str = "",
    now: datetime,
) -> Occurrence:
    """The leader approves a done occurrence, or returns it with a note to redo."""
    membership = require(actor, dynamic_id, Act.REVIEW_DUTY)
    occ = _locked_occurrence(dynamic_id, occurrence_id)
    if occ.review != Occurrence.Review.PENDING:
        raise Refused(_("This is not waiting for a review."))
    note = note.strip()
    if not approve and not note:
        raise Refused(_("Say what to do differently."), field="note")
    occ.review_note, occ.reviewed_at = note, now
    if approve:
        occ.review = Occurrence.Review.APPROVED
    else:
        # Back to the assignee: the clock judges the redo as it stands.
        occ.review = Occurrence.Review.RETURNED
        occ.done_at = occ.marked_at = None
        occ.marked_late = False
        occ.outcome, occ.settled_at = "", None
    occ.save()
    audit.record(
        membership.dynamic,
        actor,
        "occurrence_approved" if approve else "occurrence_returned",
        _("Done and approved") if approve else _("Returned with a note"),
        at=now,
        membership=membership,
    )
    return occ


def view_photo(actor: User, dynamic_id: int, occurrence_id: int, *, now: datetime):
    """Returns the proof photo's file for one of the two partners, or refuses.

    A view-once photo is deleted as soon as the other partner has opened it.
    """
    require(actor, dynamic_id, Act.VIEW)
    with transaction.atomic():
        occ = _locked_occurrence(dynamic_id, occurrence_id)
        if not occ.proof_photo or occ.photo_deleted_at is not None:
            raise Refused(_("This photo is no longer kept."))
        data = occ.proof_photo.open("rb").read()
        occ.proof_photo.close()
        name = occ.proof_photo.name
        if occ.duty.view_once and actor.pk != occ.assignee_id:
            occ.proof_photo.delete(save=False)
            occ.photo_viewed_at = occ.photo_deleted_at = now
            occ.save(
                update_fields=["proof_photo", "photo_viewed_at", "photo_deleted_at"]
            )
    return data, name


def purge_proof_photos(*, now: datetime, retention: timedelta = PROOF_RETENTION) -> int:
    """Deletes proof photos older than the retention; returns how many."""
    old = Occurrence.objects.filter(
        marked_at__lt=now - retention, photo_deleted_at__isnull=True
    ).exclude(proof_photo="")
    purged = 0
    for occ in old:
        occ.proof_photo.delete(save=False)
        occ.photo_deleted_at = now
        occ.save(update_fields=["proof_photo", "photo_deleted_at"])
        purged += 1
    return purged


# The calendar feed ------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def new_feed_token(actor: User, dynamic_id: int, *, now: datetime) -> str:
    """Returns a fresh feed token; an earlier feed URL stops working."""
    membership = require(actor, dynamic_id, Act.VIEW)
    FeedToken.objects.filter(user=actor, dynamic_id=dynamic_id).delete()
    token = secrets.token_urlsafe(32)
    FeedToken.objects.create(
        user=actor,
        dynamic=membership.dynamic,
        token_hash=hash_token(token),
        created_at=now,
    )
    return token


@transaction.atomic
def revoke_feed(actor: User, dynamic_id: int) -> None:
    require(actor, dynamic_id, Act.VIEW)
    FeedToken.objects.filter(user=actor, dynamic_id=dynamic_id).delete()


def feed_owner(token: str) -> FeedToken | None:
    return (
        FeedToken.objects.select_related("user", "dynamic")
        .filter(token_hash=hash_token(token))
        .first()
    )
