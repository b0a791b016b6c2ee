from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dynamics import access
from dynamics.access import Act
from insights import queries


@login_required
def overview(request: HttpRequest, dynamic_id: int) -> HttpResponse:
    """The charts of a dynamic over 4 weeks, 3 months, a year or all of it."""
    me = access.require(request.user, dynamic_id, Act.VIEW)
    insights = queries.overview(
        me,
        request.GET.get("range", ""),
        timezone.now(),
        discreet=bool(getattr(request.user, "discreet", False)),
    )
    return render(
        request, "insights/overview.html", {"membership": me, "insights": insights}
    )
