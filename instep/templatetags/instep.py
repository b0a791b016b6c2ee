from django import template

from instep.wording import audit_line

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_text(context: template.Context, entry) -> str:
    """The audit entry's line, neutral in discreet mode."""
    return audit_line(entry.act, entry.summary, discreet=context.get("discreet", False))
