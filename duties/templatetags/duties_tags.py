from datetime import timedelta

from django import template

from duties import clock

register = template.Library()

LABELS = {
    "upcoming": "Later",
    "open": "Open",
    "due_soon": "Due soon",
    "late": "Late",
    "done": "Done",
    "done_late": "Done late",
    "missed": "Missed",
    "excused": "Excused",
}


@register.filter
def status_label(status: str) -> str:
    return LABELS.get(str(status), str(status))


@register.filter
def rule_words(rule: str) -> str:
    return clock.rule_in_words(str(rule))


@register.filter
def span(value: timedelta | None) -> str:
    """Returns a duration as people say it: "2 h 05 min", "3 days 4 h"."""
    if value is None:
        return ""
    seconds = abs(int(value.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


_PAUSE_REASONS = {
    "red": "a red signal",
    "break": "a break",
    "illness": "illness",
    "family": "family time",
    "travel": "travel",
}


@register.filter
def stop_reason(stop) -> str:
    """Returns why a clock stands still, as a short phrase ("the children are
    home", "the agreement's review date has passed")."""
    if stop is None:
        return ""
    cause, label = str(stop.cause), stop.label
    if cause == "context":
        return label
    if cause == "lapse":
        if label == "review_passed":
            return "authority lapsed: the agreement's review date has passed"
        return "authority lapsed: the leader has been away too long"
    return _PAUSE_REASONS.get(label, "a pause")
