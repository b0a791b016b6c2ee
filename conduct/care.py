"""Limits of care: when a correction may not be given, whatever the menu says.

A correction waits while the dynamic is paused, for 12 hours after a red
signal, and while the follower's latest check-in says mood or energy 1 of 5.
``care_block`` is the rule as a pure function of those facts; ``facts_of``
loads them.

``latest_wellbeing`` is the protocol between conduct and the daily check-ins.
Until the ``talk`` app is merged it reads the follower's latest aftercare
check-in (``dynamics.Aftercare``): its "how are you" counts as mood, and it
says nothing about energy. Once ``talk`` lands it reads the latest
``talk`` check-in's mood and energy instead (see docs/conduct.md); nothing
else in conduct changes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.utils.translation import gettext as _

from accounts.models import User
from dynamics.models import Aftercare, Dynamic, Signal

RED_COOL_DOWN = timedelta(hours=12)
LOWEST = 1  # a 1 of 5 for mood or energy means care first


class Block(StrEnum):
    PAUSED = "care_paused"
    RED = "care_red"
    WELLBEING = "care_wellbeing"


@dataclass(frozen=True)
class CareFacts:
    paused: bool
    last_red_at: datetime | None
    mood: int | None
    energy: int | None


@dataclass(frozen=True)
class CareBlock:
    reason: Block
    message: str
    until: datetime | None = None  # when the block ends by itself, if known


def latest_wellbeing(
    dynamic: Dynamic | int, user: User | int
) -> tuple[int | None, int | None]:
    """Returns (mood, energy) from the person's latest check-in in the dynamic.

    Either is None when nothing says. Reads aftercare check-ins until the
    ``talk`` app's daily check-ins exist (see the module docstring).
    """
    latest = (
        Aftercare.objects.filter(pause__dynamic=dynamic, user=user)
        .order_by("-updated_at", "-id")
        .values_list("feeling", flat=True)
        .first()
    )
    return latest, None


def facts_of(dynamic: Dynamic, follower_id: int | None, now: datetime) -> CareFacts:
    """Returns the facts the limits of care depend on, in two or three queries."""
    last_red_at = (
        Signal.objects.filter(dynamic=dynamic, kind=Signal.Kind.RED, sent_at__lte=now)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    mood, energy = (
        latest_wellbeing(dynamic, follower_id) if follower_id else (None, None)
    )
    return CareFacts(
        paused=dynamic.is_paused, last_red_at=last_red_at, mood=mood, energy=energy
    )


def care_block(facts: CareFacts, now: datetime) -> CareBlock | None:
    """Returns why a correction may not be given now, or None when it may."""
    later = _("Schedule it for later, or forgive.")
    if facts.paused:
        return CareBlock(
            Block.PAUSED,
            _(
                "The dynamic is paused: no correction is given while the clocks "
                "are stopped."
            )
            + " "
            + later,
        )
    if facts.last_red_at is not None and now < facts.last_red_at + RED_COOL_DOWN:
        until = facts.last_red_at + RED_COOL_DOWN
        return CareBlock(
            Block.RED,
            _(
                "A red signal was sent less than 12 hours ago: take care of each "
                "other first; no correction until 12 hours have passed."
            )
            + " "
            + later,
            until=until,
        )
    low = [
        name
        for name, value in ((_("mood"), facts.mood), (_("energy"), facts.energy))
        if value is not None and value <= LOWEST
    ]
    if low:
        return CareBlock(
            Block.WELLBEING,
            _(
                "Your partner's latest check-in says %(what)s 1 of 5: this is a "
                "time for care, not for correction."
            )
            % {"what": _(" and ").join(low)}
            + " "
            + later,
        )
    return None
