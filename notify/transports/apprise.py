"""Any Apprise URL: ntfy, Gotify, Matrix, Signal, Telegram, Pushover, webhooks, …"""

import apprise

from notify import crypto
from notify.messages import Message
from notify.transports.base import Transport, TransportError

# Plugins that act on the server's own desktop or logs, not on a person's
# device: they would "succeed" without reaching anyone.
LOCAL_SCHEMES = frozenset(
    {"dbus", "kde", "qt", "glib", "gnome", "macosx", "windows", "syslog", "rsyslog"}
)


def check_url(url: str) -> str | None:
    """Returns why Apprise cannot use the URL, or None when it can."""
    scheme = url.partition("://")[0].lower()
    if not scheme or scheme in LOCAL_SCHEMES:
        return "Use the URL of a service that reaches your phone or inbox."
    if not apprise.Apprise().add(url):
        return "Apprise does not recognise this URL. Check it against its docs."
    return None


class AppriseTransport(Transport):
    kind = "apprise"
    timeout = 15

    def send(self, message: Message) -> None:
        try:
            url = self.channel.secret
        except crypto.Unreadable as e:
            raise TransportError(str(e), permanent=True) from e
        scheme = url.partition("://")[0].lower()
        sender = apprise.Apprise()
        if scheme in LOCAL_SCHEMES or not sender.add(url):
            raise TransportError(
                "Apprise cannot use this URL (any more). Add it again.", permanent=True
            )
        result = sender.notify(
            body=f"{message.body}\n{message.url}",
            title=message.title,
            notify_type=apprise.NotifyType.WARNING
            if message.urgent
            else apprise.NotifyType.INFO,
            timeout=self.timeout,
        )
        if not bool(result):
            errors = [
                entry.message
                for entry in result.logs()
                if entry.level in ("WARNING", "ERROR")
            ]
            raise TransportError(
                errors[-1] if errors else "The service did not accept the message."
            )
