import time
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header

LOCKED = "instep_locked"
LAST_SEEN = "instep_last_seen"
# Writing the session on every request costs a query; a coarser mark is enough
# to measure idle minutes.
SEEN_RESOLUTION = 20


def browser_locale(request: HttpRequest) -> str:
    """Returns the date format the browser asks for (Accept-Language), among
    ``settings.FORMAT_LOCALES``: "en-GB" gives "en-gb", "de-AT" gives "de";
    "en" when nothing matches."""
    known = {code for code, _name in settings.FORMAT_LOCALES}
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for tag, _q in parse_accept_lang_header(header[:500]):
        tag = tag.lower()
        if tag in known:
            return tag
        if (base := tag.partition("-")[0]) in known:
            return base
    return "en"


class PreferencesMiddleware:
    """Shows times in the person's time zone and dates in their format."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        chosen = user.locale if user.is_authenticated else ""
        translation.activate(chosen or browser_locale(request))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class QuickLockMiddleware:
    """Hides the app behind a neutral lock screen until the PIN is entered.

    The lock screen itself, the red signal and signing out stay reachable.
    """

    EXEMPT_NAMES = (
        "accounts:lock",
        "dynamics:red_everywhere",
        "account_logout",
        # The browser fetches these itself; a redirect would break push.
        "notify:service_worker",
        "notify:manifest",
    )
    # Background polls must not count as the person being active.
    PASSIVE_NAMES = (
        "dynamics:alerts",
        "dynamics:now_blocks",
        "notify:service_worker",
        "notify:manifest",
    )
    # The JSON API answers a locked session itself (401 ``session_locked``, see
    # api.auth.Session): a script cannot follow a redirect to a PIN page, and a
    # token, which is not the session, still works.
    API_NAMESPACE = "api:v1:"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.has_quick_lock):
            return self.get_response(request)
        session = request.session
        now = time.time()
        last_seen = session.get(LAST_SEEN, now)
        if now - last_seen > user.lock_after_minutes * 60:
            session[LOCKED] = True
        view_name = self._view_name(request)
        if session.get(LOCKED) and view_name not in self.EXEMPT_NAMES:
            if (view_name or "").startswith(self.API_NAMESPACE):
                request.quick_locked = True
                return self.get_response(request)
            return self._to_lock_screen(request)
        response = self.get_response(request)
        if (
            view_name not in self.PASSIVE_NAMES
            and now - session.get(LAST_SEEN, 0) > SEEN_RESOLUTION
        ):
            session[LAST_SEEN] = now
        return response

    @staticmethod
    def _view_name(request: HttpRequest) -> str | None:
        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return None

    def _to_lock_screen(self, request: HttpRequest) -> HttpResponse:
        url = reverse("accounts:lock")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
