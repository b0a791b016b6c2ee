from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SEEN_ON = "instep_seen_on"


class PresenceMiddleware:
    """Notes, at most once a day per session, that the person opened Instep.

    A leader who has not been seen for longer than the agreement allows holds
    no authority (see ``agreements.authority``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            today = now.date().isoformat()
            if request.session.get(SEEN_ON) != today:
                from agreements.services import mark_seen

                mark_seen(user, now=now)
                request.session[SEEN_ON] = today
        return self.get_response(request)
