from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from instep.errors import Refused


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
        if not isinstance(exception, Refused):
            return None
        return render(
            request, "refused.html", {"refusal": exception}, status=exception.status
        )
