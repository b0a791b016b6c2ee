from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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
