"""Dynamics: pairing, pauses, signals, aftercare, ending, the audit trail.

Every operation calls dynamics.services (writes) or reads after
dynamics.access.require: the same gate and the same rules as the pages.
"""

from django.core.paginator import Paginator
from django.urls import reverse
from ninja import Header, Query, Router, Status
from pydantic import BaseModel

from accounts.models import User
from api.routers.common import (
    PageNumber,
    id_param,
    now,
    only_known_query,
    person,
    responses,
)
from api.schemas import (
    AftercareIn,
    AftercareOut,
    AuditPageOut,
    DynamicDetailOut,
    DynamicIn,
    DynamicOut,
    IdempotencyKey,
    InvitationIn,
    InvitationOut,
    InvitationTokenIn,
    PauseIn,
    PauseOut,
    SignalIn,
    SignalOut,
    SignalPageOut,
)
from api.schemas.now import NowOut
from dynamics import now as now_read
from dynamics import queries, services
from dynamics.access import Act, require
from dynamics.models import Aftercare, Dynamic, Membership, Pause, Role, Signal

router = Router(tags=["dynamics"])
DynamicId = id_param("The dynamic's id.")
SIGNAL_PAGE_SIZE = 25
IDEMPOTENCY_HEADER = Header(
    None,
    alias="Idempotency-Key",
    description="Any 1–64 visible ASCII characters, new for each signal. A retry "
    "with the same key returns the first signal and changes nothing.",
)


class PageQuery(BaseModel):
    page: int = PageNumber


def dynamic_out(dynamic: Dynamic, role: str) -> dict:
    return {
        "id": dynamic.pk,
        "name": dynamic.name,
        "state": dynamic.state,
        "my_role": role,
        "my_title": dynamic.title_for(role),
        "partner_title": dynamic.title_for(Role(role).other),
        "created_at": dynamic.created_at,
        "ended_at": dynamic.ended_at,
    }


def signal_out(signal: Signal, user: User) -> dict:
    return {
        "id": signal.pk,
        "kind": signal.kind,
        "sent_at": signal.sent_at,
        "sent_by_me": signal.sent_by_id == user.pk,
        "acknowledged_at": signal.acknowledged_at,
    }


def pause_out(pause: Pause, user: User) -> dict:
    return {
        "id": pause.pk,
        "reason": pause.reason,
        "started_at": pause.started_at,
        "ended_at": pause.ended_at,
        "started_by_me": pause.started_by_id == user.pk,
        "needs_both_to_resume": pause.needs_both_to_resume,
    }


def partner_aftercare_out(aftercare: Aftercare) -> dict:
    """The partner's aftercare, exactly what the aftercare page shows of it."""
    return {
        "feeling": aftercare.feeling,
        "note": aftercare.note,
        "ready_to_resume": aftercare.ready_to_resume,
        "updated_at": aftercare.updated_at,
    }


def aftercare_out(aftercare: Aftercare, dynamic: Dynamic) -> dict:
    return {
        "feeling": aftercare.feeling,
        "note": aftercare.note,
        "ready_to_resume": aftercare.ready_to_resume,
        "updated_at": aftercare.updated_at,
        "dynamic_state": dynamic.state,
    }


def _page(paginator: Paginator, number: int) -> tuple:
    page = paginator.get_page(number)
    meta = {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
    }
    return page, meta


@router.get("/dynamics", response=responses({200: list[DynamicOut]}))
def list_dynamics(request):
    """My dynamics, current ones first."""
    return [
        dynamic_out(m.dynamic, m.role) for m in queries.memberships_of(person(request))
    ]


@router.post("/dynamics", response=responses({201: DynamicOut}))
def create_dynamic(request, body: DynamicIn):
    """Starts a dynamic with me in ``role``; invite the partner next."""
    dynamic = services.create_dynamic(person(request), **body.model_dump(), now=now())
    return Status(201, dynamic_out(dynamic, body.role))


@router.get("/dynamics/{dynamic_id}/now", response=responses({200: NowOut}))
def read_now(request, dynamic_id: int = DynamicId):
    """Now, as the dynamic's home page shows it to me: signals and state in
    effect, the steps of setting up, what is due for me, what waits on me
    (each with the page where it is done), and how my partner is, as far as
    they shared it."""
    return now_read.read(require(person(request), dynamic_id, Act.VIEW), now())


@router.get("/dynamics/{dynamic_id}", response=responses({200: DynamicDetailOut}))
def read_dynamic(request, dynamic_id: int = DynamicId):
    """One dynamic as its home page shows it."""
    user = person(request)
    home = queries.dynamic_home(require(user, dynamic_id, Act.VIEW))
    partner = home.partner
    return {
        **dynamic_out(home.dynamic, home.me.role),
        "partner": {
            "display_name": partner.user.display_name,
            "role": partner.role,
            "title": partner.title,
        }
        if partner
        else None,
        "pause": pause_out(home.pause, user) if home.pause else None,
        "partner_signals": [signal_out(s, user) for s in home.partner_signals],
        "my_aftercare": aftercare_out(home.my_aftercare, home.dynamic)
        if home.my_aftercare
        else None,
        "partner_aftercare": partner_aftercare_out(home.partner_aftercare)
        if home.partner_aftercare and home.pause and home.pause.needs_both_to_resume
        else None,
        "partner_ready_to_resume": home.partner_aftercare.ready_to_resume
        if home.partner_aftercare
        else None,
        "open_invitation": home.open_invitation,
    }


@router.post(
    "/dynamics/{dynamic_id}/invitations", response=responses({201: InvitationOut})
)
def create_invitation(request, body: InvitationIn, dynamic_id: int = DynamicId):
    """A new invitation link for the partner. The token is shown only here."""
    user = person(request)
    invitation, token = services.create_invitation(
        user, dynamic_id, email=body.email, now=now()
    )
    link = request.build_absolute_uri(reverse("dynamics:invitation", args=[token]))
    sent = None
    if invitation.email:
        sent = services.send_invitation_email(invitation, link, user)
    return Status(
        201,
        {
            "token": token,
            "link": link,
            "expires_at": invitation.expires_at,
            "email_sent": sent,
        },
    )


@router.post("/invitations/accept", response=responses({200: DynamicOut}))
def accept_invitation(request, body: InvitationTokenIn):
    """Joins the dynamic the token invites to, in the role left open."""
    membership: Membership = services.accept_invitation(
        person(request), body.token, now=now()
    )
    return dynamic_out(membership.dynamic, membership.role)


@router.post("/invitations/decline", response=responses({204: None}))
def decline_invitation(request, body: InvitationTokenIn):
    """Declines the invitation; the link stops working."""
    services.decline_invitation(person(request), body.token, now=now())
    return Status(204, None)


@router.post("/dynamics/{dynamic_id}/pause", response=responses({201: PauseOut}))
def pause_dynamic(request, body: PauseIn, dynamic_id: int = DynamicId):
    """Stops the dynamic's clocks until someone resumes."""
    user = person(request)
    pause = services.pause_dynamic(user, dynamic_id, reason=body.reason, now=now())
    return Status(201, pause_out(pause, user))


@router.post("/dynamics/{dynamic_id}/resume", response=responses({200: DynamicOut}))
def resume_dynamic(request, dynamic_id: int = DynamicId):
    """Ends an ordinary pause (after red, aftercare by both resumes)."""
    user = person(request)
    dynamic = services.resume_dynamic(user, dynamic_id, now=now())
    return dynamic_out(dynamic, _role(user, dynamic_id))


@router.post("/dynamics/{dynamic_id}/end", response=responses({200: DynamicOut}))
def end_dynamic(request, dynamic_id: int = DynamicId):
    """Ends the dynamic for both, for good."""
    user = person(request)
    dynamic = services.end_dynamic(user, dynamic_id, now=now())
    return dynamic_out(dynamic, _role(user, dynamic_id))


@router.post("/dynamics/{dynamic_id}/signals", response=responses({201: SignalOut}))
def send_signal(
    request,
    body: SignalIn,
    dynamic_id: int = DynamicId,
    idempotency_key: IdempotencyKey | None = IDEMPOTENCY_HEADER,
):
    """Red stops everything at once; yellow asks to slow down; take_lead asks
    the partner to step in. Idempotent with a key."""
    user = person(request)
    signal = services.send_signal(
        user,
        dynamic_id,
        body.kind,
        now=now(),
        idempotency_key=idempotency_key or body.idempotency_key or "",
    )
    return Status(201, signal_out(signal, user))


@router.get("/dynamics/{dynamic_id}/signals", response=responses({200: SignalPageOut}))
def list_signals(request, query: Query[PageQuery], dynamic_id: int = DynamicId):
    """Both partners' signals, newest first."""
    only_known_query(request, PageQuery)
    user = person(request)
    membership = require(user, dynamic_id, Act.VIEW)
    signals = membership.dynamic.signals.order_by("-sent_at", "-id")
    page, meta = _page(Paginator(signals, SIGNAL_PAGE_SIZE), query.page)
    return {**meta, "items": [signal_out(s, user) for s in page]}


@router.post(
    "/dynamics/{dynamic_id}/signals/{signal_id}/acknowledge",
    response=responses({200: SignalOut}),
)
def acknowledge_signal(
    request,
    dynamic_id: int = DynamicId,
    signal_id: int = id_param("The signal's id."),
):
    """Marks the partner's signal as seen."""
    user = person(request)
    signal = services.acknowledge_signal(user, dynamic_id, signal_id, now=now())
    return signal_out(signal, user)


@router.post(
    "/dynamics/{dynamic_id}/aftercare", response=responses({200: AftercareOut})
)
def give_aftercare(request, body: AftercareIn, dynamic_id: int = DynamicId):
    """After red: how I am, and whether I am ready to resume."""
    aftercare = services.give_aftercare(
        person(request), dynamic_id, **body.model_dump(), now=now()
    )
    return aftercare_out(aftercare, Dynamic.objects.get(pk=dynamic_id))


@router.get("/dynamics/{dynamic_id}/audit", response=responses({200: AuditPageOut}))
def read_audit(request, query: Query[PageQuery], dynamic_id: int = DynamicId):
    """The audit trail, newest first, 25 entries a page."""
    only_known_query(request, PageQuery)
    membership = require(person(request), dynamic_id, Act.VIEW_AUDIT)
    page = queries.audit_page(membership.dynamic, query.page)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "items": [
            {
                "at": e.at,
                "act": e.act,
                "actor_role": e.actor_role,
                "summary": e.summary,
            }
            for e in page
        ],
    }


def _role(user: User, dynamic_id: int) -> str:
    return (
        Membership.objects.filter(user=user, dynamic_id=dynamic_id)
        .values_list("role", flat=True)
        .get()
    )
