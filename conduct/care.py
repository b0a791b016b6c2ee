"""Limits of care: when a correction may not be given, whatever the menu says.

A correction waits while the dynamic is paused, for 12 hours after a red
signal, and while the follower's latest check-in says mood or energy 1 of 5.
``care_block`` is the rule as a pure function of those facts; ``facts_of``
loads them.

``latest_wellbeing`` is the one place that reads how the follower is: their
latest daily check-in (``talk.CheckIn``: mood and energy), or their aftercare
answer after a red signal (``dynamics.Aftercare``, its "how are you" counting
as mood) when that is newer. A private answer counts too: the rule protects
the follower, and the leader is told only that a limit of care applies, never
the private value.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.utils.translation import gettext as _

from accounts.models import User
from dynamics.models import Aftercare, Dynamic, Signal
from talk.models import CheckIn

RED_COOL_DOWN = timedelta(hours=12)
LOWEST = 1  # a 1 of 5 for mood or energy means care first


class Block(StrEnum):
    PAUSED = "care_paused"
    RED = "care_red"
    WELLBEING = "care_wellbeing"


@dataclass(frozen=True)
class Wellbeing:
    """How the person said they are, and which of it the partner may see."""

    mood: int | None = None
    energy: int | None = None
    mood_shared: bool = True
    energy_shared: bool = True
    at: datetime | None = None


@dataclass(frozen=True)
class CareFacts:
    paused: bool
    last_red_at: datetime | None
    mood: int | None
    energy: int | None
    # A private answer still protects; it is only never named to the leader.
    mood_shared: bool = True
    energy_shared: bool = True


@dataclass(frozen=True)
class CareBlock:
    reason: Block
    message: str
    until: datetime | None = None  # when the block ends by itself, if known


def latest_wellbeing(dynamic: Dynamic | int, user: User | int) -> Wellbeing:
    """Returns the person's latest word on how they are in the dynamic, in two
    queries: the latest daily check-in, unless an aftercare answer is newer.

    Nothing said yet gives an empty ``Wellbeing``.
    """
    checkin = (
        CheckIn.objects.filter(dynamic=dynamic, user=user)
        .order_by("-day", "-updated_at", "-id")
        .values("mood", "energy", "mood_shared", "energy_shared", "updated_at")
        .first()
    )
    aftercare = (
        Aftercare.objects.filter(pause__dynamic=dynamic, user=user)
        .order_by("-updated_at", "-id")
        .values("feeling", "updated_at")
        .first()
    )
    if aftercare and (
        checkin is None or aftercare["updated_at"] > checkin["updated_at"]
    ):
        # The aftercare page shows the partner this answer: it is shared.
        return Wellbeing(mood=aftercare["feeling"], at=aftercare["updated_at"])
    if checkin is None:
        return Wellbeing()
    return Wellbeing(
        mood=checkin["mood"],
        energy=checkin["energy"],
        mood_shared=checkin["mood_shared"],
        energy_shared=checkin["energy_shared"],
        at=checkin["updated_at"],
    )


def facts_of(dynamic: Dynamic, follower_id: int | None, now: datetime) -> CareFacts:
    """Returns the facts the limits of care depend on, in three queries (one
    without a follower)."""
    last_red_at = (
        Signal.objects.filter(dynamic=dynamic, kind=Signal.Kind.RED, sent_at__lte=now)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    how = latest_wellbeing(dynamic, follower_id) if follower_id else Wellbeing()
    return CareFacts(
        paused=dynamic.is_paused,
        last_red_at=last_red_at,
        mood=how.mood,
        energy=how.energy,
        mood_shared=how.mood_shared,
        energy_shared=how.energy_shared,
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
        (name, shared)
        for name, value, shared in (
            (_("mood"), facts.mood, facts.mood_shared),
            (_("energy"), facts.energy, facts.energy_shared),
        )
        if value is not None and value <= LOWEST
    ]
    if not low:
        return None
    named = [name for name, shared in low if shared]
    if named:
        message = _(
            "Your partner's latest check-in says %(what)s 1 of 5: this is a "
            "time for care, not for correction."
        ) % {"what": _(" and ").join(named)}
    else:
        # A private answer: the leader learns that care comes first, not why.
        message = _(
            "A limit of care applies right now: this is a time for care, not "
            "for correction."
        )
    return CareBlock(Block.WELLBEING, message + " " + later)
