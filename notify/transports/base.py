"""The contract every channel meets: send, or say whether retrying is pointless."""

from notify.messages import Message
from notify.models import Channel


class TransportError(Exception):
    """Sending failed. ``permanent`` means a retry would fail the same way."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason[:300]
        self.permanent = permanent


class Transport:
    kind: str = ""

    def __init__(self, channel: Channel):
        self.channel = channel

    def send(self, message: Message) -> None:
        """Delivers the message, or raises TransportError."""
        raise NotImplementedError
