from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from dynamics.models import Membership
from talk import queries
from talk.markup import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Renders the couple's markdown as safe HTML (see talk.markup)."""
    return render_markdown(text or "")


@register.filter
def duration(delta: timedelta) -> str:
    """Returns a running time as "2 days 3 h" or "45 min"."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


@register.inclusion_tag("talk/partials/home_card.html", takes_context=True)
def talk_card(
    context: template.Context, me: Membership, partner: Membership | None
) -> dict:
    """The small talk card of the dynamic's home page (two queries)."""
    return {
        "words": context.get("words"),
        "discreet": context.get("discreet"),
        "talk": queries.home_card(me, partner, context["user"], timezone.now()),
    }
