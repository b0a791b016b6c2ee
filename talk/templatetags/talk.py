from datetime import timedelta

from django import template
from django.utils.safestring import SafeString

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
