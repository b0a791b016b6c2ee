"""Every change to a person's notification settings.

Channels and preferences belong to one person, not to a dynamic: the only
rule is that a person acts on their own, and another person's channel is
not found (404), exactly as one that does not exist.
"""

import json
from datetime import datetime, time
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from instep import ratelimit
from instep.errors import Refused
from notify import crypto, events, messages, outbound
from notify.models import Channel, Notification, Outbox, Preferences
from notify.transports.apprise import check_url

MAX_CHANNELS = 20


def own_channel(actor: User, channel_id: int) -> Channel:
    """Returns the person's channel; anyone else's is simply not found."""
    channel = Channel.objects.filter(pk=channel_id, user=actor).first()
    if channel is None:
        raise Http404
    return channel


def _check_room(actor: User, *, now: datetime) -> None:
    """A new channel: within the person's number of channels and rate."""
    ratelimit.hit("channel_add", actor.pk, now=now)
    if Channel.objects.filter(user=actor).count() >= MAX_CHANNELS:
        raise Refused(
            _("You have %(n)s channels; remove one first.") % {"n": MAX_CHANNELS}
        )


def _label(label: str, default: str) -> str:
    return (label or "").strip()[:60] or default


@transaction.atomic
def add_email(actor: User, *, address: str, label: str = "", now: datetime) -> Channel:
    address = address.strip()
    try:
        validate_email(address)
    except ValidationError:
        raise Refused(_("Enter an e-mail address."), field="address") from None
    if _email_channel(actor, address) is not None:
        raise Refused(
            _("This address is one of your channels already."), field="address"
        )
    _check_room(actor, now=now)
    channel = Channel(
        user=actor,
        kind=Channel.Kind.EMAIL,
        label=_label(label, _("E-mail")),
        masked=crypto.mask_email(address),
        created_at=now,
    )
    channel.secret = address
    channel.save()
    return channel


def _email_channel(person: User, address: str) -> Channel | None:
    """Returns the person's e-mail channel to this address (case-insensitive)."""
    for channel in Channel.objects.filter(user=person, kind=Channel.Kind.EMAIL):
        try:
            if channel.secret.casefold() == address.casefold():
                return channel
        except crypto.Unreadable:
            continue
    return None


@transaction.atomic
def follow_account_email(
    person: User, address: str, *, create: bool, now: datetime
) -> Channel | None:
    """Makes the account's confirmed address an e-mail channel, or moves the
    existing one to a new address.

    With ``create`` (the address was just confirmed) the channel is made if
    the person has none for their account; an e-mail channel they added to
    the same address becomes it, so one address never gets a message twice.
    Without, only an existing account channel follows (a person who removed
    it is not given it back). Whether it is on stays the person's choice.
    Returns the channel, or None.
    """
    channel = Channel.objects.filter(user=person, follows_account=True).first()
    same = _email_channel(person, address)
    if channel is None:
        if not create:
            return None
        channel = same or Channel(
            user=person,
            kind=Channel.Kind.EMAIL,
            label=_("Account e-mail"),
            created_at=now,
        )
    elif same is not None and same.pk != channel.pk:
        same.delete()  # the account channel takes its place
    channel.follows_account = True
    channel.secret = address
    channel.masked = crypto.mask_email(address)
    channel.save()
    return channel


@transaction.atomic
def switch_channel(actor: User, channel_id: int, *, on: bool) -> Channel:
    """Turns the person's channel on or off; off, nothing is sent to it."""
    channel = own_channel(actor, channel_id)
    channel.enabled = on
    channel.save(update_fields=["enabled"])
    return channel


@transaction.atomic
def add_apprise(actor: User, *, url: str, label: str = "", now: datetime) -> Channel:
    url = url.strip()
    if reason := check_url(url):
        raise Refused(reason, field="url")
    _check_room(actor, now=now)
    channel = Channel(
        user=actor,
        kind=Channel.Kind.APPRISE,
        label=_label(label, url.partition("://")[0]),
        masked=crypto.mask_url(url),
        created_at=now,
    )
    channel.secret = url
    channel.save()
    return channel


def parse_subscription(raw: str) -> dict:
    """Returns the browser's PushSubscription as pywebpush needs it, or refuses."""
    try:
        data = json.loads(raw)
        endpoint = data["endpoint"]
        keys = {"p256dh": data["keys"]["p256dh"], "auth": data["keys"]["auth"]}
    except (ValueError, KeyError, TypeError):
        raise Refused(_("This device did not give a usable subscription.")) from None
    parts = urlsplit(endpoint) if isinstance(endpoint, str) else None
    if parts is None or parts.scheme not in ("https", "http") or not parts.hostname:
        raise Refused(_("This device did not give a usable subscription."))
    if not all(isinstance(v, str) and 0 < len(v) < 200 for v in keys.values()):
        raise Refused(_("This device did not give a usable subscription."))
    try:
        port = parts.port
    except ValueError:
        raise Refused(_("This device did not give a usable subscription.")) from None
    if reason := outbound.check_host(parts.hostname, port):
        raise Refused(reason, field="subscription")
    return {"endpoint": endpoint, "keys": keys}


@transaction.atomic
def add_push(
    actor: User, *, subscription: str, label: str = "", now: datetime
) -> Channel:
    """Adds this device; subscribing the same device again keeps one channel."""
    data = parse_subscription(subscription)
    for existing in Channel.objects.filter(user=actor, kind=Channel.Kind.WEBPUSH):
        try:
            same = json.loads(existing.secret)["endpoint"] == data["endpoint"]
        except crypto.Unreadable:
            same = False
        if same:
            existing.secret = json.dumps(data)
            existing.save(update_fields=["secret_token"])
            return existing
    _check_room(actor, now=now)
    channel = Channel(
        user=actor,
        kind=Channel.Kind.WEBPUSH,
        label=_label(label, _("This device")),
        masked=_("push via %(host)s") % {"host": urlsplit(data["endpoint"]).hostname},
        created_at=now,
    )
    channel.secret = json.dumps(data)
    channel.save()
    return channel


@transaction.atomic
def remove_channel(actor: User, channel_id: int) -> None:
    """Removes the channel; deliveries still waiting for it are dropped."""
    own_channel(actor, channel_id).delete()


@transaction.atomic
def send_test(actor: User, channel_id: int, *, now: datetime) -> Outbox:
    """Queues a test message to this one channel; it goes out at once.

    Test sends are urgent, like red, so they are limited: they must not crowd
    the queue that carries red.
    """
    channel = own_channel(actor, channel_id)
    ratelimit.hit("test_send", actor.pk, now=now)
    notification = Notification.objects.create(
        user=actor,
        kind="test",
        dedupe_key=f"test:{channel.pk}:{now.isoformat()}",
        created_at=now,
        # The person is looking at the page that sent it: nothing new to read.
        read_at=now,
    )
    row = Outbox.objects.create(
        notification=notification,
        channel=channel,
        key=f"{actor.pk}:test:{notification.pk}:{channel.pk}",
        # The person is waiting for it: quiet hours do not apply.
        urgent=True,
        due_at=now,
        created_at=now,
    )
    events.enqueue_on_commit([row.pk], due_at=now, urgent=True, now=now)
    return row


@transaction.atomic
def save_preferences(
    actor: User,
    *,
    quiet_from: time | None,
    quiet_until: time | None,
    lead_minutes: int,
    kinds: dict[str, str] | None = None,
) -> Preferences:
    """Saves quiet hours, lead time and, when given, the level of each kind
    (``messages.Level``); kinds not named keep their current level."""
    if (quiet_from is None) != (quiet_until is None):
        raise Refused(
            _("Give both the start and the end of your quiet hours, or neither."),
            field="quiet_until",
        )
    if quiet_from is not None and quiet_from == quiet_until:
        raise Refused(
            _("Quiet hours need an end that differs from their start."),
            field="quiet_until",
        )
    if not 0 <= lead_minutes <= 10080:
        raise Refused(_("Choose up to a week (10080 minutes)."), field="lead_minutes")
    chosen = dict(events.preferences_of(actor).kinds)
    for kind, level in (kinds or {}).items():
        if kind not in messages.LABELS:
            raise Refused(_("Unknown notification kind: %(k)s.") % {"k": kind})
        if level not in messages.Level.CHOICES:
            raise Refused(
                _("Choose off, inbox or all for %(k)s.") % {"k": kind}, field=kind
            )
        chosen[kind] = level
    prefs, _created = Preferences.objects.update_or_create(
        user=actor,
        defaults={
            "quiet_from": quiet_from,
            "quiet_until": quiet_until,
            "lead_minutes": lead_minutes,
            "kinds": chosen,
        },
    )
    return prefs


def dismiss_push_offer(actor: User, *, now: datetime) -> Preferences:
    """Records that the person declined Now's offer to turn on push, so it is
    not offered again (the person's own preferences: no dynamic is asked)."""
    prefs, _created = Preferences.objects.get_or_create(user=actor)
    if prefs.push_offer_dismissed_at is None:
        prefs.push_offer_dismissed_at = now
        prefs.save(update_fields=["push_offer_dismissed_at"])
    return prefs


@transaction.atomic
def mark_all_read(actor: User, *, now: datetime) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=now
    )
