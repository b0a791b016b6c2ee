"""Now: what one partner should see and do next in a dynamic, in one read.

The dynamic's home page, the header's bell and ``GET /api/v1/dynamics/{id}/now``
all read ``read(me, now)``. Dynamics knows no app above it, so the other apps
contribute their parts through a registry: each registers a *provider* in its
``AppConfig.ready()`` (``agreements.now``, ``duties.now``, ``talk.now``,
``conduct.now``). A provider takes the member (with the couple, from the
permission gate) and ``now``, and returns a ``Part`` in a fixed number of SQL
queries however long the history; ``read`` adds the dynamic's own part (pause,
aftercare, signals, invitation) and merges them.

Everything here is plain data: the page and the API render the same objects.
Only what the partner shared ever reaches a ``PartnerCheckIn``.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Max, OuterRef, Q, Subquery
from django.urls import reverse

from dynamics.models import Aftercare, Dynamic, Membership, Pause, Signal

# The partner's signals of the last day show in "My partner", seen or not.
PARTNER_SIGNALS_SINCE = timedelta(hours=24)


@dataclass(frozen=True)
class Note:
    """A signal or a state in effect, with its one next step.

    ``kind``: red, yellow, take_lead (signals, ``by_me`` when I sent it),
    pause, context, lapse, forming, ended. ``label`` carries the words that
    are the couple's own (a context) or the pause reason; pages word the rest.
    """

    kind: str
    at: datetime | None = None
    label: str = ""
    by_me: bool = False
    step: str = ""  # the next step, said in a few words
    url: str = ""  # where it is taken
    post: bool = False  # the step is a button (a form post), not a link


@dataclass(frozen=True)
class Step:
    """One step of setting up: invite, draft, sign, the first ritual."""

    order: int
    key: str
    text: str
    done: bool
    url: str = ""
    mine: bool = True  # this person can take it (else it is the partner's)


@dataclass(frozen=True)
class Due:
    """One of my open occurrences, with what a one-tap Done needs."""

    occurrence_id: int
    duty_id: int
    title: str
    status: str
    due_at: datetime
    deadline: datetime
    seconds_left: int
    frozen: bool
    late: bool
    needs_proof: bool
    needs_photo: bool
    tick_url: str
    more_url: str

    @property
    def left(self) -> timedelta:
        return timedelta(seconds=self.seconds_left)


@dataclass(frozen=True)
class Waiting:
    """Something that needs this person's act, and the exact place to do it."""

    kind: str
    text: str
    url: str
    at: datetime | None = None
    # The same in neutral words for discreet mode, when ``text`` would tell an
    # onlooker what it is about (an apology, a slip, aftercare…); "" when
    # ``text`` is neutral already.
    discreet: str = ""


@dataclass(frozen=True)
class PartnerDue:
    """What the partner has due today: title and state, nothing more."""

    title: str
    status: str
    due_at: datetime


@dataclass(frozen=True)
class PartnerCheckIn:
    """The partner's latest check-in, as far as they shared it."""

    day: date
    updated_at: datetime
    today: bool
    scales: list[tuple[str, int]]
    needs: str = ""
    wants: str = ""
    note: str = ""


@dataclass(frozen=True)
class Offer:
    """Something an app offers on Now, drawn by its own template (e.g. notify's
    offer to turn on push on this device); the API leaves offers out."""

    key: str
    template: str
    data: dict = field(default_factory=dict)


@dataclass
class Part:
    """What one app contributes to Now."""

    notes: list[Note] = field(default_factory=list)
    setup: list[Step] = field(default_factory=list)
    due: list[Due] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    partner_due: list[PartnerDue] = field(default_factory=list)
    partner_checkin: PartnerCheckIn | None = None
    # News to read, not to act on: e.g. a matter the partner decided lately.
    lately: list[Waiting] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)
    # Set by the agreements provider: an agreement is in force now.
    in_force: bool | None = None


@dataclass(frozen=True)
class PartnerBlock:
    membership: Membership | None
    checkin: PartnerCheckIn | None
    due: list[PartnerDue]
    signals: list[Signal]


@dataclass(frozen=True)
class Now:
    dynamic: Dynamic
    me: Membership
    now: datetime
    notes: list[Note]
    setup: list[Step]  # empty once every step is done
    due: list[Due]
    waiting: list[Waiting]
    lately: list[Waiting]
    partner: PartnerBlock
    offers: list[Offer]
    in_step: bool
    pause: Pause | None


Provider = Callable[[Membership, datetime], Part]
_providers: list[Provider] = []


def provide(provider: Provider) -> None:
    """Registers an app's part of Now; apps call it from ``ready()``."""
    if provider not in _providers:
        _providers.append(provider)


def _aftercare_state(aftercare: Aftercare | None) -> str:
    if aftercare is None:
        return "not checked in yet"
    return (
        "ready to resume" if aftercare.ready_to_resume else "checked in, not ready yet"
    )


def _own_part(me: Membership, now: datetime) -> tuple[Part, Pause | None, list]:
    """The dynamic's own part, in three queries (four while forming)."""
    dynamic = me.dynamic
    part = Part()
    d = dynamic.pk
    pause = dynamic.pauses.filter(ended_at__isnull=True).first()
    # Asked whether or not a pause is open: the count stays the same.
    aftercare = {
        a.user_id: a
        for a in Aftercare.objects.filter(
            pause__dynamic_id=d, pause__ended_at__isnull=True
        )
    }
    signals = list(
        dynamic.signals.filter(
            Q(acknowledged_at__isnull=True)
            | Q(sent_at__gte=now - PARTNER_SIGNALS_SINCE)
        )
        .select_related("sent_by")
        .order_by("-sent_at")[:20]
    )
    if dynamic.state == Dynamic.State.FORMING:
        invited = dynamic.invitations.filter(used_at__isnull=True).exists()
        part.setup.append(
            Step(
                1,
                "invite",
                "Invite your partner (a link is out)"
                if invited
                else "Invite your partner",
                False,
                reverse("dynamics:invite", args=[d]),
            )
        )
        part.notes.append(Note("forming"))
    else:
        part.setup.append(Step(1, "invite", "Your partner joined", True))
    if dynamic.state == Dynamic.State.ENDED:
        part.notes.append(Note("ended", at=dynamic.ended_at))
    if pause is not None:
        mine = aftercare.get(me.user_id)
        if pause.needs_both_to_resume:
            theirs = next(
                (a for user_id, a in aftercare.items() if user_id != me.user_id), None
            )
            part.notes.append(
                Note(
                    "red",
                    at=pause.started_at,
                    label=f"You: {_aftercare_state(mine)}. "
                    f"Your partner: {_aftercare_state(theirs)}.",
                    step="aftercare",
                    url=reverse("dynamics:aftercare", args=[d]),
                )
            )
            if mine is None or not mine.ready_to_resume:
                part.waiting.append(
                    Waiting(
                        "aftercare",
                        "Aftercare to give: check in with each other"
                        if mine is None
                        else "Aftercare: say when you are ready to resume",
                        reverse("dynamics:aftercare", args=[d]),
                        pause.started_at,
                        discreet="Check in with each other"
                        if mine is None
                        else "Check-in: say when you are ready to go on",
                    )
                )
        else:
            own = not pause.started_by_id or pause.started_by_id == me.user_id
            part.notes.append(
                Note(
                    "pause",
                    at=pause.started_at,
                    label=pause.get_reason_display(),
                    by_me=own,
                    step="resume" if own else "",
                    url=reverse("dynamics:resume", args=[d]) if own else "",
                    post=own,
                )
            )
    for signal in signals:
        if signal.acknowledged_at is not None:
            continue
        if signal.kind == Signal.Kind.RED and pause is not None:
            # Red is the red pause above; its "seen" lives in the alert region.
            continue
        by_me = signal.sent_by_id == me.user_id
        part.notes.append(
            Note(
                signal.kind,
                at=signal.sent_at,
                by_me=by_me,
                step="" if by_me else "seen",
                url=""
                if by_me
                else reverse("dynamics:acknowledge", args=[d, signal.pk]),
                post=not by_me,
            )
        )
    partner_signals = [s for s in signals if s.sent_by_id != me.user_id]
    return part, pause, partner_signals


def read(me: Membership, now: datetime) -> Now:
    """Returns Now for ``me``: the dynamic's own part in three queries plus
    each registered provider's fixed number; never more with longer history."""
    own, pause, partner_signals = _own_part(me, now)
    parts = [own]
    if me.dynamic.state != Dynamic.State.FORMING:
        parts += [provider(me, now) for provider in _providers]
    notes = [n for p in parts for n in p.notes]
    setup = sorted((s for p in parts for s in p.setup), key=lambda s: s.order)
    waiting = sorted(
        (w for p in parts for w in p.waiting),
        key=lambda w: (w.at is None, w.at or now),
    )
    in_force = any(p.in_force for p in parts)
    active = me.dynamic.state == Dynamic.State.ACTIVE
    # The checklist stays until every step is done, and is not shown after.
    if all(s.done for s in setup):
        setup = []
    due = sorted((d for p in parts for d in p.due), key=lambda d: (d.deadline, d.title))
    checkin = next(
        (p.partner_checkin for p in parts if p.partner_checkin is not None), None
    )
    return Now(
        dynamic=me.dynamic,
        me=me,
        now=now,
        notes=notes,
        setup=setup,
        due=due,
        waiting=waiting,
        lately=sorted(
            (w for p in parts for w in p.lately),
            key=lambda w: w.at or now,
            reverse=True,
        ),
        offers=[o for p in parts for o in p.offers],
        partner=PartnerBlock(
            membership=me.partner,
            checkin=checkin,
            due=sorted(
                (d for p in parts for d in p.partner_due), key=lambda d: d.due_at
            ),
            signals=partner_signals,
        ),
        in_step=active
        and in_force
        and not (notes or waiting or setup)
        and not any(d.late for d in due),
        pause=pause,
    )


def version(user_id: int, dynamic_id: int | None) -> str:
    """Returns a short fingerprint of what the person's pages show that the
    partner can change: it moves when a signal is sent or seen, or anything is
    done in ``dynamic_id`` (one query; two with a dynamic).

    The alert region's poll compares it with the one its page was drawn with
    and answers 204 while it stands.
    """
    alert_ids = list(
        Signal.objects.filter(
            dynamic__members__user_id=user_id, acknowledged_at__isnull=True
        )
        .exclude(sent_by_id=user_id)
        .exclude(dynamic__state=Dynamic.State.ENDED)
        .order_by("-sent_at")
        .values_list("pk", flat=True)[:10]
    )
    alerts = alerts_version(alert_ids)
    if dynamic_id is None:
        return f"{alerts}."
    return f"{alerts}.{activity_version(user_id, dynamic_id)}"


def alerts_version(signal_ids: list[int]) -> str:
    """Returns the alert part of the fingerprint from the ids the region shows."""
    return "-".join(str(i) for i in signal_ids) or "0"


# Each app's tables whose newest row moves when a partner acts, related to
# Dynamic. Apps above add theirs with ``watch``: e.g. a shared check-in.
_watched: dict[str, str] = {
    "audit": "audit__id",
    "signal": "signals__id",
    "seen": "signals__acknowledged_at",
    "pause": "pauses__id",
    "pause_end": "pauses__ended_at",
}


def watch(name: str, path: str) -> None:
    """Adds ``path`` (a lookup from Dynamic to a column whose maximum moves
    when someone acts) to the activity fingerprint; apps call it in ready()."""
    _watched[name] = path


def activity_version(user_id: int, dynamic_id: int) -> str:
    """Returns the dynamic's activity fingerprint, "" for a dynamic the person
    is not in (one query of scalar subqueries, each over one dynamic's rows)."""
    values = (
        Dynamic.objects.filter(pk=dynamic_id, members__user_id=user_id)
        .annotate(
            **{
                f"v_{name}": Subquery(
                    Dynamic.objects.filter(pk=OuterRef("pk"))
                    .annotate(v=Max(path))
                    .values("v")[:1]
                )
                for name, path in _watched.items()
            }
        )
        .values("state", *(f"v_{name}" for name in _watched))
        .first()
    )
    if values is None:
        return ""
    raw = "|".join(str(values[k]) for k in sorted(values))
    return hashlib.blake2b(raw.encode(), digest_size=6).hexdigest()
