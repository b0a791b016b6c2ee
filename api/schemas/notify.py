"""Notify: the notification centre, channels (never their secret), quiet hours."""

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from api.schemas import Clock, Text


class NotificationOut(Schema):
    title: str
    body: str
    url: str
    at: datetime
    unread: bool
    urgent: bool


class NotificationsOut(Schema):
    unread: int
    items: list[NotificationOut] = Field(description="The last 100, newest first.")


class MarkedReadOut(Schema):
    marked: int


class ChannelOut(Schema):
    """A channel as its owner sees it: the address is only ever shown masked."""

    id: int
    kind: Literal["email", "webpush", "apprise"]
    label: str
    masked: str
    created_at: datetime
    last_ok: bool | None
    last_error: str
    last_attempt_at: datetime | None
    enabled: bool = Field(description="Off: nothing is sent to it.")
    follows_account: bool = Field(
        description="The account's confirmed e-mail address; follows its changes."
    )


class ChannelIn(Schema):
    kind: Literal["email", "webpush", "apprise"]
    address: Text(2000, 1) = Field(
        description="email: the address; apprise: the Apprise URL; webpush: the "
        "browser's subscription JSON."
    )
    label: Text(60) = ""


class TestSentOut(Schema):
    queued: bool


class PreferencesIO(Schema):
    quiet_from: Clock | None = None
    quiet_until: Clock | None = None
    lead_minutes: int = Field(ge=0, le=10080)
    kinds: dict[str, Literal["off", "inbox", "all"]] | None = Field(
        None,
        description="Per kind of notification: off, inbox (in the app only) or "
        "all (the inbox and every channel). Kinds left out keep their level; "
        "the answer lists every kind. Red always reaches every channel.",
    )
