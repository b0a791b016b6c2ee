"""What the page frame needs about the person, brought by queries pages make anyway.

Every page shows the person's dynamics (the switcher), whether a partner's
signal waits for them (the alert region) and, from other apps, small counts
such as unread notifications. Instead of a query each, these ride on the
membership query a page runs in any case: the permission gate
(``access.membership_or_404``) on the pages of a dynamic, ``memberships_of``
elsewhere. The gate leaves the person's own memberships on the person
(``GATE_ATTRIBUTE``) for the frame to read (``instep.context_processors``).

Upper apps add their counts with ``register`` in ``AppConfig.ready`` (notify
adds ``unread_notifications``, duties ``reviews_waiting`` for Today); this app
imports none of them.
"""

from collections.abc import Callable

from django.db.models import Exists, Expression, OuterRef, QuerySet

from accounts.models import User
from dynamics.models import Membership, Signal

GATE_ATTRIBUTE = "_gate_memberships"
# The order of the switcher: current dynamics first.
STATE_ORDER = {"paused": 0, "active": 1, "forming": 2, "ended": 3}

# name -> (expression for the person, whether only the gate brings it)
_annotations: dict[str, tuple[Callable[[User], Expression], bool]] = {}


def register(
    name: str, expression: Callable[[User], Expression], *, gate_only: bool = False
) -> None:
    """Adds a value to each membership row: per person (the same on each of
    their rows) or per dynamic (with ``OuterRef("dynamic_id")``). A
    ``gate_only`` value is for the pages of a dynamic alone (the gate's
    query): the frame elsewhere and the alert poll do not pay for it."""
    _annotations[name] = (expression, gate_only)


def annotate(
    memberships: QuerySet[Membership], user: User, *, gate: bool = False
) -> QuerySet[Membership]:
    """Returns the membership query with the frame's values on each row:
    ``alerts_waiting`` (a signal of someone else in that dynamic is not yet
    acknowledged) and every registered value (``gate_only`` ones with
    ``gate``)."""
    waiting = Signal.objects.filter(
        dynamic_id=OuterRef("dynamic_id"), acknowledged_at__isnull=True
    ).exclude(sent_by=user)
    return memberships.annotate(
        alerts_waiting=Exists(waiting),
        **{
            name: expression(user)
            for name, (expression, gate_only) in _annotations.items()
            if gate or not gate_only
        },
    )


def in_switcher_order(memberships: list[Membership]) -> list[Membership]:
    """Returns the person's memberships newest first, current dynamics first."""
    newest = sorted(memberships, key=lambda m: m.joined_at, reverse=True)
    return sorted(newest, key=lambda m: STATE_ORDER[m.dynamic.state])


def remember(user: User, rows: list[Membership]) -> None:
    """Leaves the person's own memberships (from the gate's rows) for the frame."""
    setattr(
        user,
        GATE_ATTRIBUTE,
        in_switcher_order([m for m in rows if m.user_id == user.pk]),
    )


def remembered(user: User) -> list[Membership] | None:
    """Returns the memberships the last gate call of this request brought."""
    return getattr(user, GATE_ATTRIBUTE, None)
