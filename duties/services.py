"""Every change to duties: assigning, answering requests, ticking, reviewing,
planned pauses, materialising occurrences, settling facts, proof retention.

Each function takes the acting person (or none, for the worker), asks
``access`` first, enforces the invariants, records acts of authority in the
audit trail and runs in one transaction, so a refusal changes nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from accounts.models import User
from agreements import authority
from agreements.models import AgreementVersion
from agreements.services import DEFAULT_PROOF_RETENTION_DAYS
from duties import clock, hooks
from duties.models import Duty, FeedToken, Occurrence, ScheduledPause
from dynamics import audit
from dynamics import services as dynamics_services
from dynamics.access import Act, require
from dynamics.models import Dynamic, Membership, Pause, Role
from instep import images
from instep.errors import NotAllowed, Refused
from instep.tokens import hash_token, new_token
from notify.events import tell_partner
from talk import services as talk_services

# Occurrences exist this far ahead, so that pages never expand rules.
HORIZON = timedelta(days=14)
# Proof photos are deleted this long after they were taken where no signed
# agreement says otherwise (each version sets its own, ``proof_retention_days``).
PROOF_RETENTION = timedelta(days=DEFAULT_PROOF_RETENTION_DAYS)
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
    # A context of the agreement's rules in which it is off the clock.
    suspended_when: str = ""


def _clean_spec(spec: DutySpec, now: datetime) -> DutySpec:
    if spec.kind not in Kind.values:
        raise Refused(_("Choose a ritual or a task."), field="kind")
    if not spec.title.strip():
        raise Refused(_("Give it a title."), field="title")
    if spec.assignee_role not in Role.values:
        raise Refused(_("Choose who does it."), field="assignee_role")
    if spec.window < timedelta(0) or spec.grace < timedelta(0):
        raise Refused(_("Times cannot be negative."), field="grace")
    if spec.suspended_when.strip():
        spec = DutySpec(
            **{**spec.__dict__, "suspended_when": spec.suspended_when.strip()[:200]}
        )
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
    _check_context(dynamic_id, spec.suspended_when, now=now)
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
        imposed=for_follower and verdict.may_impose,
        **_fields(spec, assignee),
    )
    if state == Duty.State.ACTIVE:
        _materialise_duty(duty, now=now)
        tell_partner(
            dynamic_id,
            actor,
            "duty_assigned",
            {"title": duty.title, "path": f"/d/{dynamic_id}/today/"},
            dedupe_key=f"duty:{duty.pk}:assigned",
            now=now,
            to=assignee,
        )
    else:
        _ask(duty, actor, spec, verdict.reason, change=False, now=now)
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
    if duty.state in (Duty.State.DECLINED, Duty.State.RETIRED, Duty.State.SUSPENDED):
        raise Refused(_("This duty is no longer active."))
    if spec.kind != duty.kind:
        raise Refused(_("A ritual stays a ritual and a task a task."), field="kind")
    spec = _clean_spec(spec, now)
    _check_context(dynamic_id, spec.suspended_when, now=now)
    verdict = _verdict(membership.dynamic, actor, spec, now)
    for_follower = spec.assignee_role == Role.FOLLOWER
    if duty.request_id is not None:
        raise Refused(
            _(
                "Your partner has not answered the request about this duty yet. "
                "Withdraw it in its thread first, or wait for the answer."
            )
        )
    if for_follower and not verdict.may_impose and duty.state == Duty.State.ACTIVE:
        duty.pending_change = _spec_to_json(spec)
        duty.save(update_fields=["pending_change"])
        _ask(duty, actor, spec, verdict.reason, change=True, now=now)
        audit.record(
            duty.dynamic,
            actor,
            "duty_change_requested",
            _("A change to a duty was asked (awaiting an answer)"),
            at=now,
            membership=membership,
        )
        return duty
    _apply(duty, spec, now=now, imposed=for_follower and verdict.may_impose)
    audit.record(
        duty.dynamic,
        actor,
        "duty_changed",
        _("A duty was changed"),
        at=now,
        membership=membership,
    )
    tell_partner(
        dynamic_id,
        actor,
        "duty_changed",
        {"title": duty.title, "path": f"/d/{dynamic_id}/today/"},
        dedupe_key=f"duty:{duty.pk}:changed:{now.isoformat()}",
        now=now,
        to=duty.assignee,
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


def _apply(duty: Duty, spec: DutySpec, *, now: datetime, imposed: bool) -> None:
    members = _members(duty.dynamic_id)
    for key, value in _fields(spec, members[spec.assignee_role].user).items():
        setattr(duty, key, value)
    duty.imposed = imposed
    duty.pending_change = None
    duty.materialised_until = None
    duty.save()
    if duty.state == Duty.State.ACTIVE:
        _materialise_duty(duty, now=now)


def _describe(spec: DutySpec, zone: str) -> str:
    """Returns the duty as the request's thread shows it (markdown)."""
    tz = ZoneInfo(zone)
    lines = []
    if spec.kind == Kind.RITUAL:
        lines.append(
            _("A ritual: %(rule)s at %(at)s, from %(day)s.")
            % {
                "rule": clock.rule_in_words(spec.rule),
                "at": spec.at.strftime("%H:%M"),
                "day": spec.starts_on.strftime("%a %d %b %Y"),
            }
        )
    else:
        lines.append(
            _("A task, due %(due)s.")
            % {"due": spec.due_at.astimezone(tz).strftime("%a %d %b %Y, %H:%M")}
        )
    if spec.instructions.strip():
        lines += ["", spec.instructions.strip()]
    proof = [
        word
        for flag, word in (
            (spec.needs_note, _("a note")),
            (spec.needs_photo, _("a photo")),
        )
        if flag
    ]
    if proof:
        lines += ["", _("Proof: %(proof)s.") % {"proof": _(" and ").join(proof)}]
    return "\n".join(lines)


def _ask(
    duty: Duty, actor: User, spec: DutySpec, why: str, *, change: bool, now: datetime
) -> None:
    """Opens the request (a talk matter) the follower answers in its thread."""
    matter = talk_services.open_request_from_leader(
        actor,
        duty.dynamic_id,
        title=(
            _("A change to “%(title)s”") % {"title": duty.title}
            if change
            else spec.title.strip()
        )[:160],
        body="\n\n".join(p for p in (_describe(spec, _zone(duty.assignee)), why) if p),
        domain=spec.domain,
        proposal={"kind": "duty", "duty_id": duty.pk, "change": change},
        now=now,
    )
    duty.request = matter
    duty.save(update_fields=["request"])


def settle_duty_request(matter, *, accepted: bool, now: datetime) -> None:
    """Acts on the follower's answer to a request for a duty (a talk matter).

    Accepted: the duty goes on the clock, or the change is made; the follower
    agreed, so it is not imposed and runs on even if authority lapses.
    Declined or withdrawn: nothing is imposed; a new duty stays declined and a
    change is dropped. Called by ``talk.services`` inside its transaction, so
    a refusal here leaves the request unanswered.
    """
    duty = _locked_duty(matter.dynamic_id, int(matter.proposal["duty_id"]))
    if duty.request_id != matter.pk:
        raise Refused(_("This request no longer matches its duty."))
    if accepted:
        # Hard limits may have been added since the leader asked.
        authority.decide(
            authority.load_facts(duty.dynamic_id, now),
            domain=duty.domain,
            text_or_tags=f"{duty.title}\n{duty.instructions}",
            at=now,
        )
    duty.request = None
    if duty.state == Duty.State.REQUESTED:
        if accepted and not duty.is_ritual and duty.due_at <= now:
            raise Refused(
                _(
                    "The deadline of this task has passed. Decline it; your "
                    "partner can ask again with a new deadline."
                )
            )
        duty.state = Duty.State.ACTIVE if accepted else Duty.State.DECLINED
        duty.answered_at = now
        duty.save(update_fields=["state", "answered_at", "request"])
        if accepted:
            _materialise_duty(duty, now=now)
    elif duty.pending_change is not None:
        if accepted:
            spec = _spec_from_json(duty.pending_change)
            if spec.kind == Kind.TASK and spec.due_at <= now:
                raise Refused(
                    _(
                        "The new deadline has passed. Decline the change; your "
                        "partner can ask again."
                    )
                )
            duty.answered_at = now
            _apply(duty, spec, now=now, imposed=False)
        else:
            duty.pending_change = None
            duty.save(update_fields=["pending_change", "request"])
    else:
        duty.save(update_fields=["request"])


@transaction.atomic
def retire_duty(actor: User, dynamic_id: int, duty_id: int, *, now: datetime) -> Duty:
    """Ends a duty: occurrences not yet open disappear; history stays."""
    membership = require(actor, dynamic_id, Act.ASSIGN_DUTY)
    duty = _locked_duty(dynamic_id, duty_id)
    if (kept := hooks.retire_blocker(duty.pk)) is not None:
        raise Refused(kept, code="repair_task")
    if duty.request_id is not None:
        # Nothing is left to accept: the request's thread says it was withdrawn.
        talk_services.withdraw_matter(actor, dynamic_id, duty.request_id, now=now)
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


# Hard limits declared later ---------------------------------------------------


def hard_limit_reason(record) -> str:
    """Returns why something was taken off the clock by the hard limit."""
    whose = _("the follower") if record.owner_role == Role.FOLLOWER else _("the leader")
    return _('It touches a hard limit of %(whose)s: "%(limit)s".') % {
        "whose": whose,
        "limit": record.text,
    }


def suspend_for_hard_limit(record, *, actor: User, now: datetime) -> list[Duty]:
    """Takes every imposed duty and repair task that touches the newly declared
    hard limit off the clock at once: its occurrences already open are excused
    (never missed), those to come disappear, and both partners read why.

    Called by ``agreements.services`` in the declaring transaction (registered
    in ``DutiesConfig.ready``); the declaring partner's act is audited here.
    """
    tags = frozenset(record.tag_list)
    candidates = (
        Duty.objects.select_for_update(of=("self",))
        .filter(dynamic_id=record.dynamic_id, state=Duty.State.ACTIVE)
        .filter(Q(imposed=True) | Q(incident__isnull=False))
    )
    touched = [
        d for d in candidates if authority.touches(tags, f"{d.title}\n{d.instructions}")
    ]
    reason = hard_limit_reason(record)
    for duty in touched:
        duty.state = Duty.State.SUSPENDED
        duty.suspended_reason, duty.suspended_at = reason, now
        duty.save(update_fields=["state", "suspended_reason", "suspended_at"])
        duty.occurrences.filter(opens_at__gt=now, done_at__isnull=True).delete()
        duty.occurrences.filter(done_at__isnull=True, outcome="").update(
            outcome=Occurrence.Outcome.EXCUSED, settled_at=now
        )
        audit.record(
            duty.dynamic,
            actor,
            "duty_suspended",
            _("A duty was taken off the clock: %(reason)s") % {"reason": reason},
            at=now,
        )
    return touched


# Pauses -----------------------------------------------------------------------


def pause_intervals(
    dynamic_id: int, start: datetime, end: datetime
) -> list[clock.Interval]:
    """Returns the pauses that stop every clock of the dynamic in [start, end)
    (red, breaks, illness, planned time off), merged, in two queries. Context
    windows and authority lapses stop only some duties: see ``clock_pauses``."""
    return clock_pauses(dynamic_id, start, end, lapses=False).common_intervals()


def duty_pauses(stops: clock.PauseSet, duty: Duty) -> list[clock.Interval]:
    """Returns the intervals in which this duty's clock stops."""
    return stops.intervals_for(duty.suspended_when, duty.imposed)


def _stops(plan: ScheduledPause, start: datetime, end: datetime) -> list[clock.Stop]:
    if plan.scope == ScheduledPause.Scope.CONTEXT:
        cause, label = clock.Cause.CONTEXT, clock.context_key(plan.context)
    elif plan.scope == ScheduledPause.Scope.IMPOSED:
        cause, label = clock.Cause.LAPSE, "leader_absent"
    else:
        cause, label = clock.Cause.PAUSE, plan.reason
    return [clock.Stop(iv, cause, label) for iv in plan.intervals(start, end)]


def clock_pauses(
    dynamic_id: int,
    start: datetime,
    end: datetime,
    *,
    now: datetime | None = None,
    lapses: bool = True,
    couple: list[Membership] | None = None,
) -> clock.PauseSet:
    """Returns every stop of the dynamic overlapping [start, end): pauses that
    happened and planned ones (2 queries), and, with ``lapses``, the stretches
    up to ``now`` (default ``end``) in which the leader's authority had lapsed
    (2 more: the signed versions, the leader's presence, or 1 when the
    ``couple`` is given, as the permission gate has it)."""
    happened = Pause.objects.filter(dynamic_id=dynamic_id, started_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=start)
    )
    common = [
        clock.Stop(
            clock.Interval(p.started_at, p.ended_at), clock.Cause.PAUSE, p.reason
        )
        for p in happened
    ]
    contexts: list[clock.Stop] = []
    recorded_lapses: list[clock.Stop] = []
    # A cancelled plan still stopped the clocks until it was cancelled.
    planned = ScheduledPause.objects.filter(dynamic_id=dynamic_id).filter(
        Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=start)
    )
    for plan in planned:
        stops = _stops(plan, start, end)
        if plan.scope == ScheduledPause.Scope.CONTEXT:
            contexts += stops
        elif plan.scope == ScheduledPause.Scope.IMPOSED:
            recorded_lapses += stops
        else:
            common += stops
    live: list[clock.Stop] = []
    if lapses:
        live = [
            stop
            for stop in _lapse_stops(dynamic_id, now=now or end, couple=couple)
            if stop.interval.overlap(start, end) or stop.interval.covers(start)
        ]
    return clock.PauseSet(
        common=tuple(common),
        contexts=tuple(contexts),
        lapses=tuple(recorded_lapses + live) if lapses else tuple(recorded_lapses),
    )


def _lapse_stops(
    dynamic_id: int, *, now: datetime, couple: list[Membership] | None = None
) -> list[clock.Stop]:
    """Returns the authority lapses up to ``now`` from the facts, in two queries
    (one with the ``couple``, their people and presence loaded)."""
    versions = list(
        AgreementVersion.objects.filter(dynamic_id=dynamic_id, in_force_from__lte=now)
        .order_by("in_force_from")
        .values_list("in_force_from", "review_on", "absence_days")
    )
    if not versions:
        # Without a signed agreement nothing was ever imposed.
        return []
    if couple is None:
        couple = list(
            Membership.objects.filter(dynamic_id=dynamic_id).select_related(
                "user", "user__presence"
            )
        )
    people = {m.role: m for m in couple}
    leader, follower = people.get(Role.LEADER), people.get(Role.FOLLOWER)
    last_seen = None
    if leader is not None:
        presence = getattr(leader.user, "presence", None)
        last_seen = presence.last_seen_on if presence else None
    return clock.lapse_stops(
        [clock.SignedVersion(at, review_on) for at, review_on, _days in versions],
        zone=_zone(follower.user) if follower else "UTC",
        leader_last_seen=last_seen,
        absence_days=versions[-1][2],
        now=now,
    )


def record_absence_lapse(dynamic_id: int, *, now: datetime) -> None:
    """Writes down, while it happens, that the leader's absence has lapsed
    authority, and closes it once they are back.

    The leader's presence keeps only the last day they were seen, so without
    this a task frozen by the absence would thaw backwards when they return.
    For the worker (``materialise``), so it runs every hour.
    """
    live = [s for s in _lapse_stops(dynamic_id, now=now) if s.label == "leader_absent"]
    open_row = (
        ScheduledPause.objects.select_for_update()
        .filter(
            dynamic_id=dynamic_id,
            scope=ScheduledPause.Scope.IMPOSED,
            ends_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .first()
    )
    if live and open_row is None:
        ScheduledPause.objects.create(
            dynamic_id=dynamic_id,
            scope=ScheduledPause.Scope.IMPOSED,
            created_at=now,
            starts_at=live[0].interval.start,
        )
    elif not live and open_row is not None:
        open_row.ends_at = max(now, open_row.starts_at + timedelta(seconds=1))
        open_row.save(update_fields=["ends_at"])


# Contexts of the agreement's rules ----------------------------------------------


@dataclass(frozen=True)
class Context:
    """A context in which some of the agreement's rules are not in force."""

    key: str
    text: str  # as the first rule says it
    domains: tuple[str, ...]  # names of the areas of life whose rules name it


def agreement_contexts(dynamic_id: int, *, now: datetime) -> list[Context]:
    """Returns the contexts the rules of the agreement in force name, in order,
    in two queries (the version, its rules)."""
    version = (
        AgreementVersion.objects.filter(dynamic_id=dynamic_id, in_force_from__lte=now)
        .order_by("-number")
        .first()
    )
    if version is None:
        return []
    found: dict[str, tuple[str, list[str]]] = {}
    rules = version.rule_set.exclude(suspended_when="").select_related("domain")
    for rule in rules.order_by("id"):
        key = clock.context_key(rule.suspended_when)
        text, domains = found.setdefault(key, (rule.suspended_when, []))
        if rule.domain.name not in domains:
            domains.append(rule.domain.name)
    return [Context(k, t, tuple(d)) for k, (t, d) in found.items()]


def _check_context(dynamic_id: int, context: str, *, now: datetime) -> str:
    """Returns the context's words if the agreement names it, or refuses."""
    if not context:
        return ""
    key = clock.context_key(context)
    for known in agreement_contexts(dynamic_id, now=now):
        if known.key == key:
            return known.text
    raise Refused(
        _(
            "The agreement in force names no such context. Contexts come from "
            "its rules (“not in force when…”)."
        ),
        field="suspended_when",
    )


@transaction.atomic
def switch_context(
    actor: User, dynamic_id: int, *, context: str, on: bool, now: datetime
) -> ScheduledPause:
    """Says that a context of the agreement is in effect from now (``on``) or no
    longer (off). Either partner may: while it is on, the duties linked to it
    are off the clock."""
    membership = require(actor, dynamic_id, Act.PAUSE)
    text = _check_context(dynamic_id, context, now=now)
    if not text:
        raise Refused(_("Choose a context."), field="context")
    key = clock.context_key(text)
    running = [
        plan
        for plan in ScheduledPause.objects.select_for_update().filter(
            dynamic_id=dynamic_id,
            scope=ScheduledPause.Scope.CONTEXT,
            rule="",
            ends_at__isnull=True,
            cancelled_at__isnull=True,
        )
        if clock.context_key(plan.context) == key
    ]
    if on:
        if running:
            raise Refused(_("This context is already in effect."))
        plan = ScheduledPause.objects.create(
            dynamic=membership.dynamic,
            scope=ScheduledPause.Scope.CONTEXT,
            context=text,
            created_by=actor,
            created_at=now,
            starts_at=now,
            zone=actor.time_zone,
        )
    else:
        if not running:
            raise Refused(_("This context is not switched on."))
        plan = running[0]
        plan.ends_at = max(now, plan.starts_at + timedelta(seconds=1))
        plan.save(update_fields=["ends_at"])
    audit.record(
        membership.dynamic,
        actor,
        "context_on" if on else "context_off",
        (_("In effect now: %(context)s") if on else _("No longer: %(context)s"))
        % {"context": text},
        at=now,
        membership=membership,
    )
    return plan


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
    context: str = "",
    now: datetime,
) -> ScheduledPause:
    """Plans time off the clock, once or recurring. Either partner may.

    With ``context`` (one the agreement's rules name) it is a window in which
    only the duties linked to that context are off the clock, and ``reason``
    may be blank.
    """
    membership = require(actor, dynamic_id, Act.PAUSE)
    context = _check_context(dynamic_id, context.strip(), now=now)
    # A context window needs no reason of its own; anything else does.
    if (reason or not context) and (
        reason not in Pause.Reason.values or reason == Pause.Reason.RED
    ):
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
        scope=ScheduledPause.Scope.CONTEXT
        if context
        else ScheduledPause.Scope.EVERYONE,
        context=context,
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
        _("Pause planned: %(reason)s")
        % {"reason": context or plan.get_reason_display()},
        at=now,
        membership=membership,
    )
    return plan


@transaction.atomic
def cancel_scheduled_pause(
    actor: User, dynamic_id: int, plan_id: int, *, now: datetime
) -> ScheduledPause:
    """Cancels a planned pause from now on: one under way ends now, a repeating
    one has no more windows; the time already paused stays paused. A pause
    that is over is a fact and cannot be cancelled.

    Only the one who planned it cancels it, as only the one who paused
    resumes: the partner's time off is not theirs to take back."""
    membership = require(actor, dynamic_id, Act.PAUSE)
    plan = (
        ScheduledPause.objects.filter(
            dynamic_id=dynamic_id, pk=plan_id, cancelled_at__isnull=True
        )
        # A lapse the worker wrote down is a fact, not a plan.
        .exclude(scope=ScheduledPause.Scope.IMPOSED)
        .first()
    )
    if plan is None:
        raise Refused(_("There is no such planned pause."))
    if plan.created_by_id is not None and plan.created_by_id != actor.pk:
        raise NotAllowed(
            _("Your partner planned this pause; only they can cancel it. Ask them."),
            code="pause_not_yours",
        )
    if not plan.rule and plan.ends_at is not None and plan.ends_at <= now:
        raise Refused(
            _("This pause is over; it stays in the record as it was."),
            code="pause_over",
        )
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
        with transaction.atomic():
            record_absence_lapse(dyn, now=now)
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
    stops = clock_pauses(dynamic_id, start, now, now=now)
    settled = 0
    for occ in candidates:
        pauses = duty_pauses(stops, occ.duty)
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
    hooks.slipped(
        dynamic_id=occ.dynamic_id,
        occurrence_key=str(occ.pk),
        assignee_id=occ.assignee_id,
        title=occ.duty.title,
        due_at=due,
        kind=kind,
        now=now,
        duty_id=occ.duty_id,
    )


def _repair_done(occ: Occurrence, actor: User, *, now: datetime) -> None:
    """Tells conduct a task is done (and approved, if reviewed): when it is an
    incident's repair task, that incident is resolved (conduct, by the hook)."""
    hooks.task_done(actor, duty_id=occ.duty_id, done_at=occ.done_at, now=now)


# Repair tasks (conduct) ---------------------------------------------------------


@transaction.atomic
def assign_repair_task(
    actor: User,
    dynamic_id: int,
    *,
    title: str,
    instructions: str = "",
    assignee_role: str,
    due_at: datetime,
    reviewed: bool = False,
    now: datetime,
) -> Duty:
    """Creates the one-off task an incident's resolution carries (a correction,
    a "make it right" item, a reward owed), on the clock like any task.

    Called by ``conduct.services`` (which links it to the incident). The
    leader imposes it through the agreement's authority check as any duty:
    a paused or ended dynamic and a hard limit of either partner refuse, and
    for the follower a lapse of authority refuses too. The agreed menu (or a
    "make it right" item both agreed on) is its grant, so it needs no
    delegated area of life and is never turned into a request.
    """
    membership = require(actor, dynamic_id, Act.ASSIGN_DUTY)
    spec = _clean_spec(
        DutySpec(
            kind=Kind.TASK,
            title=title,
            domain="",
            assignee_role=assignee_role,
            instructions=instructions,
            reviewed=reviewed,
            due_at=due_at,
        ),
        now,
    )
    verdict = _verdict(membership.dynamic, actor, spec, now)
    if assignee_role == Role.FOLLOWER and verdict.lapse is not None:
        raise Refused(verdict.reason, code="authority_lapsed")
    duty = Duty.objects.create(
        dynamic=membership.dynamic,
        state=Duty.State.ACTIVE,
        created_by=actor,
        created_at=now,
        **_fields(spec, _members(dynamic_id)[assignee_role].user),
    )
    _materialise_duty(duty, now=now)
    return duty


def withdraw_repair_task(dynamic_id: int, duty_id: int) -> None:
    """Retires a repair task whose incident was forgiven: what is not done yet
    disappears, so the clock never counts it missed. Conduct asked ``access``."""
    Duty.objects.filter(dynamic_id=dynamic_id, pk=duty_id).update(
        state=Duty.State.RETIRED
    )
    Occurrence.objects.filter(duty_id=duty_id, done_at__isnull=True).delete()


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
    pauses = duty_pauses(clock_pauses(dynamic_id, occ.opens_at, now), occ.duty)
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
    if not duty.is_ritual and occ.review != Occurrence.Review.PENDING:
        _repair_done(occ, actor, now=now)
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
        if not occ.duty.is_ritual:
            _repair_done(occ, actor, now=now)
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


def purge_proof_photos(*, now: datetime, retention: timedelta | None = None) -> int:
    """Deletes proof photos older than the retention; returns how many.

    Each dynamic keeps photos as long as its agreement in force says
    (``proof_retention_days``), 30 days while none is signed. ``retention``
    overrides that for every dynamic (for a one-off clean-up).
    """
    in_force = (
        AgreementVersion.objects.filter(
            dynamic_id=OuterRef("dynamic_id"), in_force_from__lte=now
        )
        .order_by("-number")
        .values("proof_retention_days")[:1]
    )
    # Nothing is kept less than a day, so younger photos are never looked at.
    shortest = retention if retention is not None else timedelta(days=1)
    old = (
        Occurrence.objects.filter(
            marked_at__lt=now - shortest, photo_deleted_at__isnull=True
        )
        .exclude(proof_photo="")
        .annotate(retention_days=Subquery(in_force))
    )
    purged = 0
    for occ in old:
        keep = retention or timedelta(
            days=occ.retention_days or DEFAULT_PROOF_RETENTION_DAYS
        )
        if occ.marked_at >= now - keep:
            continue
        occ.proof_photo.delete(save=False)
        occ.photo_deleted_at = now
        occ.save(update_fields=["proof_photo", "photo_deleted_at"])
        purged += 1
    return purged


# The calendar feed ------------------------------------------------------------------


@transaction.atomic
def new_feed_token(actor: User, dynamic_id: int, *, now: datetime) -> str:
    """Returns a fresh feed token; an earlier feed URL stops working."""
    membership = require(actor, dynamic_id, Act.VIEW)
    FeedToken.objects.filter(user=actor, dynamic_id=dynamic_id).delete()
    token = new_token()
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
