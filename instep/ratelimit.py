"""Limits on what is cheap to abuse: e-mailed invitations, test sends, new
channels, new API tokens and API calls per token.

Every server process shares the counts (they live in the database, the only
server Instep needs). A limit that is reached answers 429 with a message and
``Retry-After``, on pages (instep.middleware) and in the API (api/api.py).
Red is never limited: no signal goes through here.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from instep.models import RateWindow


@dataclass(frozen=True)
class Limit:
    times: int
    seconds: int
    message: str


# What each limit is for, in words a person can act on; the numbers come from
# settings.INSTEP_RATE_LIMITS (times, seconds).
MESSAGES = {
    "invitation_email": "You have sent many invitations by e-mail just now.",
    "test_send": "You have sent many test messages just now.",
    "channel_add": "You have added many channels just now.",
    "token_create": "You have made many API tokens just now.",
    "api": "This token has made many requests just now.",
}


class RateLimited(Exception):
    """The limit is reached; ``retry_after`` says in how many seconds it lifts."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def limit_for(name: str) -> Limit:
    times, seconds = settings.INSTEP_RATE_LIMITS[name]
    return Limit(times=times, seconds=seconds, message=MESSAGES[name])


def hit(name: str, who: object, *, now: datetime) -> None:
    """Counts one more ``name`` for ``who`` or raises RateLimited.

    A fixed window per key: the first hit opens it, and it allows
    ``times`` hits for ``seconds``. Each step is one conditional UPDATE, so
    parallel requests never both take the last place.
    """
    limit = limit_for(name)
    key = f"{name}:{who}"
    window = timedelta(seconds=limit.seconds)
    rows = RateWindow.objects.filter(key=key)
    for _attempt in range(2):
        # The usual case, one query: a place left in the open window.
        if rows.filter(started_at__gt=now - window, count__lt=limit.times).update(
            count=F("count") + 1
        ):
            return
        try:
            with transaction.atomic():
                RateWindow.objects.create(key=key, started_at=now, count=1)
            return
        except IntegrityError:
            pass  # the window exists: over, or full
        if rows.filter(started_at__lte=now - window).update(started_at=now, count=1):
            return
        started_at = rows.values_list("started_at", flat=True).first()
        if started_at is not None:
            wait = (started_at + window - now).total_seconds()
            raise RateLimited(
                _("%(why)s Try again in %(when)s.")
                % {"why": _(limit.message), "when": _in_words(wait)},
                retry_after=max(1, math.ceil(wait)),
            )
    raise RateLimited(_(limit.message), retry_after=1)


def _in_words(seconds: float) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes <= 1:
        return _("a minute")
    return _("%(n)d minutes") % {"n": minutes}
