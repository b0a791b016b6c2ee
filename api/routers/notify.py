"""Notify: the person's notification centre, channels and quiet hours.

These belong to the person, not to a dynamic: notify.services finds the
caller's own channel (another person's is a 404). A channel's address is a
secret and never leaves in an answer, only its masked form.
"""

from ninja import Router, Status

from api.routers.common import id_param, now, person, responses
from api.schemas.notify import (
    ChannelIn,
    ChannelOut,
    MarkedReadOut,
    NotificationsOut,
    PreferencesIO,
    TestSentOut,
)
from notify import queries, services
from notify.models import Channel

router = Router(tags=["notify"])
ChannelId = id_param("The channel's id.")


def channel_out(channel: Channel) -> dict:
    return {
        "id": channel.pk,
        "kind": channel.kind,
        "label": channel.label,
        "masked": channel.masked,
        "created_at": channel.created_at,
        "last_ok": channel.last_ok,
        "last_error": channel.last_error,
        "last_attempt_at": channel.last_attempt_at,
        "enabled": channel.enabled,
        "follows_account": channel.follows_account,
    }


def preferences_out(prefs) -> dict:
    return {
        "quiet_from": prefs.quiet_from,
        "quiet_until": prefs.quiet_until,
        "lead_minutes": prefs.lead_minutes,
        "kinds": {row.kind: row.level for row in queries.kind_levels(prefs)},
    }


@router.get("/me/notifications", response=responses({200: NotificationsOut}))
def list_notifications(request):
    """The notification centre, in the words I see now (discreet or plain)."""
    user = person(request)
    return {
        "unread": queries.unread_count(user),
        "items": [entry.__dict__ for entry in queries.centre(user)],
    }


@router.post("/me/notifications/read", response=responses({200: MarkedReadOut}))
def mark_notifications_read(request):
    """Marks every notification read."""
    return {"marked": services.mark_all_read(person(request), now=now())}


@router.get("/me/channels", response=responses({200: list[ChannelOut]}))
def list_channels(request):
    """My channels, oldest first, with how the last delivery went."""
    return [channel_out(c) for c in queries.channels_of(person(request))]


@router.post("/me/channels", response=responses({201: ChannelOut}))
def add_channel(request, body: ChannelIn):
    """Adds an e-mail address, an Apprise URL or this browser's push."""
    user = person(request)
    add, field = {
        "email": (services.add_email, "address"),
        "apprise": (services.add_apprise, "url"),
        "webpush": (services.add_push, "subscription"),
    }[body.kind]
    channel = add(user, **{field: body.address}, label=body.label, now=now())
    return Status(201, channel_out(channel))


@router.delete("/me/channels/{channel_id}", response=responses({204: None}))
def remove_channel(request, channel_id: int = ChannelId):
    """Removes the channel; what was waiting for it is dropped."""
    services.remove_channel(person(request), channel_id)
    return Status(204, None)


@router.post("/me/channels/{channel_id}/test", response=responses({202: TestSentOut}))
def send_test(request, channel_id: int = ChannelId):
    """Sends a test message to this channel now (see last_ok afterwards)."""
    services.send_test(person(request), channel_id, now=now())
    return Status(202, {"queued": True})


@router.get("/me/notification-preferences", response=responses({200: PreferencesIO}))
def read_notification_preferences(request):
    """Quiet hours, how early reminders come, and each kind's level."""
    return preferences_out(queries.preferences(person(request)))


@router.put("/me/notification-preferences", response=responses({200: PreferencesIO}))
def save_notification_preferences(request, body: PreferencesIO):
    """Sets quiet hours (both ends, or neither) and the reminder lead time."""
    return preferences_out(
        services.save_preferences(person(request), **body.model_dump())
    )
