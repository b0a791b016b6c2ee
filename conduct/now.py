"""Conduct's part of Now (``dynamics.now``): a reflection owed, an apology to
acknowledge (the incident it belongs to, waiting for its resolution), a
correction to choose, praise to answer, a way to make it right to choose.
Two queries: the open incidents and their apologies; resolved ones are never
read. Each item has neutral words for discreet mode, which name no incident
(a title can be a rule's words), like the discreet notifications.

An apology has no acknowledgement of its own yet: the partner acknowledges it
by resolving the incident (a correction, forgiving, excusing), so the item
lasts until then.
"""

from datetime import datetime

from django.urls import reverse

from conduct.models import Apology, Incident
from dynamics.models import Membership
from dynamics.now import Part, Waiting


def part(me: Membership, now: datetime) -> Part:
    d = me.dynamic_id
    result = Part()
    incidents = Incident.objects.filter(
        dynamic_id=d, state=Incident.State.OPEN
    ).order_by("reported_at", "id")
    # Asked whether or not an incident is open: the count stays the same.
    apologies: dict[int, list[Apology]] = {}
    for apology in Apology.objects.filter(
        incident__dynamic_id=d, incident__state=Incident.State.OPEN
    ):
        apologies.setdefault(apology.incident_id, []).append(apology)
    for incident in incidents:
        url = reverse("conduct:incident", args=[d, incident.pk])
        mine = incident.subject_id == me.user_id
        if incident.is_praise:
            if me.is_leader and not mine:
                result.waiting.append(
                    Waiting(
                        "praise",
                        f"Praise to answer with a reward or a word: {incident.title}",
                        url,
                        incident.reported_at,
                        discreet="A good moment to answer",
                    )
                )
            continue
        if mine and not incident.has_reflection:
            result.waiting.append(
                Waiting(
                    "reflection",
                    f"A reflection owed: {incident.title}",
                    f"{url}#reflection-title",
                    incident.reported_at,
                    discreet="A note to add your thoughts to",
                )
            )
            continue
        if mine:
            if incident.is_leaders and me.is_leader:
                result.waiting.append(
                    Waiting(
                        "make_it_right",
                        f"Choose how to make it right: {incident.title}",
                        url,
                        incident.reflected_at,
                        discreet="A follow-up to choose",
                    )
                )
            continue
        theirs = [a for a in apologies.get(incident.pk, []) if a.author_role != me.role]
        apology = theirs[0] if theirs else None
        held = incident.deferred_until is not None and incident.deferred_until > now
        if apology is not None:
            result.waiting.append(
                Waiting(
                    "apology",
                    f"An apology to acknowledge, and the slip to resolve: "
                    f"{incident.title}",
                    url,
                    apology.at,
                    discreet="A message to read, and a note to settle",
                )
            )
        elif me.is_leader and incident.has_reflection and not held:
            result.waiting.append(
                Waiting(
                    "correction",
                    f"A correction to choose, or forgive: {incident.title}",
                    url,
                    incident.reflected_at,
                    discreet="A note to settle: a follow-up, or let it go",
                )
            )
    return result
