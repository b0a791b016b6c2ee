from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from instep.errors import Refused
from instep.ratelimit import RateLimited


class RefusalMiddleware:
    """Shows a refusal that no view caught as a page, never as a server error.

    Views turn refusals into form errors where they can; this is the net for
    the rest (e.g. a role asking for a page only the other role may open).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, Refused | RateLimited):
            return None
        response = render(
            request, "refused.html", {"refusal": exception}, status=exception.status
        )
        if isinstance(exception, RateLimited):
            response["Retry-After"] = str(exception.retry_after)
        return response


class RequestSizeMiddleware:
    """Refuses a request bigger than ``INSTEP_MAX_REQUEST_BYTES`` before any of
    it is read, with a page (or JSON for the API) that says so: 413, not a
    server error, and nothing changed.

    Django caps the form fields of a request (DATA_UPLOAD_MAX_MEMORY_SIZE) but
    not its uploaded files; this caps the whole body, files included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        from instep.views import too_large

        limit = settings.INSTEP_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return too_large(request, limit)
        return self.get_response(request)
