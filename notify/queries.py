"""Reads for the notification pages, each in a fixed number of SQL queries."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from notify import messages
from notify.events import preferences_of
from notify.models import Channel, Notification, Outbox, Preferences, VapidKey

CENTRE_SIZE = 100


def channels_of(person: User) -> list[Channel]:
    """Returns the person's channels, oldest first, each with ``last_subject``:
    the title of the last message it was sent, as sent (one query)."""
    last_sent = Outbox.objects.filter(
        channel=OuterRef("pk"), state=Outbox.State.SENT
    ).order_by("-sent_at", "-pk")
    return list(
        Channel.objects.filter(user=person)
        .annotate(last_subject=Subquery(last_sent.values("subject")[:1]))
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class KindLevel:
    kind: str
    label: str
    level: str
    default: str


def kind_levels(prefs: Preferences) -> list[KindLevel]:
    """Returns each kind a person may choose for, with their level and the default."""
    return [
        KindLevel(
            kind,
            str(label),
            messages.level_of(kind, prefs.kinds),
            messages.DEFAULT_LEVELS[kind],
        )
        for kind, label in messages.LABELS.items()
    ]


def preferences(person: User) -> Preferences:
    return preferences_of(person)


@dataclass(frozen=True)
class Entry:
    title: str
    body: str
    url: str
    at: datetime
    unread: bool
    urgent: bool


def centre(person: User) -> list[Entry]:
    """Returns the last 100 notifications in the words the person sees now."""
    rows = Notification.objects.filter(user=person).order_by("-created_at", "-pk")[
        :CENTRE_SIZE
    ]
    entries = []
    for row in rows:
        try:
            message = messages.render(
                row.kind,
                row.context,
                discreet=person.discreet,
                zone_name=person.time_zone,
                urgent=row.urgent,
                tag="",
            )
        except ValueError:
            continue  # a kind no longer known: nothing sensible to show
        entries.append(
            Entry(
                title=message.title,
                body=message.body,
                url=str(row.context.get("path") or ""),
                at=row.created_at,
                unread=row.read_at is None,
                urgent=row.urgent,
            )
        )
    return entries


def unread_count(person: User) -> int:
    return Notification.objects.filter(user=person, read_at__isnull=True).count()


def unread_subquery(person: User) -> Coalesce:
    """``unread_count`` as an expression, for another query to carry (the page
    frame's membership query, ``dynamics.nav``)."""
    return Coalesce(
        Subquery(
            Notification.objects.filter(user=person, read_at__isnull=True)
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def push_offer_subquery(person: User) -> ExpressionWrapper:
    """Whether Now offers to turn on push: the person has no push device and
    has not declined the offer. An expression for the gate's membership query
    to carry (``dynamics.nav``), so Now asks nothing more."""
    pushes = Channel.objects.filter(user=person, kind=Channel.Kind.WEBPUSH)
    declined = Preferences.objects.filter(
        user=person, push_offer_dismissed_at__isnull=False
    )
    return ExpressionWrapper(
        ~Q(Exists(pushes)) & ~Q(Exists(declined)), output_field=BooleanField()
    )


def vapid_key_subquery(person: User) -> Subquery:
    """The instance's public VAPID key (None before the first is made), for
    the same query to carry to Now's push offer."""
    return Subquery(
        VapidKey.objects.filter(singleton=1).values("public_key")[:1],
        output_field=CharField(),
    )
