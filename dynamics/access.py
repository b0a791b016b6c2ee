"""The one place that decides who may see or do what in a dynamic.

Views, the API, admin actions and management commands all ask here. A person
who is not a member of a dynamic learns nothing about it: they get a 404,
exactly as for a dynamic that does not exist.
"""

from collections.abc import Callable
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from dynamics import nav
from dynamics.models import Membership
from instep.errors import NotAllowed


class Act(StrEnum):
    VIEW = "view"
    VIEW_AUDIT = "view_audit"
    INVITE = "invite"
    SEND_SIGNAL = "send_signal"
    ACKNOWLEDGE_SIGNAL = "acknowledge_signal"
    PAUSE = "pause"
    RESUME = "resume"
    GIVE_AFTERCARE = "give_aftercare"
    END = "end"
    VIEW_AGREEMENT = "view_agreement"
    PROPOSE_AGREEMENT = "propose_agreement"
    EDIT_AGREEMENT = "edit_agreement"
    SIGN_AGREEMENT = "sign_agreement"
    COMMENT_AGREEMENT = "comment_agreement"
    EDIT_SAFEWORDS = "edit_safewords"
    IMPOSE = "impose"
    ASSIGN_DUTY = "assign_duty"
    COMPLETE_DUTY = "complete_duty"
    REVIEW_DUTY = "review_duty"
    EXPLORE = "explore"
    # talk
    CHECK_IN = "check_in"
    OPEN_MATTER = "open_matter"
    DISCUSS_MATTER = "discuss_matter"
    DECIDE_MATTER = "decide_matter"
    ASK_REQUEST = "ask_request"
    ANSWER_REQUEST = "answer_request"
    WRITE_JOURNAL = "write_journal"
    HOLD_REVIEW = "hold_review"
    REPORT_INCIDENT = "report_incident"
    REFLECT = "reflect"
    APOLOGISE = "apologise"
    GIVE_REWARD = "give_reward"
    RESOLVE_INCIDENT = "resolve_incident"
    MAKE_IT_RIGHT = "make_it_right"
    COMPLETE_REPAIR = "complete_repair"
    AGREE_MAKE_IT_RIGHT = "agree_make_it_right"


# Role rules only. Whether the dynamic's state allows an act is an invariant
# the service checks, with a message about the state.
RULES: dict[Act, Callable[[Membership], bool]] = {
    Act.VIEW: lambda m: True,
    Act.VIEW_AUDIT: lambda m: True,  # the audit trail is visible to both
    Act.INVITE: lambda m: True,
    Act.SEND_SIGNAL: lambda m: True,  # the follower's controls always work
    Act.ACKNOWLEDGE_SIGNAL: lambda m: True,
    Act.PAUSE: lambda m: True,  # either partner may pause
    Act.RESUME: lambda m: True,
    Act.GIVE_AFTERCARE: lambda m: True,
    Act.END: lambda m: True,  # either partner may end it, at any time
    Act.VIEW_AGREEMENT: lambda m: True,
    Act.PROPOSE_AGREEMENT: lambda m: True,  # either partner may propose a draft
    Act.EDIT_AGREEMENT: lambda m: True,  # both edit a draft; limits by their owner
    Act.SIGN_AGREEMENT: lambda m: True,
    Act.COMMENT_AGREEMENT: lambda m: True,
    # Both may open them; the service lets the leader change only their own
    # aftercare wishes, the follower everything, at any time.
    Act.EDIT_SAFEWORDS: lambda m: True,
    Act.IMPOSE: lambda m: m.is_leader,  # and only inside the agreement in force
    # Duties: the leader assigns (their own promises too) and reviews; the
    # follower answers requests; the service checks that only the assignee ticks.
    Act.ASSIGN_DUTY: lambda m: m.is_leader,
    Act.COMPLETE_DUTY: lambda m: True,
    Act.REVIEW_DUTY: lambda m: m.is_leader,
    Act.EXPLORE: lambda m: True,  # each answers privately; only matches are shared
    # talk
    Act.CHECK_IN: lambda m: True,
    Act.OPEN_MATTER: lambda m: True,
    Act.DISCUSS_MATTER: lambda m: True,
    Act.DECIDE_MATTER: lambda m: m.is_leader,  # decides after discussion
    Act.ASK_REQUEST: lambda m: m.is_leader,  # asks outside delegated domains
    Act.ANSWER_REQUEST: lambda m: m.is_follower,  # accepts or declines those
    Act.WRITE_JOURNAL: lambda m: True,
    Act.HOLD_REVIEW: lambda m: True,
    # Conduct: both partners' slips run through the same flow. Corrections
    # use IMPOSE (via the authority check); the services decide who in an
    # incident may act (the one who slipped reflects, the other forgives).
    Act.REPORT_INCIDENT: lambda m: True,
    Act.REFLECT: lambda m: True,
    Act.APOLOGISE: lambda m: True,
    Act.GIVE_REWARD: lambda m: m.is_leader,  # rewards come from the leader's menu
    Act.RESOLVE_INCIDENT: lambda m: True,
    Act.MAKE_IT_RIGHT: lambda m: True,
    Act.COMPLETE_REPAIR: lambda m: True,
    Act.AGREE_MAKE_IT_RIGHT: lambda m: True,
}

# Lazy: this module is imported before any language is active.
MESSAGES: dict[Act, str | Promise] = {
    Act.IMPOSE: gettext_lazy("Only the leader holds authority in this dynamic."),
    Act.ASSIGN_DUTY: gettext_lazy(
        "Only the leader assigns duties; ask for one in a talk."
    ),
    Act.REVIEW_DUTY: gettext_lazy("Only the leader reviews duties."),
    Act.GIVE_REWARD: gettext_lazy(
        "Rewards from the agreed menu are the leader's to give."
    ),
    Act.DECIDE_MATTER: gettext_lazy(
        "The leader decides, after you have both discussed it."
    ),
    Act.ANSWER_REQUEST: gettext_lazy(
        "This request is your partner's to accept or decline."
    ),
    Act.ASK_REQUEST: gettext_lazy("Only the leader asks requests of this kind."),
}


def membership_or_404(user: User | AnonymousUser, dynamic_id: int) -> Membership:
    """Returns the person's membership, or raises 404 for everyone else."""
    if not user.is_authenticated:
        raise Http404
    # One query for the person's membership and the partner's: every page of a
    # dynamic shows or counts both (``Membership.couple``). It brings the
    # person's other dynamics too, with what the page frame shows about them
    # (``dynamics.nav``), so that the frame asks nothing more.
    rows = list(
        nav.annotate(
            Membership.objects.filter(dynamic__members__user=user), user, gate=True
        )
        .select_related("dynamic", "user", "user__presence")
        .order_by("role")
    )
    couple = [m for m in rows if m.dynamic_id == dynamic_id]
    me = next((m for m in couple if m.user_id == user.pk), None)
    if me is None:
        raise Http404
    for m in couple:
        m.dynamic = me.dynamic
    me.couple = couple
    nav.remember(user, rows)
    return me


def allows(membership: Membership, act: Act) -> bool:
    """Returns whether the member's role permits the act (for showing buttons)."""
    return RULES[act](membership)


def require(user: User | AnonymousUser, dynamic_id: int, act: Act) -> Membership:
    """Returns the membership if the person may do ``act``; raises otherwise."""
    membership = membership_or_404(user, dynamic_id)
    if not RULES[act](membership):
        raise NotAllowed(
            str(MESSAGES.get(act, _("Your role in this dynamic may not do this.")))
        )
    return membership
