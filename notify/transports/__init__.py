"""One transport class per kind of channel; ``for_channel`` picks it."""

from notify.models import Channel
from notify.transports.apprise import AppriseTransport
from notify.transports.base import Transport, TransportError
from notify.transports.email import EmailTransport
from notify.transports.webpush import WebPushTransport

TRANSPORTS: dict[str, type[Transport]] = {
    Channel.Kind.EMAIL: EmailTransport,
    Channel.Kind.APPRISE: AppriseTransport,
    Channel.Kind.WEBPUSH: WebPushTransport,
}


def for_channel(channel: Channel) -> Transport:
    return TRANSPORTS[channel.kind](channel)


__all__ = ["Transport", "TransportError", "for_channel"]
