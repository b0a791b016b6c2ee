"""Notify's part of Now (``dynamics.now``): the unread notifications, reachable
from Now as the bell counts them, and the offer to turn on push on this device
while the person has none and has not declined it.

No query of its own: the gate's membership query carries the unread count,
whether to offer push and the instance's public key (``dynamics.nav``; notify
registers them in ``ready()``). Only on an instance whose key was never made
does the first offer make it (``vapid.instance_key``), once.
"""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import ngettext

from dynamics.models import Membership
from dynamics.now import Offer, Part, Waiting
from notify import vapid


def part(me: Membership, now: datetime) -> Part:
    result = Part()
    unread = getattr(me, "unread_notifications", 0) or 0
    if unread:
        result.lately.append(
            Waiting(
                "notifications",
                ngettext(
                    "%(n)d unread notification",
                    "%(n)d unread notifications",
                    unread,
                )
                % {"n": unread},
                reverse("notify:centre"),
            )
        )
    if getattr(me, "push_offer", False):
        key = getattr(me, "vapid_public_key", None) or vapid.instance_key().public_key
        result.offers.append(
            Offer(
                "push",
                "notify/partials/push_offer.html",
                {"vapid_public_key": key},
            )
        )
    return result
