"""Every change to a dynamic: pairing, pauses, signals, aftercare, ending.

Each function takes the acting person, asks ``access`` whether they may act,
enforces the invariants of DESIGN.md, records the act in the audit trail and
runs in one transaction, so a refusal changes nothing.
"""

import logging
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from accounts.models import User
from dynamics import audit, hooks
from dynamics.access import Act, require
from dynamics.models import (
    Aftercare,
    Dynamic,
    Invitation,
    Membership,
    Pause,
    Role,
    Signal,
)
from instep import ratelimit
from instep.errors import NotAllowed, Refused
from instep.tokens import hash_token, new_token

State = Dynamic.State
logger = logging.getLogger(__name__)


def _locked_dynamic(dynamic_id: int) -> Dynamic:
    """Returns the dynamic row locked for this transaction (PostgreSQL)."""
    return Dynamic.objects.select_for_update().get(pk=dynamic_id)


def _open_pause(dynamic: Dynamic) -> Pause | None:
    return dynamic.pauses.filter(ended_at__isnull=True).first()


@transaction.atomic
def create_dynamic(
    actor: User,
    *,
    role: str,
    my_title: str,
    partner_title: str,
    name: str = "",
    now: datetime,
) -> Dynamic:
    """Creates a forming dynamic with ``actor`` in ``role``; the partner joins later."""
    if role not in Role.values:
        raise Refused(_("Choose whether you lead or follow."), field="role")
    my_title, partner_title = my_title.strip(), partner_title.strip()
    if not my_title or not partner_title:
        raise Refused(_("Both partners need a title."), field="my_title")
    titles = {role: my_title, Role(role).other: partner_title}
    dynamic = Dynamic.objects.create(
        name=name.strip(),
        leader_title=titles[Role.LEADER],
        follower_title=titles[Role.FOLLOWER],
        created_at=now,
    )
    membership = Membership.objects.create(
        dynamic=dynamic, user=actor, role=role, joined_at=now
    )
    audit.record(
        dynamic,
        actor,
        "dynamic_created",
        _("Dynamic created"),
        at=now,
        membership=membership,
    )
    return dynamic


@transaction.atomic
def create_invitation(
    actor: User, dynamic_id: int, *, email: str = "", now: datetime
) -> tuple[Invitation, str]:
    """Returns a new invitation and its token; earlier open links stop working."""
    membership = require(actor, dynamic_id, Act.INVITE)
    dynamic = _locked_dynamic(dynamic_id)
    if dynamic.state != State.FORMING:
        raise Refused(_("This dynamic already has both partners."))
    if email.strip():
        # An e-mail goes to any address with the sender's words: limited.
        ratelimit.hit("invitation_email", actor.pk, now=now)
    dynamic.invitations.filter(used_at__isnull=True).update(
        used_at=now, outcome="revoked"
    )
    token = new_token()
    invitation = Invitation.objects.create(
        dynamic=dynamic,
        created_by=actor,
        token_hash=hash_token(token),
        email=email.strip().lower(),
        created_at=now,
        expires_at=now + timedelta(days=settings.INSTEP_INVITATION_DAYS),
    )
    audit.record(
        dynamic,
        actor,
        "invitation_created",
        _("Invitation link created"),
        at=now,
        membership=membership,
    )
    return invitation, token


def plain_subject(text: str) -> str:
    """Returns an e-mail subject as one line of plain text: a subject is a
    header, where a line break is refused (BadHeaderError) or splits it."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def send_invitation_email(invitation: Invitation, link: str, sender: User) -> bool:
    """Mails the link to the address on the invitation; returns whether it went out.

    Sent in the request, not through the task queue, so the token is never
    stored anywhere in clear.
    """
    context = {"link": link, "sender": sender, "invitation": invitation}
    try:
        send_mail(
            subject=plain_subject(
                render_to_string("dynamics/email/invitation_subject.txt", context)
            ),
            message=render_to_string("dynamics/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except (OSError, SMTPException):
        logger.warning("Invitation e-mail to dynamic %s failed", invitation.dynamic_id)
        return False
    return True


def open_invitation(token: str, *, now: datetime) -> Invitation:
    """Returns the invitation the token opens, or refuses with the reason."""
    invitation = (
        Invitation.objects.select_related("dynamic", "created_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise Refused(
            _("This invitation link is not valid."), code="invitation_invalid"
        )
    if invitation.used_at is not None:
        raise Refused(
            _("This invitation link has already been used."), code="invitation_used"
        )
    if invitation.expires_at <= now:
        raise Refused(
            _("This invitation link has expired. Ask your partner for a new one."),
            code="invitation_expired",
        )
    return invitation


def _check_invitee(invitation: Invitation, actor: User) -> None:
    if (
        invitation.created_by_id == actor.pk
        or invitation.dynamic.members.filter(user=actor).exists()
    ):
        raise Refused(
            _("You are already in this dynamic. Send the link to your partner."),
            code="invitation_own",
        )
    if invitation.email and invitation.email != actor.email.lower():
        raise Refused(
            _("This invitation was sent to another e-mail address."),
            code="invitation_wrong_person",
        )


@transaction.atomic
def accept_invitation(actor: User, token: str, *, now: datetime) -> Membership:
    """Joins ``actor`` in the remaining role; the dynamic becomes active."""
    invitation = open_invitation(token, now=now)
    _check_invitee(invitation, actor)
    dynamic = _locked_dynamic(invitation.dynamic_id)
    # Re-read under the lock: two people may open the same link at once.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None or dynamic.state != State.FORMING:
        raise Refused(
            _("This invitation link has already been used."), code="invitation_used"
        )
    taken = dynamic.members.values_list("role", flat=True).get()
    membership = Membership.objects.create(
        dynamic=dynamic, user=actor, role=Role(taken).other, joined_at=now
    )
    invitation.used_at, invitation.outcome = now, "accepted"
    invitation.save(update_fields=["used_at", "outcome"])
    dynamic.state = State.ACTIVE
    dynamic.save(update_fields=["state"])
    audit.record(
        dynamic,
        actor,
        "invitation_accepted",
        _("Invitation accepted: the dynamic is active"),
        at=now,
        membership=membership,
    )
    return membership


@transaction.atomic
def decline_invitation(actor: User, token: str, *, now: datetime) -> Invitation:
    """Marks the invitation declined; the link stops working."""
    invitation = open_invitation(token, now=now)
    _check_invitee(invitation, actor)
    invitation.used_at, invitation.outcome = now, "declined"
    invitation.save(update_fields=["used_at", "outcome"])
    audit.record(
        invitation.dynamic,
        None,
        "invitation_declined",
        _("Invitation declined"),
        at=now,
    )
    return invitation


IDEMPOTENCY_KEY_LENGTH = 64


@transaction.atomic
def send_signal(
    actor: User,
    dynamic_id: int,
    kind: str,
    *,
    now: datetime,
    idempotency_key: str = "",
    key_window: timedelta | None = None,
) -> Signal:
    """Records a signal. Red also pauses the dynamic at once until both are ready.

    Nothing can refuse a red signal while the dynamic exists and has not ended.
    With an ``idempotency_key``, a repeated call by the same sender returns the
    signal the first call recorded and changes nothing else. With a
    ``key_window`` (the pages' double-tap guard) the key holds only that long:
    a page kept open, or brought back with the browser's back button, must
    still be able to send red later, so a stale key is dropped, not replayed.
    """
    membership = require(actor, dynamic_id, Act.SEND_SIGNAL)
    if kind not in Signal.Kind.values:
        raise Refused(_("Unknown signal."), field="kind")
    if len(idempotency_key) > IDEMPOTENCY_KEY_LENGTH:
        raise Refused(
            _("An idempotency key has at most 64 characters."),
            field="idempotency_key",
            code="idempotency_key_invalid",
        )
    dynamic = _locked_dynamic(dynamic_id)
    if idempotency_key:
        # Looked up under the dynamic's lock, so two retries racing each other
        # see each other's signal; the unique constraint backs this up.
        earlier = Signal.objects.filter(
            dynamic=dynamic, sent_by=actor, idempotency_key=idempotency_key
        ).first()
        if earlier is not None and key_window and earlier.sent_at < now - key_window:
            idempotency_key, earlier = "", None
        if earlier is not None:
            if earlier.kind != kind:
                raise Refused(
                    _("This idempotency key was already used for another signal."),
                    field="idempotency_key",
                    code="idempotency_key_reused",
                )
            return earlier
    if dynamic.is_ended:
        raise Refused(_("This dynamic has ended; there is nothing left to stop."))
    signal = Signal.objects.create(
        dynamic=dynamic,
        kind=kind,
        sent_by=actor,
        sent_at=now,
        idempotency_key=idempotency_key,
    )
    if kind == Signal.Kind.RED:
        pause = _open_pause(dynamic)
        if pause is None or pause.reason != Pause.Reason.RED:
            if pause is not None:
                # A red during an ordinary pause turns it into a red pause, so
                # that the resumption needs both partners.
                _close_pause(pause, actor, now=now)
            Pause.objects.create(
                dynamic=dynamic,
                reason=Pause.Reason.RED,
                started_by=actor,
                started_at=now,
            )
        if dynamic.state == State.ACTIVE:
            dynamic.state = State.PAUSED
            dynamic.save(update_fields=["state"])
    # Written in this transaction; delivered by the worker once it commits.
    hooks.signal_sent(signal, now=now)  # notify tells the partner
    audit.record(
        dynamic,
        actor,
        f"signal_{kind}",
        {
            Signal.Kind.RED: _("Red signal: everything stopped"),
            Signal.Kind.YELLOW: _("Yellow signal: slow down, we need to talk"),
            Signal.Kind.TAKE_LEAD: _("Asked the partner to take the lead"),
        }[Signal.Kind(kind)],
        at=now,
        membership=membership,
    )
    return signal


def send_red_everywhere(
    actor: User,
    *,
    now: datetime,
    idempotency_key: str = "",
    key_window: timedelta | None = None,
) -> list[Signal]:
    """Sends red in every dynamic of the person that has not ended: stop everything.

    Each dynamic stops in its own transaction, so one failing never holds
    back the others. Keys are per dynamic, so one ``idempotency_key`` serves
    them all: a repeated tap returns the first tap's signals.
    """
    dynamic_ids = (
        Membership.objects.filter(user=actor)
        .exclude(dynamic__state=State.ENDED)
        .values_list("dynamic_id", flat=True)
    )
    return [
        send_signal(
            actor,
            dynamic_id,
            "red",
            now=now,
            idempotency_key=idempotency_key,
            key_window=key_window,
        )
        for dynamic_id in dynamic_ids
    ]


@transaction.atomic
def acknowledge_signal(
    actor: User, dynamic_id: int, signal_id: int, *, now: datetime
) -> Signal:
    """Marks the partner's signal as seen (never one's own)."""
    require(actor, dynamic_id, Act.ACKNOWLEDGE_SIGNAL)
    signal = Signal.objects.filter(dynamic_id=dynamic_id, pk=signal_id).first()
    if signal is None or signal.sent_by_id == actor.pk:
        raise Refused(_("There is no signal from your partner to acknowledge."))
    if signal.acknowledged_at is None:
        signal.acknowledged_at = now
        signal.save(update_fields=["acknowledged_at"])
    return signal


@transaction.atomic
def pause_dynamic(
    actor: User, dynamic_id: int, *, reason: str = Pause.Reason.BREAK, now: datetime
) -> Pause:
    """Stops the dynamic's clocks until someone resumes."""
    membership = require(actor, dynamic_id, Act.PAUSE)
    if reason not in Pause.Reason.values or reason == Pause.Reason.RED:
        raise Refused(_("Choose a reason for the pause."), field="reason")
    dynamic = _locked_dynamic(dynamic_id)
    if dynamic.state != State.ACTIVE:
        raise Refused(
            {
                State.FORMING: _("The dynamic starts once your partner has joined."),
                State.PAUSED: _("The dynamic is already paused."),
                State.ENDED: _("This dynamic has ended."),
            }[State(dynamic.state)]
        )
    pause = Pause.objects.create(
        dynamic=dynamic, reason=reason, started_by=actor, started_at=now
    )
    dynamic.state = State.PAUSED
    dynamic.save(update_fields=["state"])
    audit.record(
        dynamic,
        actor,
        "dynamic_paused",
        _("Paused: %(reason)s") % {"reason": pause.get_reason_display()},
        at=now,
        membership=membership,
    )
    hooks.tell_partner(
        dynamic_id,
        actor,
        "pause_started",
        {"reason": str(pause.get_reason_display()).lower()},
        dedupe_key=f"pause:{pause.pk}:started",
        now=now,
    )
    return pause


def _close_pause(pause: Pause, actor: User | None, *, now: datetime) -> None:
    """Ends an open pause at ``now``, or at its start if ``now`` is earlier.

    A clock a little behind (another process, a caller's own ``now``) must not
    trip the check that a pause ends after it starts: the pause then simply
    lasted no time.
    """
    pause.ended_at, pause.ended_by = max(now, pause.started_at), actor
    pause.save(update_fields=["ended_at", "ended_by"])


def _resume(
    dynamic: Dynamic, pause: Pause, actor: User | None, *, now: datetime
) -> None:
    _close_pause(pause, actor, now=now)
    dynamic.state = State.ACTIVE
    dynamic.save(update_fields=["state"])


@transaction.atomic
def resume_dynamic(actor: User, dynamic_id: int, *, now: datetime) -> Dynamic:
    """Ends an ordinary pause. After red, only both partners' aftercare resumes.

    A pause is ended by the one who started it: either partner's right to
    stop the clocks would be empty if the other could start them again at
    once (a follower ill in bed, a leader who needs a break)."""
    membership = require(actor, dynamic_id, Act.RESUME)
    dynamic = _locked_dynamic(dynamic_id)
    pause = _open_pause(dynamic)
    if dynamic.state != State.PAUSED or pause is None:
        raise Refused(_("The dynamic is not paused."))
    if pause.needs_both_to_resume:
        raise Refused(
            _(
                "After a red signal, the dynamic resumes only when both of you say so "
                "in your aftercare check-in."
            ),
            code="red_needs_both",
        )
    if pause.started_by_id is not None and pause.started_by_id != actor.pk:
        raise NotAllowed(
            _(
                "Your partner paused (%(reason)s); only they can resume. Ask them "
                "when they are ready."
            )
            % {"reason": pause.get_reason_display().lower()},
            code="pause_not_yours",
        )
    _resume(dynamic, pause, actor, now=now)
    audit.record(
        dynamic, actor, "dynamic_resumed", _("Resumed"), at=now, membership=membership
    )
    hooks.tell_partner(
        dynamic_id,
        actor,
        "pause_ended",
        {},
        dedupe_key=f"pause:{pause.pk}:ended",
        now=now,
    )
    return dynamic


@transaction.atomic
def give_aftercare(
    actor: User,
    dynamic_id: int,
    *,
    feeling: int,
    note: str = "",
    ready_to_resume: bool,
    now: datetime,
) -> Aftercare:
    """Records aftercare after red; when both are ready, the dynamic resumes."""
    membership = require(actor, dynamic_id, Act.GIVE_AFTERCARE)
    if not 1 <= feeling <= 5:
        raise Refused(_("Choose how you are, from 1 to 5."), field="feeling")
    dynamic = _locked_dynamic(dynamic_id)
    pause = _open_pause(dynamic)
    if pause is None or not pause.needs_both_to_resume:
        raise Refused(_("There is no red signal to check in after."))
    aftercare, _created = Aftercare.objects.update_or_create(
        pause=pause,
        user=actor,
        defaults={
            "feeling": feeling,
            "note": note.strip(),
            "ready_to_resume": ready_to_resume,
            "updated_at": now,
        },
    )
    audit.record(
        dynamic,
        actor,
        "aftercare_given",
        _("Aftercare check-in: ready to resume")
        if ready_to_resume
        else _("Aftercare check-in: not ready yet"),
        at=now,
        membership=membership,
    )
    member_ids = set(dynamic.members.values_list("user_id", flat=True))
    ready_ids = set(
        pause.aftercare.filter(ready_to_resume=True).values_list("user_id", flat=True)
    )
    if len(member_ids) == 2 and member_ids <= ready_ids:
        _resume(dynamic, pause, actor, now=now)
        audit.record(
            dynamic,
            None,
            "dynamic_resumed",
            _("Resumed: both partners said they are ready"),
            at=now,
        )
    return aftercare


@transaction.atomic
def end_dynamic(actor: User, dynamic_id: int, *, now: datetime) -> Dynamic:
    """Ends the dynamic for both. Either partner may do this at any time."""
    membership = require(actor, dynamic_id, Act.END)
    dynamic = _locked_dynamic(dynamic_id)
    if dynamic.is_ended:
        raise Refused(_("This dynamic has already ended."))
    _end(dynamic, now=now)
    audit.record(
        dynamic,
        actor,
        "dynamic_ended",
        _("Dynamic ended"),
        at=now,
        membership=membership,
    )
    return dynamic


def _end(dynamic: Dynamic, *, now: datetime) -> None:
    if pause := _open_pause(dynamic):
        pause.ended_at = max(now, pause.started_at)  # see _close_pause
        pause.save(update_fields=["ended_at"])
    dynamic.invitations.filter(used_at__isnull=True).update(
        used_at=now, outcome="revoked"
    )
    dynamic.state, dynamic.ended_at = State.ENDED, now
    dynamic.save(update_fields=["state", "ended_at"])


@transaction.atomic
def leave_all(actor: User, *, now: datetime) -> None:
    """Ends every dynamic of a person who deletes their account.

    The partner keeps the ended dynamic and its audit trail; a dynamic nobody
    else belongs to is erased with everything in it.
    """
    for membership in Membership.objects.filter(user=actor).select_related("dynamic"):
        dynamic = _locked_dynamic(membership.dynamic_id)
        others = dynamic.members.exclude(user=actor).exists()
        if not others:
            dynamic.delete()
            continue
        if not dynamic.is_ended:
            _end(dynamic, now=now)
        audit.record(
            dynamic,
            None,
            "member_left",
            _("A partner deleted their account; the dynamic ended"),
            at=now,
        )
