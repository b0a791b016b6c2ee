from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from dynamics.queries import memberships_of


def landing(request: HttpRequest) -> HttpResponse:
    """Welcomes a visitor; takes a signed-in person to their current dynamic."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    current = request.session.get("dynamic_id")
    memberships = memberships_of(request.user)
    if any(m.dynamic_id == current for m in memberships):
        return redirect("dynamics:home", current)
    if len(memberships) == 1:
        return redirect("dynamics:home", memberships[0].dynamic_id)
    return redirect("dynamics:list")


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _problem(
    request: HttpRequest, status: int, code: str, title: str, message: str
) -> HttpResponse:
    """Answers JSON to the API and a page to everyone else."""
    if _is_api(request):
        return JsonResponse({"code": code, "detail": message}, status=status)
    if not hasattr(request, "user"):
        # Refused before the authentication middleware ran: the page frame
        # shows no one's things.
        request.user = AnonymousUser()
    return render(
        request, "problem.html", {"title": title, "message": message}, status=status
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without its security token (an old page,
    or another site posting here). Changes nothing; says how to go on."""
    return _problem(
        request,
        403,
        "csrf_failed",
        _("This form has expired"),
        _(
            "Nothing was changed. Go back, reload the page and send the form "
            "again. If it keeps happening, allow cookies for this site."
        ),
    )


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    return _problem(
        request,
        413,
        "too_large",
        _("That was too much to send"),
        _(
            "Nothing was changed. Instep takes at most %(mb)s MB at once: send "
            "a smaller photo or a shorter text."
        )
        % {"mb": limit // (1024 * 1024)},
    )


def bad_request(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    """handler400: a request Django could not read (too many fields, a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE, a forged host)."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return _problem(
        request,
        400,
        "bad_request",
        _("Instep could not read that"),
        _("Nothing was changed. Go back, reload the page and try again."),
    )
