from datetime import date

from django import template
from django.utils import timezone

from dynamics.models import Membership
from insights import queries

register = template.Library()


@register.inclusion_tag("insights/partials/week.html", takes_context=True)
def insights_week(
    context: template.Context, membership: Membership, week_start: date
) -> dict:
    """The small charts of one week, for the weekly review (seven queries)."""
    discreet = bool(context.get("discreet"))
    return {
        "membership": membership,
        "discreet": discreet,
        "week": queries.week(membership, week_start, timezone.now(), discreet=discreet),
    }
