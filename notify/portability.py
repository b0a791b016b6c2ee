"""The notify part of a person's export, and its import.

Included: the person's notification centre (what they were told, when, and
whether they read it), their quiet hours, and their channels as the settings
page shows them: kind, name and the masked address. A channel's address is a
credential (an Apprise URL often holds a token), so it never leaves the
instance; after moving, add the channels again. The partner's notifications
are theirs alone.
"""

from typing import Any

from accounts.models import User
from instep.archive import ArchivePart, ImportContext, parse_at, register
from notify.models import Channel, Notification, Preferences


def export_notify(user: User) -> dict[str, Any]:
    prefs = Preferences.objects.filter(user=user).first()
    return {
        "preferences": {
            "quiet_from": prefs.quiet_from.isoformat() if prefs.quiet_from else None,
            "quiet_until": prefs.quiet_until.isoformat() if prefs.quiet_until else None,
            "lead_minutes": prefs.lead_minutes,
        }
        if prefs
        else None,
        "channels": [
            {
                "kind": c.kind,
                "label": c.label,
                "masked": c.masked,
                "added": c.created_at,
            }
            for c in Channel.objects.filter(user=user).order_by("created_at", "id")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "context": n.context,
                "urgent": n.urgent,
                "dedupe_key": n.dedupe_key,
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in Notification.objects.filter(user=user).order_by("created_at", "id")
        ],
    }


def import_notify(context: ImportContext, parts: list[ArchivePart]) -> None:
    for part in parts:
        person = part.person
        if person is None:
            continue
        if p := part.data["preferences"]:
            Preferences.objects.create(
                user=person,
                quiet_from=p["quiet_from"],
                quiet_until=p["quiet_until"],
                lead_minutes=p["lead_minutes"],
            )
        Notification.objects.bulk_create(
            Notification(
                user=person,
                kind=n["kind"],
                context=n["context"],
                urgent=n["urgent"],
                dedupe_key=n["dedupe_key"],
                created_at=parse_at(n["created_at"]),
                read_at=parse_at(n["read_at"]),
            )
            for n in part.data["notifications"]
        )
        if part.data["channels"]:
            context.notes.append(
                f"{person.email}: add your notification channels again "
                "(their addresses are not exported)."
            )


register(
    "notify",
    title="Notifications",
    export=export_notify,
    import_=import_notify,
    order=70,
)
