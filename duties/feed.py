"""The private iCalendar feed of one person: their occurrences and the pauses.

In discreet mode no title, instruction or reason leaves the instance: events
are called "Reminder" and "Free time".
"""

from datetime import timedelta

from icalendar import Calendar, Event

from duties.models import Duty, FeedToken, Occurrence
from duties.services import pause_intervals

BEHIND = timedelta(days=30)
AHEAD = timedelta(days=60)


def calendar_for(owner: FeedToken, *, now) -> bytes:
    """Returns the feed as iCalendar bytes, in three queries."""
    user, dynamic = owner.user, owner.dynamic
    discreet = user.discreet
    cal = Calendar()
    cal.add("prodid", "-//Instep//duties//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Reminders" if discreet else "Instep duties")
    occs = (
        Occurrence.objects.filter(
            dynamic=dynamic,
            assignee=user,
            due_at__gte=now - BEHIND,
            due_at__lt=now + AHEAD,
        )
        .exclude(duty__state=Duty.State.RETIRED)
        .select_related("duty")
        .order_by("due_at")
    )
    for occ in occs:
        event = Event()
        event.add("uid", f"occurrence-{occ.pk}@instep")
        event.add("dtstamp", now)
        event.add("dtstart", occ.opens_at)
        event.add("dtend", max(occ.due_at, occ.opens_at + timedelta(minutes=5)))
        if discreet:
            event.add("summary", "Reminder")
        else:
            done = " ✓" if occ.done_at else ""
            event.add("summary", f"{occ.duty.title}{done}")
            if occ.duty.instructions:
                event.add("description", occ.duty.instructions)
        cal.add_component(event)
    for i, pause in enumerate(pause_intervals(dynamic.pk, now - BEHIND, now + AHEAD)):
        event = Event()
        event.add(
            "uid", f"pause-{dynamic.pk}-{int(pause.start.timestamp())}-{i}@instep"
        )
        event.add("dtstamp", now)
        event.add("dtstart", pause.start)
        event.add("dtend", pause.end or now + AHEAD)
        event.add("summary", "Free time" if discreet else "Paused: no clock runs")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
