"""Who is calling: a personal access token, or the signed-in session.

Both give the operation ``request.auth``, the person. They decide nothing about
dynamics: that is dynamics.access's job, exactly as for the pages.
"""

import json
import re

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from accounts.models import User
from api import services
from instep import ratelimit
from instep.errors import NotAllowed, Refused

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SIGNALS_PATH = re.compile(r"/dynamics/\d+/signals$")


def _sends_red(request: HttpRequest) -> bool:
    """Whether the call sends red, which the quick lock never stops (the lock
    screen's own button works the same way). Only red: the lock still hides
    everything else, yellow included."""
    if request.method != "POST" or not SIGNALS_PATH.search(request.path):
        return False
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("kind") == "red"


class ReadOnlyToken(NotAllowed):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This token may only read. "
                "Create a read-and-write token to change things."
            ),
            code="token_read_only",
        )


class CsrfFailed(NotAllowed):
    def __init__(self) -> None:
        super().__init__(
            _("Send the CSRF token in the X-CSRFToken header with session requests."),
            code="csrf_failed",
        )


class SessionLocked(Refused):
    """The session is behind the quick lock: unlock it on the lock screen."""

    status = 401

    def __init__(self) -> None:
        super().__init__(
            _("The app is locked. Unlock it with your PIN, then try again."),
            code="session_locked",
        )


class BearerToken(HttpBearer):
    """``Authorization: Bearer instep_…``; a read-only token may not write."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        now = timezone.now()
        api_token = services.authenticate(token.strip(), now=now)
        if api_token is None:
            return None
        # Red is never limited: it goes through however busy the token was.
        if not _sends_red(request):
            ratelimit.hit("api", api_token.pk, now=now)
        if request.method not in SAFE_METHODS and not api_token.may_write:
            raise ReadOnlyToken()
        request.api_token = api_token
        return api_token.user


class Session(APIKeyCookie):
    """The app's own scripts: the session cookie, with Django's CSRF check.

    Unlike ninja's SessionAuth, a visitor without a session gets 401, not a
    CSRF failure.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if not request.user.is_authenticated:
            return None
        if getattr(request, "quick_locked", False) and not _sends_red(request):
            raise SessionLocked()
        if check_csrf(request) is not None:
            raise CsrfFailed()
        return request.user
