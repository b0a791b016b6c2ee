"""Reads for the dynamics pages, each in a fixed number of SQL queries."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch

from accounts.models import User
from dynamics import nav
from dynamics.models import (
    Aftercare,
    AuditEntry,
    Dynamic,
    Invitation,
    Membership,
    Pause,
    Role,
    Signal,
)

AUDIT_PAGE_SIZE = 25


@dataclass(frozen=True)
class DynamicHome:
    dynamic: Dynamic
    me: Membership
    partner: Membership | None
    pause: Pause | None
    my_aftercare: Aftercare | None
    partner_aftercare: Aftercare | None
    partner_signals: list[Signal]
    recent_audit: list[AuditEntry]
    open_invitation: bool
    aftercare_needed: bool = field(init=False)

    def __post_init__(self) -> None:
        needed = (
            self.pause is not None
            and self.pause.needs_both_to_resume
            and (self.my_aftercare is None or not self.my_aftercare.ready_to_resume)
        )
        object.__setattr__(self, "aftercare_needed", needed)


def dynamic_home(me: Membership) -> DynamicHome:
    """Returns what the dynamic's home page shows, in four queries (five while
    forming); the partner comes with the permission gate."""
    dynamic = me.dynamic
    members = me.couple
    partner = next((m for m in members if m.user_id != me.user_id), None)
    pause = (
        dynamic.pauses.filter(ended_at__isnull=True)
        .prefetch_related(Prefetch("aftercare", queryset=Aftercare.objects.all()))
        .first()
    )
    aftercare = {a.user_id: a for a in pause.aftercare.all()} if pause else {}
    signals = [
        s
        for s in dynamic.signals.filter(acknowledged_at__isnull=True).order_by(
            "-sent_at"
        )
        if s.sent_by_id != me.user_id
    ]
    audit = list(dynamic.audit.select_related("actor").order_by("-at", "-id")[:5])
    return DynamicHome(
        dynamic=dynamic,
        me=me,
        partner=partner,
        pause=pause,
        my_aftercare=aftercare.get(me.user_id),
        partner_aftercare=aftercare.get(partner.user_id) if partner else None,
        partner_signals=signals,
        recent_audit=audit,
        open_invitation=dynamic.state == Dynamic.State.FORMING
        and dynamic.invitations.filter(used_at__isnull=True).exists(),
    )


def audit_page(dynamic: Dynamic, number: str | int | None) -> Page:
    """Returns one page of the audit trail, newest first."""
    entries = dynamic.audit.select_related("actor").order_by("-at", "-id")
    return Paginator(entries, AUDIT_PAGE_SIZE).get_page(number)


def memberships_of(user: User) -> list[Membership]:
    """Returns the person's dynamics, current ones first, for lists and the
    switcher, with what the page frame shows about each (``dynamics.nav``)."""
    return nav.in_switcher_order(
        list(
            nav.annotate(Membership.objects.filter(user=user), user).select_related(
                "dynamic"
            )
        )
    )


def partner_alerts(user: User, memberships: list[Membership]) -> list[Signal]:
    """Returns the partner's unacknowledged signals in the person's dynamics
    that have not ended (``memberships_of``), newest first, in one query, or
    none when the memberships say that no signal waits (``alerts_waiting``)."""
    live = {
        m.dynamic_id: m.dynamic
        for m in memberships
        if not m.dynamic.is_ended and getattr(m, "alerts_waiting", True)
    }
    if not live:
        return []
    signals = list(
        Signal.objects.filter(dynamic_id__in=live, acknowledged_at__isnull=True)
        .exclude(sent_by=user)
        .select_related("sent_by")
        .order_by("-sent_at")[:10]
    )
    for signal in signals:
        signal.dynamic = live[signal.dynamic_id]
    return signals


@dataclass(frozen=True)
class InvitationOffer:
    inviter: str
    inviter_title: str
    role: str
    title: str


def invitation_offer(invitation: Invitation) -> InvitationOffer:
    """Returns what the invitation offers: the role and title left for the invitee."""
    taken = invitation.dynamic.members.values_list("role", flat=True).get()
    role = Role(taken).other
    return InvitationOffer(
        inviter=invitation.created_by.display_name,
        inviter_title=invitation.dynamic.title_for(taken),
        role=role,
        title=invitation.dynamic.title_for(role),
    )


def leaders_of(dynamic_ids: set[int]) -> dict[int, list[User]]:
    """Returns the leader of each dynamic (as a list, empty for none), in one
    query; for the periodic reminders of the apps above."""
    found: dict[int, list[User]] = {}
    for membership in Membership.objects.filter(
        dynamic_id__in=dynamic_ids, role=Role.LEADER
    ).select_related("user"):
        found.setdefault(membership.dynamic_id, []).append(membership.user)
    return found
